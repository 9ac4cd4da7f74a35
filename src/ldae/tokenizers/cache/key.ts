// The cache key: every config field that changes the fitted tokenizer (TOKENIZER_FIELDS), the
// training set size and the image shape, and nothing else.
import type { ImageShape } from '../../../types/data';
import { effectiveLatentDim } from '../../config';
import type { TokenizerFields } from '../fields';

/** Bump when a tokenizer's fitting code changes what it produces, so stale entries are ignored. */
const TOKENIZER_CACHE_VERSION = 1;

/**
 * e.g. "v1_fashion-mnist_28px_n60000_p7_d8_patch-vae_seed1_unit-rms_s20000_steps1500_beta0.001";
 * a colour image adds its channels ("32px3c"), so a grey and a colour tokenizer never collide.
 */
export function tokenizerCacheKey(cfg: TokenizerFields, trainCount: number, shape: ImageShape): string {
  const size = shape.height === shape.width ? `${shape.height}px` : `${shape.height}x${shape.width}px`;
  const parts = [
    `v${TOKENIZER_CACHE_VERSION}`,
    cfg.dataset,
    shape.channels === 1 ? size : `${size}${shape.channels}c`,
    `n${trainCount}`,
    `p${cfg.patchSize}`,
    `d${effectiveLatentDim(cfg, shape.channels)}`,
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
