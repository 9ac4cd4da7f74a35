// Linear patch codecs shared by the patch-wise AE and the patch-wise VAE (paper, tokenizer table:
// "(x - U^T V x)^2" and "(x - U^T V x)^2 + KL"). Per mean-centred patch x (D numbers):
//   z0 = V x          encoder V: d x D   (the VAE's mean; its log-variance is W x + c)
//   x  = U^T z0       decoder U: d x D
// Unlike PCA, V and U are learned by gradient descent and are neither orthonormal nor tied.
//
// Loss scale: per token, sum over the D pixels of the squared error plus beta * KL (summed over
// the d latents), averaged over patches. This is a Gaussian decoder with per-pixel variance
// beta / 2; for a linear VAE, latent directions whose PCA eigenvalue is below beta / 2 collapse
// to the prior. See vaeBeta in config.ts for the default.
//
// Latent scaling (same rule as the PCA tokenizer's `unit-rms`): after fitting, z0 is divided by
// its measured RMS over the training sample (one scalar), folded into V (V / s) and U (U * s),
// so the noise sigma_t of the l-DAE schedule means the same thing for every tokenizer.
import * as tf from '@tensorflow/tfjs';
import type { LatentScaling } from '../config';
import { deserializePca, fitPatchPca, serializePca, type PatchPca } from '../patchPca';
import { patchify, unpatchify } from '../patches';
import { deriveSeed, rng } from '../random';
import { runFitLoop, readVariables, type FitCurvePoint } from './fitLoop';
import { samplePatches } from './samplePatches';
import type { SerializedTokenizer, Tokenizer, TokenizerFitProgress } from './types';

export type LinearCodecKind = 'patch-ae' | 'patch-vae';

type NamedArrays = Record<string, { shape: number[]; data: Float32Array }>;
type Extras = Record<string, number | number[] | string>;

export class LinearPatchTokenizer implements Tokenizer {
  readonly patchDim: number;
  readonly latentDim: number;
  /** The data's patch PCA (same patch sample), carried for the PCA-weighted loss (tokenizers/index.ts). */
  readonly pca: PatchPca | undefined;
  private readonly mean: tf.Tensor1D;
  /** V^T, D x d (stored transposed: wasm's matMul is much slower with a transpose flag). */
  private readonly Vt: tf.Tensor2D;
  private readonly U: tf.Tensor2D;

  constructor(
    readonly kind: LinearCodecKind,
    readonly patchSize: number,
    private readonly arrays: NamedArrays,
    private readonly extras: Extras,
  ) {
    const { mean, V, U } = arrays;
    if (!mean || !V || !U) throw new Error(`${kind} tokenizer needs arrays mean, V and U`);
    [this.latentDim, this.patchDim] = V.shape;
    this.mean = tf.tensor1d(mean.data);
    this.Vt = tf.tidy(() => tf.tensor2d(V.data, [this.latentDim, this.patchDim]).transpose());
    this.U = tf.tensor2d(U.data, [this.latentDim, this.patchDim]);
    this.pca = arrays.pcaMean ? deserializePca(arrays, extras) : undefined;
  }

  encode(images: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => {
      const x = patchify(images, this.patchSize);
      const [B, N, D] = x.shape;
      const z0 = tf.matMul(x.reshape([B * N, D]).sub(this.mean), this.Vt);
      return z0.reshape([B, N, this.latentDim]);
    });
  }

  decode(z: tf.Tensor3D, imageSide: number): tf.Tensor4D {
    return tf.tidy(() => {
      const [B, N, d] = z.shape;
      const x = tf.matMul(z.reshape([B * N, d]), this.U).add(this.mean);
      return unpatchify(x.reshape([B, N, this.patchDim]), this.patchSize, imageSide);
    });
  }

  /** Decoder rows U_i (the pixel change of one unit of latent i) as [d, P, P, C], mapped to [0, 1] around 0.5 like the PCA eigen-patches (one scale per row, over all channels). */
  basisImages(): tf.Tensor4D {
    const P = this.patchSize;
    return tf.tidy(() => {
      const peak = this.U.abs().max(1, true).maximum(1e-12);
      return this.U.div(peak).mul(0.5).add(0.5).reshape([this.latentDim, P, P, this.patchDim / (P * P)]);
    });
  }

  explainedVariance(): number[] | null {
    return null;
  }

  serialize(): SerializedTokenizer {
    return {
      kind: this.kind,
      patchSize: this.patchSize,
      patchDim: this.patchDim,
      latentDim: this.latentDim,
      arrays: this.arrays,
      extras: this.extras,
    };
  }

  dispose(): void {
    this.mean.dispose();
    this.Vt.dispose();
    this.U.dispose();
  }
}

