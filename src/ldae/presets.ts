// The paper's deconstruction trajectory (ldae-notes.md, ImageNet DiT-L 400 ep linear probe),
// one preset per row that applies to a self-supervised playground, in trajectory order.
// Each preset sets every objective knob, so applying it to any config gives that row exactly.
import { DEFAULT_CONFIG, type ExperimentConfig } from './config';
import { TUNED_PRESET } from './tunedPreset';

export const PRESET_IDS = ['dit-baseline', 'linear-gamma', 'predict-z0', 'no-input-scaling', 'pixel-input', 'pixel-output', 'ldae'] as const;
/** Presets beyond the paper's rows (see tunedPreset.ts). */
const EXTRA_PRESET_IDS = ['ldae-tuned'] as const;
export const ALL_PRESET_IDS = [...PRESET_IDS, ...EXTRA_PRESET_IDS] as const;
export type PresetId = (typeof ALL_PRESET_IDS)[number];

export type ObjectiveKnobs = Pick<
  ExperimentConfig,
  'tokenizer' | 'schedule' | 'sigmaMax' | 'singleLevel' | 'inputScaling' | 'target' | 'inputSpace' | 'outputSpace' | 'lossWeighting' | 'tConditioning'
>;

export interface Preset {
  id: PresetId;
  label: string;
  /** What changed from the previous row (one line). */
  description: string;
  patch: ObjectiveKnobs;
  /** The paper's ImageNet linear-probe top-1 for the matching row (DiT-L, 400 epochs); null beyond the paper. */
  paperAcc: number | null;
  /** Which row of the paper's table that number is from. */
  paperRow: string;
}

export const NOT_APPLICABLE_NOTE =
  "The paper's first rows remove class conditioning and the VQGAN tokenizer's perceptual and adversarial losses; " +
  'a self-supervised playground has neither, so the trajectory here starts after them.';

const COMMON = { tokenizer: 'pca', sigmaMax: Math.SQRT2, singleLevel: false, tConditioning: true } as const;

export const PRESETS: readonly Preset[] = [
  {
    id: 'dit-baseline',
    label: 'DiT baseline',
    description:
      'DiT-style diffusion: VP DDPM linear-beta schedule, predict the noise eps, latent tokens in and out, plain MSE. ' +
      'Class conditioning and VQGAN losses do not apply to a self-supervised playground; the tokenizer is patch-wise PCA (the paper: a VAE; its tokenizer study shows the choice matters little).',
    patch: { ...COMMON, schedule: 'vp-ddpm-linear', inputScaling: true, target: 'eps', inputSpace: 'latent', outputSpace: 'latent', lossWeighting: 'none' },
    paperAcc: 59.0,
    paperRow: 'DiT-L without class conditioning, VQGAN losses removed (plain VAE tokenizer)',
  },
  {
    id: 'linear-gamma',
    label: 'gamma^2 linear schedule',
    description: 'New noise schedule: gamma_t^2 falls linearly from 1 to 0 (more weight on noisier levels).',
    patch: { ...COMMON, schedule: 'vp-linear-gamma2', inputScaling: true, target: 'eps', inputSpace: 'latent', outputSpace: 'latent', lossWeighting: 'none' },
    paperAcc: 65.1,
    paperRow: 'new noise schedule, then tokenizer -> patch-wise PCA (63.4 with the conv VAE)',
  },
  {
    id: 'predict-z0',
    label: 'predict z0',
    description: 'Predict the clean latent z0 instead of the noise eps, loss weighted by lambda_t = gamma_t^2.',
    patch: { ...COMMON, schedule: 'vp-linear-gamma2', inputScaling: true, target: 'z0', inputSpace: 'latent', outputSpace: 'latent', lossWeighting: 'gamma2' },
    paperAcc: 62.4,
    paperRow: 'predict clean data z0 instead of noise',
  },
  {
    id: 'no-input-scaling',
    label: 'no input scaling',
    description: 'Remove input scaling: gamma_t = 1, z_t = z0 + sigma_t eps with sigma_t linear from 0 to sqrt 2, lambda_t = 1 / (1 + sigma_t^2).',
    patch: { ...COMMON, schedule: 'ldae-linear-sigma', inputScaling: false, target: 'z0', inputSpace: 'latent', outputSpace: 'latent', lossWeighting: 'inv-1p-sigma2' },
    paperAcc: 63.6,
    paperRow: 'remove input scaling',
  },
  {
    id: 'pixel-input',
    label: 'noisy input in pixels',
    description: 'The network sees the noisy latent projected back to pixels, V^T z_t (inverse PCA), instead of z_t.',
    patch: { ...COMMON, schedule: 'ldae-linear-sigma', inputScaling: false, target: 'z0', inputSpace: 'pixel', outputSpace: 'latent', lossWeighting: 'inv-1p-sigma2' },
    paperAcc: 63.6,
    paperRow: 'noisy input in image space via inverse PCA',
  },
  {
    id: 'pixel-output',
    label: 'output in pixels',
    description: 'The network outputs pixels, compared with the inverse-PCA image of z0 (V^T z0), instead of latents.',
    patch: { ...COMMON, schedule: 'ldae-linear-sigma', inputScaling: false, target: 'z0', inputSpace: 'pixel', outputSpace: 'pixel', lossWeighting: 'inv-1p-sigma2' },
    paperAcc: 63.9,
    paperRow: 'output in image space via inverse PCA',
  },
  {
    id: 'ldae',
    label: 'l-DAE',
    description: 'Predict the original image x0 with the PCA-weighted loss (weight 1 on the first d principal components of the error, 0.1 on the rest): l-DAE.',
    patch: { ...COMMON, schedule: 'ldae-linear-sigma', inputScaling: false, target: 'x0', inputSpace: 'pixel', outputSpace: 'pixel', lossWeighting: 'pca-weighted' },
    paperAcc: 64.5,
    paperRow: 'predict the original image (l-DAE)',
  },
];

export function getPreset(id: string): Preset {
  const p = [...PRESETS, TUNED_PRESET].find((x) => x.id === id);
  if (!p) throw new Error(`unknown preset "${id}"; presets: ${ALL_PRESET_IDS.join(', ')}`);
  return p;
}

/**
 * The preset's objective knobs, plus its training/probe knobs for ldae-tuned. A trajectory row
 * puts the knobs ldae-tuned changes back to their defaults, so leaving ldae-tuned for a row of
 * the paper gives that row exactly.
 */
export function applyPreset(base: ExperimentConfig, id: string): ExperimentConfig {
  const p = getPreset(id);
  if (p.id === TUNED_PRESET.id) return { ...base, ...p.patch, ...TUNED_PRESET.extra };
  const reset = Object.fromEntries(Object.keys(TUNED_PRESET.extra).map((k) => [k, DEFAULT_CONFIG[k as keyof ExperimentConfig]]));
  return { ...base, ...reset, ...p.patch };
}

/** The preset a config matches on every objective knob, or null (a custom config). */
export function matchingPreset(cfg: ExperimentConfig): PresetId | null {
  const tuned = { ...TUNED_PRESET.patch, ...TUNED_PRESET.extra } as Partial<ExperimentConfig>;
  if ((Object.keys(tuned) as (keyof ExperimentConfig)[]).every((k) => cfg[k] === tuned[k])) return TUNED_PRESET.id;
  for (const p of PRESETS) {
    if ((Object.keys(p.patch) as (keyof ObjectiveKnobs)[]).every((k) => cfg[k] === p.patch[k])) return p.id;
  }
  return null;
}
