// The controls a classroom link can hide, grouped as the settings panels show them (config field names).
import type { ExperimentConfig } from '../../ldae/config';

export const CONTROL_GROUPS: { title: string; fields: (keyof ExperimentConfig)[] }[] = [
  { title: 'Data', fields: ['dataset'] },
  { title: 'Tokenizer', fields: ['tokenizer', 'patchSize', 'latentDim'] },
  { title: 'Noise', fields: ['schedule', 'sigmaMax', 'singleLevel', 'singleLevelT'] },
  { title: 'Objective', fields: ['target', 'inputScaling', 'inputSpace', 'outputSpace', 'lossWeighting', 'tConditioning'] },
  { title: 'Model', fields: ['modelSize', 'modelWidth', 'modelDepth', 'modelHeads'] },
  {
    title: 'Training',
    fields: ['batchSize', 'lr', 'steps', 'seed', 'augmentShift', 'augmentFlip', 'emaDecay', 'probeEvery', 'warmupSteps', 'weightDecay', 'gradClip', 'metricsEvery'],
  },
  { title: 'Probe', fields: ['probeFeatures', 'probeNoise', 'probeTrainSize', 'probeTestSize', 'probeT', 'probeWeightDecay', 'probeSteps', 'probeLr'] },
  { title: 'Tokenizer fit', fields: ['tokenizerSamples', 'latentScaling', 'tokenizerSteps', 'vaeBeta'] },
];
