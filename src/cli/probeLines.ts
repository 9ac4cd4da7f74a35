// The CLI's JSON for probes and baselines (snake_case keys: a contract of the summary).
import type { ProbeResult } from '../types/run';
import type { BaselineMeasurement, BaselineMeasurements, ProbeMeasurement } from '../ldae/probe';

export const accuracies = (m: Pick<ProbeMeasurement, 'linearTestAcc' | 'linearTrainAcc' | 'knnTestAcc'>) => ({
  linear_test_acc: m.linearTestAcc,
  linear_train_acc: m.linearTrainAcc,
  knn_test_acc: m.knnTestAcc,
});

const baseline = (b: BaselineMeasurement) => ({
  ...accuracies(b),
  ...(b.linearProbe ? { linear_probe: b.linearProbe } : {}),
  seconds: b.seconds,
  from_cache: b.fromCache,
});

export const baselineFields = (b: BaselineMeasurements) => ({
  raw_pixel: baseline(b.rawPixel),
  random_init: baseline(b.randomInit),
  ...(b.latent ? { latent: baseline(b.latent) } : {}),
});

/** The summary's `probe` block (the line emitted per evaluation adds `type: 'probe'`). */
export const probeFields = (r: ProbeResult) => ({ step: r.step, weights: r.weights, ...accuracies(r), seconds: r.seconds });
