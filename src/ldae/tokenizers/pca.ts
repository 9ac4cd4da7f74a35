// Patch-wise PCA tokenizer: z = s V (x - mean), x = V^T z / s + mean, V = the top-d rows of the
// data's principal basis (d x D, orthonormal rows).
//
// Latent scaling (our choice; the paper does not state one): with `unit-rms`, s = 1 / sqrt(mean of
// the kept eigenvalues), so z0 has unit RMS per component and sigma_t means the same thing relative
// to the signal as in the paper's normalised latents (sigma_max = sqrt 2 is "noise 1.4x the signal").
// With `none`, s = 1 and the noise is in raw pixel units (Fashion-MNIST patch components have
// std ~ 0.1-1, so sigma = sqrt 2 would drown most of them).
import * as tf from '@tensorflow/tfjs';
import { scalarArg } from '../deviceConstants';
import type { ExperimentConfig, LatentScaling } from '../config';
import { deserializePca, explainedVarianceCurve, fitPatchPca, serializePca, type PatchPca } from '../patchPca';
import { patchify, unpatchify } from '../patches';
import { deriveSeed } from '../random';
import { samplePatches } from './samplePatches';
import type { SerializedTokenizer, Tokenizer, TokenizerFitProgress } from './types';

/** The data's patch PCA from a seeded sample of cfg.tokenizerSamples training patches. */
export async function fitDataPca(
  cfg: Pick<ExperimentConfig, 'patchSize' | 'tokenizerSamples' | 'seed'>,
  trainImages: tf.Tensor4D,
): Promise<PatchPca> {
  const patches = samplePatches(trainImages, cfg.patchSize, cfg.tokenizerSamples, deriveSeed(cfg.seed, 'tokenizer-patches'));
  try {
    return await fitPatchPca(patches);
  } finally {
    patches.dispose();
  }
}

/** fitDataPca with the tokenizer fit's progress events (PCA has no iterations: 0, then 1). */
export async function fitDataPcaReporting(
  cfg: Pick<ExperimentConfig, 'patchSize' | 'tokenizerSamples' | 'seed'>,
  trainImages: tf.Tensor4D,
  onProgress?: (p: TokenizerFitProgress) => void,
): Promise<PatchPca> {
  onProgress?.({ fraction: 0, reconMse: null });
  const pca = await fitDataPca(cfg, trainImages);
  onProgress?.({ fraction: 1, reconMse: null });
  return pca;
}

/** What a tokenizer defined by the data PCA and a latent scale needs to be restored. */
interface PcaDefinedTokenizer {
  readonly kind: 'pca' | 'pixel';
  readonly patchSize: number;
  readonly patchDim: number;
  readonly latentDim: number;
  readonly pca: PatchPca;
  readonly latentScaling: LatentScaling;
  readonly scale: number;
}

export function serializePcaDefined(t: PcaDefinedTokenizer): SerializedTokenizer {
  const { arrays, extras } = serializePca(t.pca);
  return {
    kind: t.kind,
    patchSize: t.patchSize,
    patchDim: t.patchDim,
    latentDim: t.latentDim,
    arrays,
    extras: { ...extras, latentScaling: t.latentScaling, scale: t.scale },
  };
}

export function restoredLatentScaling(s: SerializedTokenizer): LatentScaling {
  return s.extras.latentScaling === 'none' ? 'none' : 'unit-rms';
}

export class PcaTokenizer implements Tokenizer {
  readonly kind = 'pca' as const;
  readonly patchDim: number;
  /** s in z = s V (x - mean). */
  readonly scale: number;
  private readonly V: tf.Tensor2D;
  private readonly meanPatch: tf.Tensor1D;

  constructor(
    readonly pca: PatchPca,
    readonly patchSize: number,
    readonly latentDim: number,
    readonly latentScaling: LatentScaling,
  ) {
    const D = pca.patchDim;
    if (latentDim < 1 || latentDim > D) throw new Error(`latentDim must be in [1, ${D}], got ${latentDim}`);
    this.patchDim = D;
    let kept = 0;
    for (let i = 0; i < latentDim; i++) kept += pca.eigenvalues[i];
    this.scale = latentScaling === 'unit-rms' ? 1 / Math.sqrt(Math.max(kept / latentDim, 1e-12)) : 1;
    this.V = tf.tensor2d(pca.basis.subarray(0, latentDim * D), [latentDim, D]);
    this.meanPatch = tf.tensor1d(pca.mean);
  }

  encode(images: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => {
      const patches = patchify(images, this.patchSize);
      const [B, N, D] = patches.shape;
      const centred = patches.reshape([B * N, D]).sub(this.meanPatch);
      return tf.matMul(centred, this.V, false, true).mul(scalarArg(this.scale)).reshape([B, N, this.latentDim]);
    });
  }

  decode(z: tf.Tensor3D, imageSide: number): tf.Tensor4D {
    return tf.tidy(() => {
      const [B, N, d] = z.shape;
      const patches = tf.matMul(z.reshape([B * N, d]), this.V).div(scalarArg(this.scale)).add(this.meanPatch);
      return unpatchify(patches.reshape([B, N, this.patchDim]), this.patchSize, imageSide);
    });
  }

  /**
   * The kept principal directions as [d, P, P, C] images, each mapped to [0, 1] around 0.5: one
   * scale per basis vector (its largest |entry| over all pixels and channels -> 0 or 1), so a colour
   * basis vector shows as an RGB patch where mid-grey is 0 and hue is the sign/mix of the channels.
   */
  basisImages(): tf.Tensor4D {
    return tf.tidy(() => {
      const P = this.patchSize;
      const peak = this.V.abs().max(1, true).maximum(1e-12);
      return this.V.div(peak).mul(0.5).add(0.5).reshape([this.latentDim, P, P, this.patchDim / (P * P)]);
    });
  }

  explainedVariance(): number[] {
    return explainedVarianceCurve(this.pca.eigenvalues);
  }

  serialize(): SerializedTokenizer {
    return serializePcaDefined(this);
  }

  dispose(): void {
    this.V.dispose();
    this.meanPatch.dispose();
  }
}

export async function fitPcaTokenizer(
  cfg: ExperimentConfig,
  trainImages: tf.Tensor4D,
  onProgress?: (p: TokenizerFitProgress) => void,
): Promise<PcaTokenizer> {
  const pca = await fitDataPcaReporting(cfg, trainImages, onProgress);
  return new PcaTokenizer(pca, cfg.patchSize, cfg.latentDim, cfg.latentScaling);
}

export function restorePcaTokenizer(s: SerializedTokenizer): PcaTokenizer {
  return new PcaTokenizer(deserializePca(s.arrays, s.extras), s.patchSize, s.latentDim, restoredLatentScaling(s));
}
