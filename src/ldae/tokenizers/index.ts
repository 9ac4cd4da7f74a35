// Tokenizer registry: one fitter and one restorer per kind. A new tokenizer plugs in with one
// line in each table; the objective only ever sees the Tokenizer interface.
import type * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig, TokenizerKind } from '../config';
import type { PatchPca } from '../patchPca';
import { fitDataPca, fitPcaTokenizer, restorePcaTokenizer } from './pca';
import { fitPixelTokenizer, restorePixelTokenizer } from './pixel';
import { fitPatchAeTokenizer, restorePatchAeTokenizer } from './patchAE';
import { fitPatchVaeTokenizer, restorePatchVaeTokenizer } from './patchVAE';
import { fitConvVaeTokenizer, restoreConvVaeTokenizer } from './convVAE';
import type { SerializedTokenizer, Tokenizer, TokenizerFitProgress } from './types';

export type TokenizerFitter = (
  cfg: ExperimentConfig,
  trainImages: tf.Tensor4D,
  onProgress?: (p: TokenizerFitProgress) => void,
) => Promise<Tokenizer>;

export type TokenizerRestorer = (s: SerializedTokenizer) => Tokenizer;

const FITTERS: Partial<Record<TokenizerKind, TokenizerFitter>> = {
  pca: fitPcaTokenizer,
  pixel: fitPixelTokenizer,
  'patch-ae': fitPatchAeTokenizer,
  'patch-vae': fitPatchVaeTokenizer,
  'conv-vae': fitConvVaeTokenizer,
};

const RESTORERS: Partial<Record<TokenizerKind, TokenizerRestorer>> = {
  pca: restorePcaTokenizer,
  pixel: restorePixelTokenizer,
  'patch-ae': restorePatchAeTokenizer,
  'patch-vae': restorePatchVaeTokenizer,
  'conv-vae': restoreConvVaeTokenizer,
};

/** Fits the tokenizer the config names on [count, H, W, C] training images in [0, 1]. */
export async function fitTokenizer(
  cfg: ExperimentConfig,
  trainImages: tf.Tensor4D,
  onProgress?: (p: TokenizerFitProgress) => void,
): Promise<Tokenizer> {
  const fit = FITTERS[cfg.tokenizer];
  if (!fit) throw new Error(`tokenizer "${cfg.tokenizer}" is not implemented yet (available: ${Object.keys(FITTERS).join(', ')})`);
  return fit(cfg, trainImages, onProgress);
}

export function restoreTokenizer(s: SerializedTokenizer): Tokenizer {
  const restore = RESTORERS[s.kind];
  if (!restore) throw new Error(`cannot restore tokenizer "${s.kind}" (available: ${Object.keys(RESTORERS).join(', ')})`);
  return restore(s);
}

/** A tokenizer that carries the data's patch PCA (PCA and pixel do; learned ones may). */
function tokenizerPca(tokenizer: Tokenizer): PatchPca | null {
  const pca = (tokenizer as Tokenizer & { pca?: PatchPca }).pca;
  return pca && pca.patchDim === tokenizer.patchDim ? pca : null;
}

/**
 * The data's patch PCA for the PCA-weighted loss. The paper defines that loss in PCA space, so for
 * tokenizers that are not PCA (pixel, AE, VAE) we still weight the error in the data's PCA basis,
 * with weight 1 on its first d components (d = the tokenizer's latent dimension) and 0.1 on the rest.
 */
export async function dataPcaFor(cfg: ExperimentConfig, tokenizer: Tokenizer, trainImages: tf.Tensor4D): Promise<PatchPca> {
  return tokenizerPca(tokenizer) ?? fitDataPca(cfg, trainImages);
}
