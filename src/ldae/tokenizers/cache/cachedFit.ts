// Fit a tokenizer, or restore it when one with the same cache key was fitted before. The worker
// passes an IdbTokenizerCache (src/engine/worker/tokenizerCacheIdb.ts), the CLI a FileTokenizerCache
// (src/node/tokenizerCacheFile.ts), tests a MemoryTokenizerCache.
import type * as tf from '@tensorflow/tfjs';
import { obtainTokenizer, type FittedTokenizer } from '../../build';
import type { ExperimentConfig } from '../../config';
import type { TokenizerFitProgress } from '../types';
import { tokenizerCacheKey } from './key';
import type { TokenizerCache } from './types';

export interface CachedTokenizer extends FittedTokenizer {
  key: string;
}

/** An unreadable or broken cache entry is refitted and overwritten; a failing store is never fatal. */
export async function obtainTokenizerCached(
  cfg: ExperimentConfig,
  trainImages: tf.Tensor4D,
  cache: TokenizerCache,
  onProgress?: (p: TokenizerFitProgress) => void,
): Promise<CachedTokenizer> {
  const [count, height, width, channels] = trainImages.shape;
  const key = tokenizerCacheKey(cfg, count, { height, width, channels });
  const hit = await cache.get(key).catch(() => null);
  if (hit && hit.kind === cfg.tokenizer) {
    try {
      return { ...(await obtainTokenizer(cfg, trainImages, hit, onProgress)), key };
    } catch {
      // fall through to a fresh fit
    }
  }
  const fitted = await obtainTokenizer(cfg, trainImages, null, onProgress);
  await cache.set(key, fitted.tokenizer.serialize()).catch(() => undefined);
  return { ...fitted, key };
}
