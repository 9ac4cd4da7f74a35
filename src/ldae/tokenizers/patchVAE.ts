// Patch-wise VAE tokenizer (paper, tokenizer table): the linear maps of the patch AE, the encoder
// giving a mean V x and a log-variance W x + c, a reparameterised sample during fitting and the
// loss (x - U^T z)^2 + beta * KL(q(z|x) || N(0, I)), beta = cfg.vaeBeta. encode() returns the
// mean, so l-DAE sees a deterministic z0. See linearPatchCodec.ts for the loss scale.
import type * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../config';
import { fitLinearPatchCodec, linearPatchTokenizerFromSerialized, type LinearPatchTokenizer } from './linearPatchCodec';
import type { SerializedTokenizer, TokenizerFitProgress } from './types';

export function fitPatchVaeTokenizer(
  cfg: ExperimentConfig,
  trainImages: tf.Tensor4D,
  onProgress?: (p: TokenizerFitProgress) => void,
): Promise<LinearPatchTokenizer> {
  return fitLinearPatchCodec(trainImages, {
    kind: 'patch-vae',
    patchSize: cfg.patchSize,
    latentDim: cfg.latentDim,
    samples: cfg.tokenizerSamples,
    steps: cfg.tokenizerSteps,
    seed: cfg.seed,
    beta: cfg.vaeBeta,
    latentScaling: cfg.latentScaling,
    onProgress,
  });
}

export function restorePatchVaeTokenizer(s: SerializedTokenizer): LinearPatchTokenizer {
  if (s.kind !== 'patch-vae') throw new Error(`not a patch-wise VAE: ${s.kind}`);
  return linearPatchTokenizerFromSerialized(s);
}
