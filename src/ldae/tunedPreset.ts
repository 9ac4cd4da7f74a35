// `ldae-tuned`: the l-DAE objective (the paper's last row) with the training and probe knobs that
// the probe research on Fashion-MNIST settled on (README, Probe: "Research"). Beyond the paper.
// Type-only imports: presets.ts imports this module.
import type { ExperimentConfig } from './config';
import type { ObjectiveKnobs, Preset } from './presets';

const LDAE_OBJECTIVE: ObjectiveKnobs = {
  tokenizer: 'pca',
  schedule: 'ldae-linear-sigma',
  sigmaMax: Math.SQRT2,
  singleLevel: false,
  inputScaling: false,
  target: 'x0',
  inputSpace: 'pixel',
  outputSpace: 'pixel',
  lossWeighting: 'pca-weighted',
  tConditioning: true,
};

export interface TunedPreset extends Preset {
  /** Training and probe knobs set beyond the objective. */
  extra: Partial<ExperimentConfig>;
}

export const TUNED_PRESET: TunedPreset = {
  id: 'ldae-tuned',
  label: 'l-DAE tuned for small images',
  description: 'TBD',
  patch: LDAE_OBJECTIVE,
  extra: {},
  paperAcc: null,
  paperRow: 'beyond the paper: l-DAE with training and probe settings tuned at playground scale',
};
