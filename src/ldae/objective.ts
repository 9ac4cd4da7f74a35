// The denoising objective with every knob of the deconstruction (ldae-notes.md):
//   z0 = enc(x0);  z_t = gamma_t z0 + sigma_t eps;  eps ~ N(0, I_d) per token
//   network input: z_t tokens (latent) or patches of dec(z_t) (pixel, "via inverse PCA")
//   network output: d numbers per token (latent) or D pixels per token (pixel)
//   target: eps | z0 (latent z0, or the patches of dec(z0) for pixel output) | x0 (original patches)
//   loss = mean_b lambda_b * mean_tokens( sum_j w_j r_j^2 ) / (per-token dims)
// With the PCA-weighted loss, r = V_full e (e = target - prediction per patch) and w_j = 1 for the
// first d principal components, 0.1 for the rest; otherwise r = e and w = 1 (plain MSE).
// All losses are per-element means, so their scale does not depend on d or D.
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig, LossWeighting } from './config';
import { scalarArg, uploadsCost } from './deviceConstants';
import type { PatchPca } from './patchPca';
import { patchify } from './patches';
import type { Tokenizer } from './tokenizers/types';

/** Weight on principal components beyond the first d in the l-DAE loss. */
const PCA_TAIL_WEIGHT = 0.1;

export type ObjectiveConfig = Pick<ExperimentConfig, 'target' | 'inputSpace' | 'outputSpace' | 'lossWeighting'>;

/** Per-example noise: gamma_t, sigma_t as [B] tensors, eps as [B, N, d]. */
export interface Noise {
  gamma: tf.Tensor1D;
  sigma: tf.Tensor1D;
  eps: tf.Tensor3D;
}

/** The full PCA basis V_full [D, D] and per-component weights [D] for the PCA-weighted loss. */
export interface PcaLossBasis {
  basis: tf.Tensor2D;
  weights: tf.Tensor1D;
  dispose(): void;
}

export function createPcaLossBasis(pca: PatchPca, keptDim: number): PcaLossBasis {
  const D = pca.patchDim;
  const w = new Float32Array(D).fill(PCA_TAIL_WEIGHT);
  w.fill(1, 0, Math.min(keptDim, D));
  const basis = tf.tensor2d(pca.basis, [D, D]);
  const weights = tf.tensor1d(w);
  return { basis, weights, dispose: () => tf.dispose([basis, weights]) };
}

/** sum_j w_j (V e)_j^2 for each row of e [M, D]: the PCA-weighted squared error, [M]. */
function pcaWeightedSquaredError(e: tf.Tensor2D, pcaLoss: PcaLossBasis): tf.Tensor1D {
  return tf.tidy(() => tf.matMul(e, pcaLoss.basis, false, true).square().mul(pcaLoss.weights).sum(1));
}

/** lambda_t per example, [B]. */
function lossWeight(weighting: LossWeighting, gamma: tf.Tensor1D, sigma: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    switch (weighting) {
      case 'none':
        return tf.onesLike(gamma);
      case 'gamma2':
        return gamma.square();
      case 'inv-1p-sigma2':
      case 'pca-weighted':
        return tf.div(scalarArg(1), sigma.square().add(scalarArg(1)));
    }
  });
}

/** z_t = gamma_t z0 + sigma_t eps, broadcast per example. */
export function corrupt(z0: tf.Tensor3D, noise: Noise): tf.Tensor3D {
  return tf.tidy(() => {
    const g = noise.gamma.reshape([-1, 1, 1]);
    const s = noise.sigma.reshape([-1, 1, 1]);
    return z0.mul(g).add(noise.eps.mul(s));
  });
}

/** What the network sees: z_t itself, or the patches of dec(z_t) (pixel input). */
export function networkInput(cfg: Pick<ExperimentConfig, 'inputSpace'>, tokenizer: Tokenizer, zt: tf.Tensor3D, imageSide: number): tf.Tensor3D {
  if (cfg.inputSpace === 'latent') return zt.clone();
  return tf.tidy(() => patchify(tokenizer.decode(zt, imageSide), tokenizer.patchSize));
}