export function linearPatchTokenizerFromSerialized(s: SerializedTokenizer): LinearPatchTokenizer {
  if (s.kind !== 'patch-ae' && s.kind !== 'patch-vae') throw new Error(`not a linear patch codec: ${s.kind}`);
  return new LinearPatchTokenizer(s.kind, s.patchSize, s.arrays, s.extras);
}

export interface LinearFitOptions {
  kind: LinearCodecKind;
  patchSize: number;
  latentDim: number;
  /** Training patches sampled (seeded) from the images. */
  samples: number;
  steps: number;
  seed: number;
  /** KL weight (VAE only). */
  beta: number;
  latentScaling: LatentScaling;
  batchSize?: number;
  learningRate?: number;
  readbackEvery?: number;
  onProgress?: (p: TokenizerFitProgress) => void;
}

const LINEAR_FIT_DEFAULTS = { batchSize: 256, learningRate: 1e-2, readbackEvery: 50 };

/** The codec's variables during fitting; the VAE adds the log-variance encoder (W, c). */
interface LinearCodecVars {
  V: tf.Variable;
  U: tf.Variable;
  W: tf.Variable | null;
  c: tf.Variable | null;
}

/** KL(N(mu, exp(logvar)) || N(0, I)) summed over the last axis: [n, d] -> [n]. */
export function gaussianKl(mu: tf.Tensor, logvar: tf.Tensor): tf.Tensor {
  return tf.tidy(() => logvar.exp().add(mu.square()).sub(1).sub(logvar).sum(-1).mul(0.5));
}

function linearLoss(vars: LinearCodecVars, x: tf.Tensor2D, beta: number, noiseSeed: number): tf.Scalar {
  const mu = tf.matMul(x, vars.V, false, true);
  if (!vars.W || !vars.c) {
    return tf.matMul(mu, vars.U).squaredDifference(x).sum(-1).mean() as tf.Scalar;
  }
  const logvar = tf.matMul(x, vars.W, false, true).add(vars.c);
  const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', noiseSeed);
  const z = mu.add(logvar.mul(0.5).exp().mul(eps));
  const recon = tf.matMul(z, vars.U).squaredDifference(x).sum(-1);
  return recon.add(gaussianKl(mu, logvar).mul(beta)).mean() as tf.Scalar;
}

