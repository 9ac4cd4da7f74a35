// The config fields that define a fitted tokenizer (and nothing else): what its cache key holds
// and what makes the UI refit its preview. The training set's size and image shape also change
// it; those come from the data, not the config (see cache/key.ts).
import type { ExperimentConfig } from '../config';

export const TOKENIZER_FIELDS = [
  'dataset',
  'patchSize',
  'latentDim',
  'tokenizer',
  'seed',
  'latentScaling',
  'tokenizerSamples',
  'tokenizerSteps',
  'vaeBeta',
] as const satisfies readonly (keyof ExperimentConfig)[];

export type TokenizerFields = Pick<ExperimentConfig, (typeof TOKENIZER_FIELDS)[number]>;