/** The regression target in the network's output space. */
function targetTokens(
  cfg: Pick<ExperimentConfig, 'target' | 'outputSpace'>,
  tokenizer: Tokenizer,
  x0: tf.Tensor4D,
  z0: tf.Tensor3D,
  eps: tf.Tensor3D,
): tf.Tensor3D {
  const side = x0.shape[1];
  const P = tokenizer.patchSize;
  return tf.tidy(() => {
    switch (cfg.target) {
      case 'eps':
        if (cfg.outputSpace !== 'latent') throw new Error('target eps needs outputSpace latent');
        return eps.clone();
      case 'z0':
        return cfg.outputSpace === 'latent' ? z0.clone() : patchify(tokenizer.decode(z0, side), P);
      case 'x0':
        if (cfg.outputSpace !== 'pixel') throw new Error('target x0 needs outputSpace pixel');
        return patchify(x0, P);
    }
  });
}

/**
 * The weighted loss (scalar) of a prediction against its target, both [B, N, K].
 * pcaLoss is required (and K must be D) for the pca-weighted loss.
 */
export function weightedLoss(
  weighting: LossWeighting,
  prediction: tf.Tensor3D,
  target: tf.Tensor3D,
  gamma: tf.Tensor1D,
  sigma: tf.Tensor1D,
  pcaLoss: PcaLossBasis | null,
): tf.Scalar {
  return uploadsCost() ? weightedLossCustomGrad(weighting, prediction, target, gamma, sigma, pcaLoss) : weightedLossOps(weighting, prediction, target, gamma, sigma, pcaLoss);
}

/** weightedLoss as tfjs ops and their autodiff gradients (wasm, cpu; the reference of the GPU form). */
export function weightedLossOps(
  weighting: LossWeighting,
  prediction: tf.Tensor3D,
  target: tf.Tensor3D,
  gamma: tf.Tensor1D,
  sigma: tf.Tensor1D,
  pcaLoss: PcaLossBasis | null,
): tf.Scalar {
  return tf.tidy(() => {
    const [B, N, K] = prediction.shape;
    const e = target.sub(prediction);
    let perToken: tf.Tensor;
    if (weighting === 'pca-weighted') {
      perToken = pcaWeightedSquaredError(e.reshape([B * N, K]), checkedPcaLoss(pcaLoss, K)).reshape([B, N]);
    } else {
      perToken = e.square().sum(2);
    }
    const perExample = perToken.mean(1).div(K);
    return perExample.mul(lossWeight(weighting, gamma, sigma)).mean() as tf.Scalar;
  });
}

type CustomGradFn = Parameters<typeof tf.customGrad>[0];

/** The pca-weighted loss needs the data PCA basis, and pixel outputs (K = D) to weigh. */
function checkedPcaLoss(pcaLoss: PcaLossBasis | null, K: number): PcaLossBasis {
  if (!pcaLoss) throw new Error('the pca-weighted loss needs the data PCA basis');
  if (pcaLoss.basis.shape[0] !== K) throw new Error(`the pca-weighted loss needs pixel outputs (D = ${pcaLoss.basis.shape[0]}), got ${K} per token`);
  return pcaLoss;
}

/**
 * weightedLoss with a hand-written gradient, for GPU backends: the autodiff gradients of
 * tfjs' mean, sum and square upload a ones tensor of their input's shape ([B*N, D] for the
 * per-token sum) or a JS-number scalar every step. Same value:
 * L = c sum_b lambda_b sum_{n,j} w_j r_{bnj}^2, r = e V^T (PCA-weighted) or e, e = target - prediction,
 * c = 1 / (B N K); dL/dr = 2 c lambda_b w_j r, dL/de = dL/dr V (or dL/dr), dL/dprediction = -dL/de,
 * dL/dtarget = dL/de, dL/dlambda_b = c sum_{n,j} w_j r^2. The PCA basis and weights are constants
 * of the model (never trained), so they are not inputs of the gradient.
 */