/** Fits a patch-wise AE or VAE on a seeded sample of training patches of `trainImages` [n,H,W,C]. */
export async function fitLinearPatchCodec(trainImages: tf.Tensor4D, opts: LinearFitOptions): Promise<LinearPatchTokenizer> {
  const started = performance.now();
  const { patchSize: P, latentDim: d, steps, seed } = opts;
  const batchSize = opts.batchSize ?? LINEAR_FIT_DEFAULTS.batchSize;
  const readbackEvery = opts.readbackEvery ?? LINEAR_FIT_DEFAULTS.readbackEvery;
  const variational = opts.kind === 'patch-vae';

  const patches = samplePatches(trainImages, P, opts.samples, deriveSeed(seed, 'tokenizer-patches'));
  const [n, D] = patches.shape;
  if (d > D) {
    patches.dispose();
    throw new Error(`latent dimension ${d} exceeds the patch dimension ${D}`);
  }
  // The same seeded sample as the PCA tokenizer's (tokenizers/pca.ts), so they are comparable.
  let pca: PatchPca;
  try {
    pca = await fitPatchPca(patches);
  } catch (e) {
    patches.dispose();
    throw e;
  }
  const mean = tf.tidy(() => patches.mean(0) as tf.Tensor1D);
  const centred = tf.tidy(() => patches.sub(mean) as tf.Tensor2D);
  patches.dispose();

  const init = (tag: string) => tf.randomNormal([d, D], 0, 1 / Math.sqrt(D), 'float32', deriveSeed(seed, 'tokenizer-init', tag));
  const vars: LinearCodecVars = {
    V: tf.tidy(() => tf.variable(init('V'))),
    U: tf.tidy(() => tf.variable(init('U'))),
    W: variational ? tf.tidy(() => tf.variable(tf.zeros([d, D]))) : null,
    // Start with a small posterior variance so early training behaves like the AE.
    c: variational ? tf.tidy(() => tf.variable(tf.fill([d], -4))) : null,
  };
  const trainable = [vars.V, vars.U, ...(vars.W && vars.c ? [vars.W, vars.c] : [])];

  const batchRandom = rng(deriveSeed(seed, 'tokenizer-batches'));
  let curve: FitCurvePoint[] = [];
  try {
    curve = await runFitLoop({
      variables: trainable,
      steps,
      learningRate: opts.learningRate ?? LINEAR_FIT_DEFAULTS.learningRate,
      readbackEvery,
      batch: () => {
        const idx = new Int32Array(batchSize);
        for (let i = 0; i < batchSize; i++) idx[i] = Math.floor(batchRandom() * n);
        return tf.tidy(() => tf.gather(centred, tf.tensor1d(idx, 'int32')));
      },
      loss: (x, step) => linearLoss(vars, x as tf.Tensor2D, opts.beta, deriveSeed(seed, 'tokenizer-noise', step)),
      reconMse: (x) => tf.matMul(tf.matMul(x as tf.Tensor2D, vars.V, false, true), vars.U).squaredDifference(x).mean() as tf.Scalar,
      onProgress: opts.onProgress,
    });

    // Final statistics on the whole training sample, one readback.
    const stats = tf.tidy(() => {
      const mu = tf.matMul(centred, vars.V, false, true);
      const rms = mu.square().mean().sqrt();
      const mse = tf.matMul(mu, vars.U).squaredDifference(centred).mean();
      const kl = vars.W && vars.c ? gaussianKl(mu, tf.matMul(centred, vars.W, false, true).add(vars.c)).mean() : tf.scalar(0);
      return tf.stack([rms, mse, kl]);
    });
    const [rms, trainMse, kl] = await stats.data();
    stats.dispose();

    const scale = opts.latentScaling === 'unit-rms' && rms > 0 ? rms : 1;
    const learned: NamedArrays = { ...(await readVariables({ mean, V: vars.V, U: vars.U })) };
    // Fold the latent scale into the maps: z = (V / s) x, x = (s U)^T z.
    for (let i = 0; i < learned.V.data.length; i++) {
      learned.V.data[i] /= scale;
      learned.U.data[i] *= scale;
    }
    const extras: Extras = {
      latentScale: scale,
      latentScaling: opts.latentScaling,
      fitSteps: steps,
      fitSamples: n,
      fitMs: performance.now() - started,
      trainReconMse: trainMse,
      curveSteps: curve.map((p) => p.step),
      curveReconMse: curve.map((p) => p.reconMse),
      curveLoss: curve.map((p) => p.loss),
    };
    if (variational) {
      extras.beta = opts.beta;
      extras.klPerToken = kl;
    }
    const carried = serializePca(pca);
    Object.assign(learned, carried.arrays);
    Object.assign(extras, carried.extras);
    return new LinearPatchTokenizer(opts.kind, P, learned, extras);
  } finally {
    mean.dispose();
    centred.dispose();
    trainable.forEach((v) => v.dispose());
  }
}
