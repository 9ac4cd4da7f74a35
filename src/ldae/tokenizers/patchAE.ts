// Patch-wise AE tokenizer (paper, tokenizer table): linear encoder V and decoder U on mean-centred
// patches, trained with (x - U^T V x)^2. Its optimum spans the same subspace as the top-d PCA
// directions, but V and U are neither orthonormal nor tied. See linearPatchCodec.ts.
import type * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../config';
import { fitLinearPatchCodec, linearPatchTokenizerFromSerialized, type LinearPatchTokenizer } from './linearPatchCodec';
import type { SerializedTokenizer, TokenizerFitProgress } from './types';

export function fitPatchAeTokenizer(
  cfg: ExperimentConfig,
  trainImages: tf.Tensor4D,
  onProgress?: (p: TokenizerFitProgress) => void,
): Promise<LinearPatchTokenizer> {
  return fitLinearPatchCodec(trainImages, {
    kind: 'patch-ae',
    patchSize: cfg.patchSize,
    latentDim: cfg.latentDim,
    samples: cfg.tokenizerSamples,
    steps: cfg.tokenizerSteps,
    seed: cfg.seed,
    beta: 0,
    latentScaling: cfg.latentScaling,
    onProgress,
  });
}

export function restorePatchAeTokenizer(s: SerializedTokenizer): LinearPatchTokenizer {
  if (s.kind !== 'patch-ae') throw new Error(`not a patch-wise AE: ${s.kind}`);
  return linearPatchTokenizerFromSerialized(s);
}
