// The cache key: every config field that changes the fitted tokenizer (TOKENIZER_FIELDS), the
// training set size and the image shape, and nothing else.
import { IMAGE_SIDE, effectiveLatentDim } from '../../config';
import type { TokenizerFields } from '../fields';

/** Bump when a tokenizer's fitting code changes what it produces, so stale entries are ignored. */
export const TOKENIZER_CACHE_VERSION = 1;

/** e.g. "v1_fashion-mnist_28px_n60000_p7_d8_patch-vae_seed1_unit-rms_s20000_steps1500_beta0.001". */
export function tokenizerCacheKey(cfg: TokenizerFields, trainCount: number, imageSide = IMAGE_SIDE): string {
  const parts = [
    `v${TOKENIZER_CACHE_VERSION}`,
    cfg.dataset,
    `${imageSide}px`,
    `n${trainCount}`,
    `p${cfg.patchSize}`,
    `d${effectiveLatentDim(cfg)}`,
    cfg.tokenizer,
    `seed${cfg.seed}`,
    cfg.latentScaling,
    `s${cfg.tokenizerSamples}`,
  ];
  const learned = cfg.tokenizer === 'patch-ae' || cfg.tokenizer === 'patch-vae' || cfg.tokenizer === 'conv-vae';
  if (learned) parts.push(`steps${cfg.tokenizerSteps}`);
  if (cfg.tokenizer === 'patch-vae' || cfg.tokenizer === 'conv-vae') parts.push(`beta${cfg.vaeBeta}`);
  return parts.join('_');
}
