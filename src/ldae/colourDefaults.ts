// Sensible tokens for a dataset's image shape (issue 12 item 6): the patch size, latent dim d and
// model a run should start from when a colour (or non-28) dataset is loaded.
//
// 32x32x3 (CIFAR-10-like): patch 8 = 16 tokens, D = 192, d = 16, model tiny. Why (README, "Colour
// and image size"): the paper keeps d = 16-32 of D = 768 (2-4 %) on 16x16x3 ImageNet patches; the
// grey default here keeps d = 8 of D = 49. Patch-wise PCA on a SYNTHETIC 32x32x3 fixture (no real
// colour data on the build machine; scripts/colour-pca-variance.ts) keeps at P = 8: d = 8 88.8 %,
// d = 16 94.5 %, d = 32 96.9 %; at P = 4 (D = 48): d = 4 91.3 %, d = 8 95.6 %. d = 16 of 192 (8 %)
// keeps about what the grey default keeps (90-95 %) while leaving most directions to noise, as the
// paper wants; 16 tokens make a step cost what the grey default costs (47.6 vs 44.9 MFLOP per
// training image for tiny), and it is the notes' reference configuration (width 96, 4 blocks,
// patch 8, d = 16). Patch 4, d = 8 (64 tokens) is the next lever (token count matters most at
// small scale) at 4.3x the FLOPs per step.
import type { ImageShape } from '../types/data';
import { DEFAULT_CONFIG, patchDim, patchSizesFor, type ExperimentConfig } from './config';

export type ShapeDefaults = Pick<ExperimentConfig, 'patchSize' | 'latentDim' | 'modelSize'>;

/** Latent dim for colour patches (16 of D = 192 at 32x32x3, see above); never above D. */
const COLOUR_LATENT_DIM = 16;
/** Tokens per image the defaults aim for (the grey default's 4 x 4 grid). */
const TARGET_TOKENS_PER_SIDE = 4;

/**
 * The patch size, d and model to start from for images of `shape`: the grey default (patch 7,
 * d = 8) on 28x28x1; patch side/4 (16 tokens; the divisor nearest to it otherwise) and d = 16 for
 * colour, capped at D. Apply it as a config patch when a dataset with a new shape is chosen.
 */
export function colourDefaults(shape: ImageShape): ShapeDefaults {
  const side = shape.height;
  const grey28 = side === 28 && shape.channels === 1;
  if (grey28) return { patchSize: DEFAULT_CONFIG.patchSize, latentDim: DEFAULT_CONFIG.latentDim, modelSize: DEFAULT_CONFIG.modelSize };
  const wanted = side / TARGET_TOKENS_PER_SIDE;
  const sizes = patchSizesFor(side);
  const patchSize = sizes.reduce((best, p) => (Math.abs(p - wanted) < Math.abs(best - wanted) ? p : best), sizes[0]);
  const D = patchDim({ patchSize }, shape.channels);
  const d = shape.channels === 1 ? DEFAULT_CONFIG.latentDim : COLOUR_LATENT_DIM;
  return { patchSize, latentDim: Math.min(d, D), modelSize: DEFAULT_CONFIG.modelSize };
}

/**
 * The config after a dataset of shape `next` replaces one of shape `previous`: the shape defaults
 * replace patch size and d when they still hold the previous shape's defaults (the user did not
 * choose them) or do not fit the new shape; otherwise the user's choice stays.
 */
export function configForShape(cfg: ExperimentConfig, previous: ImageShape | null, next: ImageShape): ExperimentConfig {
  const defaults = colourDefaults(next);
  const before = previous ? colourDefaults(previous) : null;
  const untouched = before !== null && cfg.patchSize === before.patchSize && cfg.latentDim === before.latentDim;
  const fits = next.height % cfg.patchSize === 0 && (cfg.tokenizer === 'pixel' || cfg.latentDim <= patchDim(cfg, next.channels));
  if (!untouched && fits) return cfg;
  if (cfg.patchSize === defaults.patchSize && cfg.latentDim === defaults.latentDim) return cfg;
  return { ...cfg, patchSize: defaults.patchSize, latentDim: defaults.latentDim };
}
