// One training run of the CLI with the probes (baselines before the first step, the end-of-run
// evaluation in the summary) and, with --save-checkpoint, the trained model written to a file.
// The single run, the tokenizer sweep and the generic sweep all train through here.
import type { LoadedDataset } from '../types/data';
import { checkpointOf } from '../ldae/checkpoint/checkpoint';
import { writeCheckpointFile } from '../node/checkpointFile';
import { createProbeHooks } from './probeHooks';
import { runExperiment, type Emit, type ExperimentHooks, type ExperimentRun } from './runExperiment';

export interface ProbedRun extends ExperimentRun {
  /** Write the trained model here at the end of training (before the final probe). */
  saveCheckpoint?: string;
}

export function runProbedExperiment(run: ProbedRun, data: LoadedDataset, emit: Emit): Promise<Record<string, unknown>> {
  const probe = createProbeHooks(run.config, data);
  const file = run.saveCheckpoint;
  if (!file) return runExperiment(run, data, emit, probe);
  const trainImages = run.trainImages > 0 ? Math.min(run.trainImages, data.train.count) : data.train.count;
  const hooks: ExperimentHooks = {
    ...probe,
    // The checkpoint first: a failing probe must not lose the trained model.
    async summaryFields(model, step, emit, ema) {
      const t0 = performance.now();
      const bytes = await writeCheckpointFile(file, await checkpointOf(model, step, { preset: run.preset, trainImages }));
      const checkpoint = { file, step, bytes, seconds: (performance.now() - t0) / 1000 };
      return { checkpoint, ...((await probe.summaryFields?.(model, step, emit, ema)) ?? {}) };
    },
  };
  return runExperiment(run, data, emit, hooks);
}
