// Fit a tokenizer, or restore it from a cache when one with the same key was fitted before.
import type * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../../config';
import type { SerializedTokenizer, Tokenizer, TokenizerFitProgress } from '../types';
import { tokenizerCacheKey } from './key';
import type { TokenizerCache } from './types';

export interface TokenizerRegistry {
  fit: (cfg: ExperimentConfig, trainImages: tf.Tensor4D, onProgress?: (p: TokenizerFitProgress) => void) => Promise<Tokenizer>;
  restore: (s: SerializedTokenizer) => Tokenizer;
}

export interface CachedFit {
  tokenizer: Tokenizer;
  key: string;
  fromCache: boolean;
}

/** A broken or unreadable cache entry is refitted (and overwritten), never fatal. */
export async function fitTokenizerCached(
  cfg: ExperimentConfig,
  trainImages: tf.Tensor4D,
  cache: TokenizerCache,
  registry: TokenizerRegistry,
  onProgress?: (p: TokenizerFitProgress) => void,
): Promise<CachedFit> {
  const [count, side] = trainImages.shape;
  const key = tokenizerCacheKey(cfg, count, side);
  const hit = await cache.get(key).catch(() => null);
  if (hit && hit.kind === cfg.tokenizer) {
    try {
      const tokenizer = registry.restore(hit);
      const curve = hit.extras.curveReconMse;
      onProgress?.({ fraction: 1, reconMse: Array.isArray(curve) && curve.length > 0 ? curve[curve.length - 1] : null });
      return { tokenizer, key, fromCache: true };
    } catch {
      // fall through to a fresh fit
    }
  }
  const tokenizer = await registry.fit(cfg, trainImages, onProgress);
  await cache.set(key, tokenizer.serialize()).catch(() => undefined);
  return { tokenizer, key, fromCache: false };
}
