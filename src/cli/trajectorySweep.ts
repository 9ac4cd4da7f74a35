// `--sweep trajectory --steps N`: the paper's seven trajectory presets one after another at the
// same budget (--steps and every --set apply to each), one JSON line per row, then the table
// beside the paper's numbers (ours, paper, change from the row above in both), also written to --out.
import type { LoadedDataset } from '../types/data';
import { DEFAULT_CONFIG, parseConfigValue, type ExperimentConfig } from '../ldae/config';
import { PRESET_IDS, applyPreset, type PresetId } from '../ldae/presets';
import { signedPoints, trajectoryRows } from '../ldae/trajectoryTable';
import type { TokenizerCache } from '../ldae/tokenizers/cache/types';
import { writeFileAtomic } from '../node/atomicWrite';
import { CliError, type CliOptions } from './args';
import { configForImported } from './datasetFlags';
import { formatSeconds, markdownRows } from './markdownTable';
import { runExperiment, type Emit } from './runExperiment';

export interface TrajectorySweepOptions {
  kind: 'trajectory';
  out: string;
}

/** Each preset's config with the run's explicit settings on top (as --preset P would give). */
export function trajectoryConfig(opts: Pick<CliOptions, 'sets' | 'backend'>, id: PresetId, data: LoadedDataset): ExperimentConfig {
  let config = applyPreset(DEFAULT_CONFIG, id);
  for (const [k, v] of opts.sets) config = { ...config, ...parseConfigValue(k, v) };
  config = { ...config, backend: opts.backend };
  return data.meta.id === config.dataset ? config : configForImported({ config, sets: opts.sets }, data.meta);
}

export async function runTrajectorySweep(
  opts: CliOptions,
  sweep: TrajectorySweepOptions,
  data: LoadedDataset,
  backend: string,
  tokenizerCache: TokenizerCache,
  emit: Emit,
): Promise<{ markdown: string; failed: PresetId[] }> {
  if (opts.presetGiven) throw new CliError('--sweep trajectory runs every trajectory preset: drop --preset');
  const t0 = performance.now();
  emit({ type: 'sweep', sweep: 'trajectory', cells: PRESET_IDS.length, presets: PRESET_IDS, steps: opts.config.steps, out: sweep.out });
  const acc: Partial<Record<PresetId, number>> = {};
  const failed: PresetId[] = [];
  let setup = '';
  for (const [i, id] of PRESET_IDS.entries()) {
    const config = trajectoryConfig(opts, id, data);
    try {
      const s = (await runExperiment({ preset: id, config, backend, trainImages: opts.trainImages, threads: opts.threads, tokenizerCache }, data, () => {})) as {
        probe: { linear_test_acc: number; knn_test_acc: number };
        final_loss: number | null;
        params: number;
        train_images: number;
        probe_sets: { train: number; test: number };
        wall_seconds: number;
      };
      acc[id] = s.probe.linear_test_acc;
      const row = trajectoryRows(acc)[i];
      emit({ type: 'cell', index: i + 1, of: PRESET_IDS.length, preset: id, linear_test_acc: s.probe.linear_test_acc, knn_test_acc: s.probe.knn_test_acc, final_loss: s.final_loss, ours: row.ours, ours_change: row.oursChange, paper: row.paper, paper_change: row.paperChange, wall_seconds: s.wall_seconds });
      setup ||= `${config.dataset}, model ${config.modelSize} (${s.params.toLocaleString('en-US')} params), ${config.steps} steps at batch ${config.batchSize}, ${s.train_images} training images, probe ${s.probe_sets.train}/${s.probe_sets.test}, seed ${config.seed}, ${backend}`;
    } catch (e) {
      failed.push(id);
      emit({ type: 'cell_error', index: i + 1, of: PRESET_IDS.length, preset: id, error: e instanceof Error ? e.message : String(e) });
    }
  }
  const rows = trajectoryRows(acc).map((r, i) => [String(i + 1), r.label, r.ours === null ? '–' : r.ours.toFixed(1), signedPoints(r.oursChange), r.paper === null ? '–' : r.paper.toFixed(1), signedPoints(r.paperChange)]);
  const markdown = [
    `#### The paper's trajectory on this machine: linear probe test accuracy (%)`,
    '',
    markdownRows(['#', 'row', 'ours', 'change', 'paper (ImageNet, DiT-L 400 ep)', 'change'], rows),
    '',
    `${setup || 'no row finished'}; ${formatSeconds((performance.now() - t0) / 1000)} in all.` + (failed.length > 0 ? ` Failed: ${failed.join(', ')}.` : ''),
  ].join('\n');
  await writeFileAtomic(sweep.out, markdown + '\n');
  return { markdown, failed };
}
