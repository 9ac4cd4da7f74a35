// The pixel "tokenizer": a token is the patch itself (d = D).
// latentScaling `none`: exactly the identity, z = x. `unit-rms`: z = s (x - mean) with the data's
// mean patch and s = 1 / sqrt(mean per-pixel variance), the analogue of normalising images, so the
// noise levels mean the same relative to the signal as for the PCA tokenizer.
// It carries the data's patch PCA (fitted anyway) for the PCA-weighted loss.
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig, LatentScaling } from '../config';
import { deserializePca, type PatchPca } from '../patchPca';
import { patchify, unpatchify } from '../patches';
import { fitDataPcaReporting, restoredLatentScaling, serializePcaDefined } from './pca';
import type { SerializedTokenizer, Tokenizer, TokenizerFitProgress } from './types';

export class PixelTokenizer implements Tokenizer {
  readonly kind = 'pixel' as const;
  readonly patchDim: number;
  readonly latentDim: number;
  readonly scale: number;
  private readonly meanPatch: tf.Tensor1D;

  constructor(
    readonly pca: PatchPca,
    readonly patchSize: number,
    readonly latentScaling: LatentScaling,
  ) {
    const D = pca.patchDim;
    this.patchDim = D;
    this.latentDim = D;
    let total = 0;
    for (let i = 0; i < D; i++) total += pca.eigenvalues[i];
    this.scale = latentScaling === 'unit-rms' ? 1 / Math.sqrt(Math.max(total / D, 1e-12)) : 1;
    this.meanPatch = latentScaling === 'unit-rms' ? tf.tensor1d(pca.mean) : tf.zeros([D]);
  }

  encode(images: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => patchify(images, this.patchSize).sub(this.meanPatch).mul(this.scale));
  }

  decode(z: tf.Tensor3D, imageSide: number): tf.Tensor4D {
    return tf.tidy(() => unpatchify(z.div(this.scale).add(this.meanPatch), this.patchSize, imageSide));
  }

  /** One-hot patches: the identity basis. */
  basisImages(): tf.Tensor4D {
    const P = this.patchSize;
    return tf.tidy(() => tf.eye(this.patchDim).reshape([this.patchDim, P, P, this.patchDim / (P * P)]));
  }

  explainedVariance(): number[] | null {
    return null;
  }

  serialize(): SerializedTokenizer {
    return serializePcaDefined(this);
  }

  dispose(): void {
    this.meanPatch.dispose();
  }
}

export async function fitPixelTokenizer(
  cfg: ExperimentConfig,
  trainImages: tf.Tensor4D,
  onProgress?: (p: TokenizerFitProgress) => void,
): Promise<PixelTokenizer> {
  const pca = await fitDataPcaReporting(cfg, trainImages, onProgress);
  return new PixelTokenizer(pca, cfg.patchSize, cfg.latentScaling);
}

export function restorePixelTokenizer(s: SerializedTokenizer): PixelTokenizer {
  return new PixelTokenizer(deserializePca(s.arrays, s.extras), s.patchSize, restoredLatentScaling(s));
}
