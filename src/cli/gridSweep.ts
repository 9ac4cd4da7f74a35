// The generic sweep: every cell (combination x seed) is one ordinary run (a training run through
// runExperiment.ts, or a probe-only evaluation of a checkpoint), unless the sweep cache already holds
// its result under the same config hash. One JSON line per cell, then the Markdown table, also
// written to --out.
import { createHash } from 'node:crypto';
import os from 'node:os';
import type { ExperimentConfig } from '../ldae/config';
import { CheckpointError } from '../ldae/checkpoint/checkpoint';
import { writeFileAtomic } from '../node/atomicWrite';
import type { FileSweepCellCache } from '../node/sweepCellCacheFile';
import type { GridCell, GridSweepOptions } from './gridSweepArgs';
import type { Emit } from './runExperiment';
import { gridMarkdown, type Accuracies, type GridRun, type GridSetup } from './sweepTable';

/** Bump when a cached cell would no longer match what a run produces. */
const CELL_CACHE_VERSION = 1;

export interface GridRunner {
  mode: 'train' | 'probe-only';
  backend: string;
  /** Use only the first N training images (0 = all); part of the cache key. */
  trainImages: number;
  /** Further cache-key parts (probe-only: the checkpoint's sha256). */
  keyParts?: Record<string, unknown>;
  /** One run's summary line (runExperiment's or probeCheckpoint's). */
  run(config: ExperimentConfig): Promise<Record<string, unknown>>;
}

/** The cache key of a cell: the full config (sorted keys), the training images, backend and mode. */
export function cellKey(config: ExperimentConfig, runner: Pick<GridRunner, 'mode' | 'backend' | 'trainImages' | 'keyParts'>): string {
  const sortedConfig = JSON.parse(JSON.stringify(config, Object.keys(config).sort())) as ExperimentConfig;
  return JSON.stringify({ v: CELL_CACHE_VERSION, mode: runner.mode, config: sortedConfig, trainImages: runner.trainImages, backend: runner.backend, ...runner.keyParts });
}

export function configHash(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** The summary fields of a run (with the probe hooks) that a cell reads. */
interface RunSummary {
  steps: number;
  params?: number;
  train_images: number;
  final_loss?: number | null;
  train_seconds?: number;
  train_cpu_seconds?: number;
  probe: { linear_test_acc: number; linear_train_acc: number; knn_test_acc: number; seconds: number };
  probe_sets: { train: number; test: number; t: number };
  baselines?: Partial<Record<'raw_pixel' | 'random_init' | 'latent', Accuracies>>;
}

function gridRunFromSummary(cell: Pick<GridCell, 'values' | 'seed'>, summary: Record<string, unknown>): GridRun {
  const s = summary as unknown as RunSummary;
  const acc = (b: Accuracies | undefined): Accuracies | null => (b ? { linear_test_acc: b.linear_test_acc, knn_test_acc: b.knn_test_acc } : null);
  return {
    values: cell.values,
    seed: cell.seed,
    linear_test_acc: s.probe.linear_test_acc,
    linear_train_acc: s.probe.linear_train_acc,
    knn_test_acc: s.probe.knn_test_acc,
    train_seconds: s.train_seconds ?? null,
    train_cpu_seconds: s.train_cpu_seconds ?? null,
    final_loss: s.final_loss ?? null,
    probe_seconds: s.probe.seconds,
    baselines: { raw_pixel: acc(s.baselines?.raw_pixel), random_init: acc(s.baselines?.random_init), latent: acc(s.baselines?.latent) },
    setup: { steps: s.steps, train_images: s.train_images, probe_train: s.probe_sets.train, probe_test: s.probe_sets.test, probe_t: s.probe_sets.t, params: s.params ?? null },
  };
}

export interface GridSweepResult {
  runs: GridRun[];
  failed: { cell: string; error: string }[];
  markdown: string;
}

export async function runGridSweep(
  sweep: GridSweepOptions,
  cells: readonly GridCell[],
  runner: GridRunner,
  cache: FileSweepCellCache<GridRun>,
  setup: Omit<GridSetup, 'wallSeconds' | 'fromCache' | 'machine'>,
  emit: Emit,
): Promise<GridSweepResult> {
  const t0 = performance.now();
  const keys = sweep.axes.map((a) => a.key);
  const combos = cells.length / (sweep.seeds?.length ?? 1);
  emit({ type: 'sweep', sweep: 'grid', mode: runner.mode, axes: Object.fromEntries(sweep.axes.map((a) => [a.key, a.values])), seeds: sweep.seeds, cells: combos, runs: cells.length, out: sweep.out });
  const runs: GridRun[] = [];
  const failed: GridSweepResult['failed'] = [];
  let fromCache = 0;
  for (const [i, cell] of cells.entries()) {
    const key = cellKey(cell.config, runner);
    const hash = configHash(key);
    const start = performance.now();
    const where = { index: i + 1, of: cells.length, ...cell.values, seed: cell.seed };
    const stored = await cache.load(hash, key);
    // A cached run may come from another sweep over other keys: this sweep's values label it.
    let run = stored && { ...stored, values: cell.values, seed: cell.seed };
    const cached = run !== null;
    if (!run) {
      try {
        run = gridRunFromSummary(cell, await runner.run(cell.config));
      } catch (e) {
        if (e instanceof CheckpointError) throw e; // the same for every cell: stop with exit 2
        const error = e instanceof Error ? e.message : String(e);
        failed.push({ cell: Object.entries({ ...cell.values, seed: cell.seed }).map(([k, v]) => `${k}=${String(v)}`).join(', '), error });
        emit({ type: 'cell_error', ...where, config_hash: hash, error });
        continue;
      }
      await cache.save(hash, key, run);
    } else {
      fromCache++;
    }
    runs.push(run);
    emit({
      type: 'cell',
      ...where,
      linear_test_acc: run.linear_test_acc,
      linear_train_acc: run.linear_train_acc,
      knn_test_acc: run.knn_test_acc,
      train_seconds: run.train_seconds,
      train_cpu_seconds: run.train_cpu_seconds,
      final_loss: run.final_loss,
      probe_seconds: run.probe_seconds,
      config_hash: hash,
      from_cache: cached,
      wall_seconds: (performance.now() - start) / 1000,
    });
  }
  const cpus = os.cpus();
  const full: GridSetup = { ...setup, machine: { cpus: cpus.length, model: cpus[0]?.model.trim() ?? 'unknown' }, wallSeconds: (performance.now() - t0) / 1000, fromCache };
  const failedText = failed.map((f) => `${f.cell} (${f.error})`).join('; ');
  const markdown =
    runs.length > 0
      ? gridMarkdown(keys, runs, full) + (failed.length > 0 ? `\n\nFailed runs: ${failedText}.` : '')
      : `No run of the sweep finished: ${failedText}.`;
  await writeFileAtomic(sweep.out, markdown + '\n');
  return { runs, failed, markdown };
}