export function weightedLossCustomGrad(
  weighting: LossWeighting,
  prediction: tf.Tensor3D,
  target: tf.Tensor3D,
  gamma: tf.Tensor1D,
  sigma: tf.Tensor1D,
  pcaLoss: PcaLossBasis | null,
): tf.Scalar {
  const [B, N, K] = prediction.shape;
  const pca = weighting === 'pca-weighted';
  if (pca) checkedPcaLoss(pcaLoss, K);
  const c = 1 / (B * N * K);
  const f = tf.customGrad(((pred: tf.Tensor3D, tgt: tf.Tensor3D, lambda: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const e = tf.reshape(tf.sub(tgt, pred), [B * N, K]);
    const r = pca ? tf.matMul(e, pcaLoss!.basis, false, true) : e;
    const wr = tf.reshape(pca ? tf.mul(r, pcaLoss!.weights) : r, [B, N * K]);
    const perExample = tf.sum(tf.mul(wr, tf.reshape(r, [B, N * K])), 1);
    save([wr, perExample, lambda]);
    return {
      value: tf.mul(tf.sum(tf.mul(perExample, lambda)), scalarArg(c)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [wrs, per, lam] = saved;
        const dyc = tf.mul(dy, scalarArg(c));
        const dr = tf.mul(wrs, tf.reshape(tf.mul(lam, tf.mul(dyc, scalarArg(2))), [B, 1]));
        const de = pca ? tf.reshape(tf.matMul(tf.reshape(dr, [B * N, K]), pcaLoss!.basis), [B, N, K]) : tf.reshape(dr, [B, N, K]);
        return [tf.neg(de), de, tf.mul(per, dyc)];
      },
    };
  }) as unknown as CustomGradFn) as (p: tf.Tensor3D, t: tf.Tensor3D, l: tf.Tensor1D) => tf.Scalar;
  return tf.tidy(() => f(prediction, target, lossWeight(weighting, gamma, sigma)));
}

/** The pieces of one denoising pass, for training (loss) and for the visualizer (all of them). */
export interface DenoisePass {
  z0: tf.Tensor3D;
  zt: tf.Tensor3D;
  input: tf.Tensor3D;
  prediction: tf.Tensor3D;
  target: tf.Tensor3D;
}

export type Network = (tokens: tf.Tensor3D, t: tf.Tensor1D) => tf.Tensor3D;

/** Runs one corruption + prediction; the caller owns (and disposes) the returned tensors. */
export function denoisePass(
  cfg: ObjectiveConfig,
  tokenizer: Tokenizer,
  net: Network,
  x0: tf.Tensor4D,
  t: tf.Tensor1D,
  noise: Noise,
): DenoisePass {
  return tf.tidy(() => {
    const z0 = tokenizer.encode(x0);
    const zt = corrupt(z0, noise);
    const input = networkInput(cfg, tokenizer, zt, x0.shape[1]);
    const prediction = net(input, t);
    const target = targetTokens(cfg, tokenizer, x0, z0, noise.eps);
    return { z0, zt, input, prediction, target };
  });
}

/** The training loss of one batch (use inside a gradient function). */
export function denoisingLoss(
  cfg: ObjectiveConfig,
  tokenizer: Tokenizer,
  net: Network,
  x0: tf.Tensor4D,
  t: tf.Tensor1D,
  noise: Noise,
  pcaLoss: PcaLossBasis | null,
): tf.Scalar {
  return tf.tidy(() => {
    const pass = denoisePass(cfg, tokenizer, net, x0, t, noise);
    return weightedLoss(cfg.lossWeighting, pass.prediction, pass.target, noise.gamma, noise.sigma, pcaLoss);
  });
}

/** Per-token output size of the network for a config: d (latent) or D (pixel). */
export function outputDim(cfg: Pick<ExperimentConfig, 'outputSpace'>, tokenizer: Tokenizer): number {
  return cfg.outputSpace === 'latent' ? tokenizer.latentDim : tokenizer.patchDim;
}

export function inputDim(cfg: Pick<ExperimentConfig, 'inputSpace'>, tokenizer: Tokenizer): number {
  return cfg.inputSpace === 'latent' ? tokenizer.latentDim : tokenizer.patchDim;
}
