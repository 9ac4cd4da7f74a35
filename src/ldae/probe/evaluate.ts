// One probe evaluation: features of the probe sets, parameter-free BatchNorm, then the
// linear probe and the kNN probe. Every tensor it makes is gone when it returns.
import type * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../config';
import { extractFeatures, standardize, type ExtractOptions, type FeatureExtractor } from './features';
import { knnAccuracy, type KnnOptions } from './knn';
import { linearProbe, type LinearProbeOptions } from './linearProbe';
import type { ProbeSets } from './subset';

export interface ProbeMeasurement {
  linearTestAcc: number;
  linearTrainAcc: number;
  knnTestAcc: number;
  seconds: number;
}

export interface ProbeSettings {
  /** Seeds the linear probe's shuffling (use the run's config.seed). */
  seed: number;
  extract?: Partial<Omit<ExtractOptions, 'onProgress' | 'set'>>;
  linear?: Partial<Omit<LinearProbeOptions, 'onProgress' | 'numClasses' | 'seed'>>;
  knn?: Partial<Omit<KnnOptions, 'onProgress' | 'numClasses'>>;
  /** Overall fraction in [0, 1], called many times during one evaluation. */
  onProgress?: (fraction: number) => void;
}

/** The probe settings of a run: seeded by the run's seed, the linear probe as the config says. */
export function probeSettingsFor(
  cfg: Pick<ExperimentConfig, 'seed' | 'probeSteps' | 'probeLr' | 'probeWeightDecay'>,
  onProgress?: (fraction: number) => void,
): ProbeSettings {
  return { seed: cfg.seed, linear: { steps: cfg.probeSteps, lr: cfg.probeLr, weightDecay: cfg.probeWeightDecay }, onProgress };
}

// Share of one evaluation's time spent in each phase (for the progress bar only).
const PHASES = { features: 0.6, linear: 0.3, knn: 0.1 };

/** Linear + kNN probes on already extracted features (standardised here with the train statistics). */
export async function probeFeatures(
  trainFeatures: tf.Tensor2D,
  testFeatures: tf.Tensor2D,
  sets: Pick<ProbeSets, 'train' | 'test' | 'numClasses'>,
  settings: ProbeSettings,
  progressOffset = 0,
): Promise<Omit<ProbeMeasurement, 'seconds'>> {
  const report = settings.onProgress;
  const linearShare = PHASES.linear / (PHASES.linear + PHASES.knn);
  const remaining = 1 - progressOffset;
  const { train, test } = standardize(trainFeatures, testFeatures);
  try {
    const linear = await linearProbe(train, sets.train.labels, test, sets.test.labels, {
      ...settings.linear,
      numClasses: sets.numClasses,
      seed: settings.seed,
      onProgress: report && ((f) => report(progressOffset + remaining * linearShare * f)),
    });
    const knnTestAcc = await knnAccuracy(train, sets.train.labels, test, sets.test.labels, {
      ...settings.knn,
      numClasses: sets.numClasses,
      onProgress: report && ((f) => report(progressOffset + remaining * (linearShare + (1 - linearShare) * f))),
    });
    return { linearTestAcc: linear.testAcc, linearTrainAcc: linear.trainAcc, knnTestAcc };
  } finally {
    train.dispose();
    test.dispose();
  }
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs jobs one after another, so two evaluations' tensors are never alive at once. */
function oneAtATime<T>(job: () => Promise<T>): Promise<T> {
  const result = queue.then(job, job);
  queue = result.catch(() => undefined);
  return result;
}

/**
 * Full probe evaluation of a feature extractor (e.g. `(x) => model.features(x, probeT)`) on
 * fixed probe sets (from selectProbeSets). Calls made while one runs wait for it to finish.
 */
export function evaluateProbes(extract: FeatureExtractor, sets: ProbeSets, settings: ProbeSettings): Promise<ProbeMeasurement> {
  return oneAtATime(() => runEvaluation(extract, sets, settings));
}

async function runEvaluation(extract: FeatureExtractor, sets: ProbeSets, settings: ProbeSettings): Promise<ProbeMeasurement> {
  const started = performance.now();
  const report = settings.onProgress;
  const trainShare = (PHASES.features * sets.train.count) / (sets.train.count + sets.test.count);
  let trainFeatures: tf.Tensor2D | null = null;
  let testFeatures: tf.Tensor2D | null = null;
  try {
    trainFeatures = await extractFeatures(extract, sets.train, sets.shape, {
      ...settings.extract,
      set: 'train',
      onProgress: report && ((f) => report(trainShare * f)),
    });
    testFeatures = await extractFeatures(extract, sets.test, sets.shape, {
      ...settings.extract,
      set: 'test',
      onProgress: report && ((f) => report(trainShare + (PHASES.features - trainShare) * f)),
    });
    const accs = await probeFeatures(trainFeatures, testFeatures, sets, settings, PHASES.features);
    report?.(1);
    return { ...accs, seconds: (performance.now() - started) / 1000 };
  } finally {
    trainFeatures?.dispose();
    testFeatures?.dispose();
  }
}
