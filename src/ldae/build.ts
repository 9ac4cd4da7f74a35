// From a config and device-resident training images to a ready LdaeModel: fit (or restore) the
// tokenizer, get the data PCA for the loss, build the ViT. Shared by the worker and the CLI.
import type * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from './config';
import { createLdaeModel, type LdaeModel } from './ldaeModel';
import { dataPcaFor, fitTokenizer, restoreTokenizer } from './tokenizers';
import type { SerializedTokenizer, Tokenizer, TokenizerFitProgress } from './tokenizers/types';

export interface FittedTokenizer {
  tokenizer: Tokenizer;
  fitSeconds: number;
  fromCache: boolean;
}

export async function obtainTokenizer(
  cfg: ExperimentConfig,
  trainImages: tf.Tensor4D,
  cached: SerializedTokenizer | null,
  onProgress?: (p: TokenizerFitProgress) => void,
): Promise<FittedTokenizer> {
  const t0 = performance.now();
  if (cached) return { tokenizer: restoreTokenizer(cached), fitSeconds: (performance.now() - t0) / 1000, fromCache: true };
  const tokenizer = await fitTokenizer(cfg, trainImages, onProgress);
  return { tokenizer, fitSeconds: (performance.now() - t0) / 1000, fromCache: false };
}

/** Builds the model around a tokenizer (ownership passes to the model), for images shaped like `trainImages`. */
export async function buildModel(cfg: ExperimentConfig, tokenizer: Tokenizer, trainImages: tf.Tensor4D): Promise<LdaeModel> {
  const pca = cfg.lossWeighting === 'pca-weighted' ? await dataPcaFor(cfg, tokenizer, trainImages) : null;
  const [, height, width, channels] = trainImages.shape;
  return createLdaeModel(cfg, tokenizer, pca, { height, width, channels });
}
