// `--probe-only FILE`: the probes and baselines of a saved model, without training. The model is
// rebuilt from the checkpoint's config and tokenizer; before its weights are loaded it is exactly
// the run's model before its first step, which is what the random-init baseline measures.
import type { LoadedDataset } from '../types/data';
import { CheckpointError, buildCheckpointModel, loadWeights, weightMismatch, type Checkpoint } from '../ldae/checkpoint/checkpoint';
import { datasetBlock } from './datasetFlags';
import { DEFAULT_CONFIG, configProblems, parseConfigValue, type ExperimentConfig } from '../ldae/config';
import { splitImages } from '../ldae/deviceData';
import { CliError, type CliOptions } from './args';
import { createBaselineCache } from '../ldae/probe';
import { createSessionProbes } from '../ldae/session/sessionProbes';
import { FileBaselineStore } from '../node/baselineStoreFile';
import { baselineFields, probeFields } from './probeLines';
import type { Emit } from './runExperiment';

/** Probe settings: the only config fields a probe-only evaluation may change. */
function isProbeField(key: string): boolean {
  return key.startsWith('probe');
}

const PROBE_FIELDS = Object.keys(DEFAULT_CONFIG).filter(isProbeField);

/** Flags that make no sense with --probe-only (the checkpoint fixes what they would set). */
export function checkProbeOnlyFlags(opts: Pick<CliOptions, 'presetGiven' | 'trainImagesGiven' | 'extra'>): void {
  const bad = [opts.presetGiven ? '--preset' : '', opts.trainImagesGiven ? '--train-images' : '', '--save-checkpoint' in opts.extra ? '--save-checkpoint' : ''].filter(Boolean);
  if (bad.length > 0) throw new CliError(`--probe-only: ${bad.join(', ')} cannot be used (the checkpoint fixes the preset, the training images and the model)`);
}

/** Throws CliError naming the first training field among `keys` (what the caller wants to change). */
export function rejectTrainingFields(keys: readonly string[], stored: ExperimentConfig, via: string): void {
  const k = keys.find((key) => !isProbeField(key));
  if (k === undefined) return;
  const was = k in stored ? ` (the checkpoint was trained with ${k}=${String(stored[k as keyof ExperimentConfig])})` : '';
  throw new CliError(`--probe-only: ${via} ${k} is a training setting${was}; only probe settings can differ: ${PROBE_FIELDS.join(', ')}`);
}

/** The checkpoint's config with the probe-side --set overrides and this run's backend. */
export function probeOnlyConfig(stored: ExperimentConfig, sets: readonly [string, string][], backend: ExperimentConfig['backend']): ExperimentConfig {
  rejectTrainingFields(
    sets.map(([k]) => k),
    stored,
    '--set',
  );
  let config: ExperimentConfig = { ...stored, backend };
  for (const [k, v] of sets) {
    try {
      config = { ...config, ...parseConfigValue(k, v) };
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  const problems = configProblems(config);
  if (problems.length > 0) throw new CliError(problems.map((p) => p.message).join('; '));
  return config;
}

/**
 * Probes the checkpoint's model under `cfg` (its config, probe fields possibly changed): emits the
 * baselines and probe lines, returns the summary (same `probe` / `baselines` keys as a training run).
 */
export async function probeCheckpoint(
  ck: Checkpoint,
  file: string,
  cfg: ExperimentConfig,
  data: LoadedDataset,
  backend: string,
  emit: Emit,
): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const train = splitImages(data.train, data.meta, ck.trainImages);
  const model = await buildCheckpointModel({ ...ck, config: cfg }, train);
  let loadSeconds = (performance.now() - t0) / 1000;
  try {
    const mismatch = weightMismatch(model, ck.weights);
    if (mismatch) throw new CheckpointError(`${file}: ${mismatch}`);
    const probes = createSessionProbes(cfg, data, { baselineCache: createBaselineCache(new FileBaselineStore()) });
    const baselines = await probes.baselines(async () => ({ model, owned: false }), model.tokenizer);
    emit({ type: 'baselines', ...baselineFields(baselines) });
    const load0 = performance.now();
    loadWeights(model, ck.weights);
    loadSeconds += (performance.now() - load0) / 1000;
    const probe = await probes.evaluate(model, ck.step, null);
    emit({ type: 'probe', ...probeFields(probe) });
    const sets = probes.sets();
    const fields = {
      probe: probeFields(probe),
      probe_seconds_total: probe.seconds,
      probe_sets: { train: sets.train.count, test: sets.test.count, t: cfg.probeT },
      baselines: baselineFields(baselines),
    };
    const cpu = process.cpuUsage(cpu0);
    return {
      type: 'summary',
      mode: 'probe-only',
      checkpoint: { file, step: ck.step },
      preset: ck.preset,
      config: cfg,
      dataset: datasetBlock(data.meta),
      backend,
      steps: ck.step,
      params: model.summary().params,
      train_images: train.shape[0],
      // Building the model and loading its weights (the baselines are timed in their own fields).
      load_seconds: loadSeconds,
      ...fields,
      wall_seconds: (performance.now() - t0) / 1000,
      process_cpu_seconds: (cpu.user + cpu.system) / 1e6,
    };
  } finally {
    model.dispose();
    train.dispose();
  }
}
