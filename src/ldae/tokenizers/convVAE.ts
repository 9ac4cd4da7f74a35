// Convolutional VAE tokenizer (paper, tokenizer table: "(x - g(f(x)))^2 + KL"), small enough to
// fit in the browser. The latent is a grid of c channels; like DiT grouping its 2 x 2 latent
// cells into one token, every g x g block of the grid becomes one token of d = g*g*c numbers, on
// the same token grid as the patch tokenizers (N = (side / P)^2), so the l-DAE model sees the same
// sequence. g = 2 when 4 divides d, else g = 1 (c = d).
//
// Geometry: the latent grid side is L = (side / P) * g. The image is zero-padded (after centring)
// to S = L * 2^k, the smallest such side >= the image side, and the encoder halves the resolution
// k times; the decoder mirrors it and crops back. E.g. 28 x 28, P = 7, d = 8: 4 x 4 tokens,
// g = 2, c = 2, L = 8, S = 32, k = 2. A token's receptive field is centred on its patch but,
// as in any conv VAE, overlaps its neighbours.
//
// Layers: 3 x 3 'same' convolutions (conv2dSame.ts, trainable on wasm), down-sampling by
// space-to-depth (2 x 2 patchify) + a dense layer, up-sampling by a dense layer + depth-to-space.
// ReLU between layers.
//
// Loss per token, as for the patch VAE: sum of squared pixel errors of the image / N plus
// beta * KL of the latent grid / N. Latents are rescaled to unit RMS (one scalar, measured on
// training images) like the other tokenizers.
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig, LatentScaling } from '../config';
import { deserializePca, serializePca, type PatchPca } from '../patchPca';
import { patchify, unpatchify } from '../patches';
import { deriveSeed, rng } from '../random';
import { linear } from '../model/layers';
import { conv2dSame } from './conv2dSame';
import { runFitLoop, readVariables, type FitCurvePoint } from './fitLoop';
import { gaussianKl } from './linearPatchCodec';
import { fitDataPca } from './pca';
import type { SerializedTokenizer, Tokenizer, TokenizerFitProgress } from './types';

type NamedArrays = Record<string, { shape: number[]; data: Float32Array }>;
type Extras = Record<string, number | number[] | string>;
type Params = Record<string, tf.Tensor>;

export interface ConvVaeGeometry {
  imageSide: number;
  channels: number;
  patchSize: number;
  latentDim: number;
  /** Tokens per side, side / P. */
  tokenSide: number;
  /** Latent cells per token side (DiT: 2). */
  group: number;
  /** Latent channels c = d / g^2. */
  latentChannels: number;
  /** Latent grid side L = tokenSide * group. */
  latentSide: number;
  /** Number of 2x down-samplings k. */
  stages: number;
  /** Padded input side S = L * 2^k. */
  paddedSide: number;
  padBefore: number;
  /** Feature widths: [full resolution, each down-sampled stage]. */
  widths: number[];
}

/** Feature widths at full resolution, after the first down-sampling, and deeper. */
const CONV_VAE_WIDTHS = { full: 8, first: 24, deeper: 32 };

export function convVaeGeometry(imageSide: number, channels: number, patchSize: number, latentDim: number): ConvVaeGeometry {
  const tokenSide = imageSide / patchSize;
  if (!Number.isInteger(tokenSide)) throw new Error(`patch size ${patchSize} must divide the image side ${imageSide}`);
  const group = latentDim % 4 === 0 && patchSize >= 2 ? 2 : 1;
  const latentChannels = latentDim / (group * group);
  const latentSide = tokenSide * group;
  let stages = 0;
  while (latentSide * 2 ** stages < imageSide) stages++;
  const paddedSide = latentSide * 2 ** stages;
  const widths = [CONV_VAE_WIDTHS.full, ...Array.from({ length: stages }, (_, i) => (i === 0 ? CONV_VAE_WIDTHS.first : CONV_VAE_WIDTHS.deeper))];
  return {
    imageSide,
    channels,
    patchSize,
    latentDim,
    tokenSide,
    group,
    latentChannels,
    latentSide,
    stages,
    paddedSide,
    padBefore: Math.floor((paddedSide - imageSide) / 2),
    widths,
  };
}

/** Parameter shapes by name: `e*`/`d*` encoder/decoder, `w`/`b` weight/bias; dense [in, out], conv [3, 3, in, out]. */
function parameterShapes(g: ConvVaeGeometry): Record<string, number[]> {
  const { widths, stages, latentChannels: c, channels } = g;
  const top = widths[stages];
  const shapes: Record<string, number[]> = {};
  const conv = (name: string, cin: number, cout: number) => {
    shapes[`${name}.w`] = [3, 3, cin, cout];
    shapes[`${name}.b`] = [cout];
  };
  const dense = (name: string, cin: number, cout: number) => {
    shapes[`${name}.w`] = [cin, cout];
    shapes[`${name}.b`] = [cout];
  };
  conv('e.stem', channels, widths[0]);
  for (let i = 1; i <= stages; i++) {
    dense(`e.down${i}`, 4 * widths[i - 1], widths[i]);
    conv(`e.conv${i}`, widths[i], widths[i]);
  }
  dense('e.mu', top, c);
  dense('e.logvar', top, c);
  dense('d.in', c, top);
  conv('d.conv', top, top);
  for (let i = stages; i >= 1; i--) {
    dense(`d.up${i}`, widths[i], 4 * widths[i - 1]);
    if (i > 1) conv(`d.conv${i}`, widths[i - 1], widths[i - 1]);
  }
  conv('d.out', widths[0], channels);
  return shapes;
}

function initialParams(g: ConvVaeGeometry, seed: number): Params {
  const params: Params = {};
  for (const [name, shape] of Object.entries(parameterShapes(g))) {
    if (name.endsWith('.b')) {
      params[name] = name === 'e.logvar.b' ? tf.fill(shape, -4) : tf.zeros(shape);
      continue;
    }
    // He-normal for ReLU layers; small for the output heads.
    const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const head = name.startsWith('e.logvar') || name.startsWith('d.out') || name.startsWith('e.mu');
    const std = head ? 1 / Math.sqrt(fanIn) : Math.sqrt(2 / fanIn);
    params[name] = name.startsWith('e.logvar') ? tf.zeros(shape) : tf.randomNormal(shape, 0, std, 'float32', deriveSeed(seed, 'conv-vae-init', name));
  }
  return params;
}

/** A per-position dense layer (1 x 1 convolution). */
function dense(x: tf.Tensor4D, p: Params, name: string): tf.Tensor4D {
  const [B, H, W, C] = x.shape;
  const w = p[`${name}.w`] as tf.Tensor2D;
  return linear(x.reshape([B * H * W, C]), w, p[`${name}.b`] as tf.Tensor1D).reshape([B, H, W, w.shape[1]]);
}

function conv3x3(x: tf.Tensor4D, p: Params, name: string): tf.Tensor4D {
  return conv2dSame(x, p[`${name}.w`] as tf.Tensor4D, p[`${name}.b`] as tf.Tensor1D);
}

/** [B, H, W, C] -> [B, H/2, W/2, 4C] (2 x 2 blocks become channels). */
function spaceToDepth(x: tf.Tensor4D): tf.Tensor4D {
  const [B, H, W] = x.shape;
  const blocks = patchify(x, 2);
  return blocks.reshape([B, H / 2, W / 2, blocks.shape[2]]);
}

/** [B, H, W, 4C] -> [B, 2H, 2W, C]. */
function depthToSpace(x: tf.Tensor4D): tf.Tensor4D {
  const [B, H, W, C4] = x.shape;
  return unpatchify(x.reshape([B, H * W, C4]), 2, 2 * H).reshape([B, 2 * H, 2 * W, C4 / 4]);
}

interface Normalisation {
  pixelMean: number;
  pixelStd: number;
}

/** Encoder f: images [B, side, side, C] -> (mu, logvar) latent grids [B, L, L, c]. */
function encodeGrid(x: tf.Tensor4D, p: Params, g: ConvVaeGeometry, norm: Normalisation): { mu: tf.Tensor4D; logvar: tf.Tensor4D } {
  const padAfter = g.paddedSide - g.imageSide - g.padBefore;
  const pads: [number, number][] = [
    [0, 0],
    [g.padBefore, padAfter],
    [g.padBefore, padAfter],
    [0, 0],
  ];
  let h: tf.Tensor4D = x.sub(norm.pixelMean).div(norm.pixelStd).pad(pads);
  h = conv3x3(h, p, 'e.stem').relu();
  for (let i = 1; i <= g.stages; i++) {
    h = dense(spaceToDepth(h), p, `e.down${i}`).relu();
    h = conv3x3(h, p, `e.conv${i}`).relu();
  }
  return { mu: dense(h, p, 'e.mu'), logvar: dense(h, p, 'e.logvar') };
}

/** Decoder g: latent grid [B, L, L, c] -> images [B, side, side, C]. */
function decodeGrid(z: tf.Tensor4D, p: Params, g: ConvVaeGeometry, norm: Normalisation): tf.Tensor4D {
  let h: tf.Tensor4D = dense(z, p, 'd.in').relu();
  h = conv3x3(h, p, 'd.conv').relu();
  for (let i = g.stages; i >= 1; i--) {
    h = depthToSpace(dense(h, p, `d.up${i}`)).relu();
    if (i > 1) h = conv3x3(h, p, `d.conv${i}`).relu();
  }
  const out = conv3x3(h, p, 'd.out');
  const B = out.shape[0];
  const cropped = out.slice([0, g.padBefore, g.padBefore, 0], [B, g.imageSide, g.imageSide, g.channels]);
  return cropped.mul(norm.pixelStd).add(norm.pixelMean);
}

/** Latent grid [B, L, L, c] -> tokens [B, N, g*g*c] (each g x g block is one token). */
function gridToTokens(grid: tf.Tensor4D, g: ConvVaeGeometry): tf.Tensor3D {
  return patchify(grid, g.group);
}

function tokensToGrid(z: tf.Tensor3D, g: ConvVaeGeometry): tf.Tensor4D {
  return unpatchify(z, g.group, g.latentSide);
}

export class ConvVaeTokenizer implements Tokenizer {
  readonly kind = 'conv-vae' as const;
  readonly patchDim: number;
  readonly latentDim: number;
  readonly geometry: ConvVaeGeometry;
  /** The data's patch PCA, carried for the PCA-weighted loss (see tokenizers/index.ts). */
  readonly pca: PatchPca | undefined;
  private readonly params: Params;
  private readonly norm: Normalisation;
  private readonly latentScale: number;

  constructor(
    readonly patchSize: number,
    imageSide: number,
    channels: number,
    latentDim: number,
    private readonly arrays: NamedArrays,
    private readonly extras: Extras,
  ) {
    this.geometry = convVaeGeometry(imageSide, channels, patchSize, latentDim);
    this.latentDim = latentDim;
    this.patchDim = patchSize * patchSize * channels;
    this.norm = { pixelMean: Number(extras.pixelMean), pixelStd: Number(extras.pixelStd) };
    this.latentScale = Number(extras.latentScale ?? 1);
    this.params = {};
    for (const [name, shape] of Object.entries(parameterShapes(this.geometry))) {
      const a = arrays[name];
      if (!a || a.data.length !== shape.reduce((x, y) => x * y, 1)) throw new Error(`conv VAE: missing or misshapen parameter ${name}`);
      this.params[name] = tf.tensor(a.data, shape);
    }
    this.pca = arrays.pcaMean ? deserializePca(arrays, extras) : undefined;
  }

  /** Deterministic: the posterior mean, scaled to unit RMS. */
  encode(images: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => gridToTokens(encodeGrid(images, this.params, this.geometry, this.norm).mu, this.geometry).div(this.latentScale));
  }

  decode(z: tf.Tensor3D, imageSide: number): tf.Tensor4D {
    if (imageSide !== this.geometry.imageSide) throw new Error(`conv VAE was fitted on ${this.geometry.imageSide}px images, not ${imageSide}px`);
    return tf.tidy(() => decodeGrid(tokensToGrid(z.mul(this.latentScale) as tf.Tensor3D, this.geometry), this.params, this.geometry, this.norm));
  }

  /**
   * Decoded unit latents: for each of the d latent numbers of the centre token, the P x P patch
   * of decode(e_i) - decode(0), mapped to [0, 1] around 0.5 like the PCA eigen-patches.
   */
  basisImages(): tf.Tensor4D {
    const g = this.geometry;
    const d = this.latentDim;
    const N = g.tokenSide * g.tokenSide;
    const row = Math.floor(g.tokenSide / 2);
    const token = row * g.tokenSide + row;
    return tf.tidy(() => {
      const onehot = tf.oneHot(tf.fill([d], token, 'int32'), N).expandDims(2).mul(tf.eye(d).expandDims(1)) as tf.Tensor3D;
      const images = this.decode(onehot, g.imageSide).sub(this.decode(tf.zeros([1, N, d]), g.imageSide));
      const P = this.patchSize;
      const patch = images.slice([0, row * P, row * P, 0], [d, P, P, g.channels]);
      const peak = patch.abs().max([1, 2, 3], true).maximum(1e-12);
      return patch.div(peak).mul(0.5).add(0.5) as tf.Tensor4D;
    });
  }

  explainedVariance(): number[] | null {
    return null;
  }

  serialize(): SerializedTokenizer {
    return { kind: 'conv-vae', patchSize: this.patchSize, patchDim: this.patchDim, latentDim: this.latentDim, arrays: this.arrays, extras: this.extras };
  }

  dispose(): void {
    Object.values(this.params).forEach((t) => t.dispose());
  }
}

export function restoreConvVaeTokenizer(s: SerializedTokenizer): ConvVaeTokenizer {
  if (s.kind !== 'conv-vae') throw new Error(`not a conv VAE: ${s.kind}`);
  const channels = s.patchDim / (s.patchSize * s.patchSize);
  return new ConvVaeTokenizer(s.patchSize, Number(s.extras.imageSide), channels, s.latentDim, s.arrays, s.extras);
}

export interface ConvVaeFitOptions {
  patchSize: number;
  latentDim: number;
  steps: number;
  seed: number;
  beta: number;
  latentScaling: LatentScaling;
  /** Also fit the data's patch PCA (cfg.tokenizerSamples patches) so the tokenizer carries it. */
  pcaSamples?: number;
  batchSize?: number;
  learningRate?: number;
  readbackEvery?: number;
  onProgress?: (p: TokenizerFitProgress) => void;
}

// Batch 16 at lr 3e-3 beat batch 32 at lr 2e-3 on held-out MSE (0.0075 vs 0.0080, d = 8, 1500 steps,
// Fashion-MNIST) at 56 % of the CPU time (44 s vs 79 s on wasm).
const CONV_VAE_FIT_DEFAULTS = { batchSize: 16, learningRate: 3e-3, readbackEvery: 25 };

/** Images used to measure the pixel normalisation and the latent RMS after fitting. */
const STATS_IMAGES = 1024;

export async function fitConvVae(trainImages: tf.Tensor4D, opts: ConvVaeFitOptions): Promise<ConvVaeTokenizer> {
  const started = performance.now();
  const [count, side, , channels] = trainImages.shape;
  const g = convVaeGeometry(side, channels, opts.patchSize, opts.latentDim);
  const N = g.tokenSide * g.tokenSide;
  const batchSize = opts.batchSize ?? CONV_VAE_FIT_DEFAULTS.batchSize;

  const statsRandom = rng(deriveSeed(opts.seed, 'conv-vae-stats'));
  const statsRows = new Int32Array(Math.min(STATS_IMAGES, count));
  for (let i = 0; i < statsRows.length; i++) statsRows[i] = Math.floor(statsRandom() * count);
  const statsImages = tf.tidy(() => tf.gather(trainImages, tf.tensor1d(statsRows, 'int32')) as tf.Tensor4D);
  const moments = tf.tidy(() => {
    const { mean, variance } = tf.moments(statsImages);
    return tf.stack([mean, variance.sqrt()]);
  });
  const [pixelMean, pixelStd] = await moments.data();
  moments.dispose();
  const norm: Normalisation = { pixelMean, pixelStd: Math.max(pixelStd, 1e-6) };

  const init = initialParams(g, opts.seed);
  const vars: Record<string, tf.Variable> = {};
  for (const [name, t] of Object.entries(init)) {
    vars[name] = tf.variable(t);
    t.dispose();
  }
  const params = vars as Params;

  const batchRandom = rng(deriveSeed(opts.seed, 'tokenizer-batches'));
  let curve: FitCurvePoint[] = [];
  try {
    curve = await runFitLoop({
      variables: Object.values(vars),
      steps: opts.steps,
      learningRate: opts.learningRate ?? CONV_VAE_FIT_DEFAULTS.learningRate,
      readbackEvery: opts.readbackEvery ?? CONV_VAE_FIT_DEFAULTS.readbackEvery,
      batch: () => {
        const idx = new Int32Array(batchSize);
        for (let i = 0; i < batchSize; i++) idx[i] = Math.floor(batchRandom() * count);
        return tf.tidy(() => tf.gather(trainImages, tf.tensor1d(idx, 'int32')));
      },
      loss: (x, step) => {
        const { mu, logvar } = encodeGrid(x as tf.Tensor4D, params, g, norm);
        const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', deriveSeed(opts.seed, 'tokenizer-noise', step));
        const z = mu.add(logvar.mul(0.5).exp().mul(eps)) as tf.Tensor4D;
        const sqErr = decodeGrid(z, params, g, norm).squaredDifference(x).sum([1, 2, 3]);
        const kl = gaussianKl(mu, logvar).sum([1, 2]);
        return sqErr.add(kl.mul(opts.beta)).div(N).mean() as tf.Scalar;
      },
      reconMse: (x) => decodeGrid(encodeGrid(x as tf.Tensor4D, params, g, norm).mu, params, g, norm).squaredDifference(x).mean() as tf.Scalar,
      onProgress: opts.onProgress,
    });

    const stats = tf.tidy(() => {
      const { mu, logvar } = encodeGrid(statsImages, params, g, norm);
      const mse = decodeGrid(mu, params, g, norm).squaredDifference(statsImages).mean();
      const kl = gaussianKl(mu, logvar).sum([1, 2]).div(N).mean();
      return tf.stack([mu.square().mean().sqrt(), mse, kl]);
    });
    const [rms, trainMse, kl] = await stats.data();
    stats.dispose();

    const arrays = await readVariables(params);
    const extras: Extras = {
      imageSide: side,
      pixelMean: norm.pixelMean,
      pixelStd: norm.pixelStd,
      latentScale: opts.latentScaling === 'unit-rms' && rms > 0 ? rms : 1,
      latentScaling: opts.latentScaling,
      beta: opts.beta,
      klPerToken: kl,
      fitSteps: opts.steps,
      fitBatchSize: batchSize,
      trainReconMse: trainMse,
      curveSteps: curve.map((p) => p.step),
      curveReconMse: curve.map((p) => p.reconMse),
      curveLoss: curve.map((p) => p.loss),
    };
    if (opts.pcaSamples) {
      const pca = await fitDataPca({ patchSize: opts.patchSize, tokenizerSamples: opts.pcaSamples, seed: opts.seed }, trainImages);
      const carried = serializePca(pca);
      Object.assign(arrays, carried.arrays);
      Object.assign(extras, carried.extras);
    }
    extras.fitMs = performance.now() - started;
    return new ConvVaeTokenizer(opts.patchSize, side, channels, opts.latentDim, arrays, extras);
  } finally {
    statsImages.dispose();
    Object.values(vars).forEach((v) => v.dispose());
  }
}

export function fitConvVaeTokenizer(
  cfg: ExperimentConfig,
  trainImages: tf.Tensor4D,
  onProgress?: (p: TokenizerFitProgress) => void,
): Promise<ConvVaeTokenizer> {
  return fitConvVae(trainImages, {
    patchSize: cfg.patchSize,
    latentDim: cfg.latentDim,
    steps: cfg.tokenizerSteps,
    seed: cfg.seed,
    beta: cfg.vaeBeta,
    latentScaling: cfg.latentScaling,
    pcaSamples: cfg.tokenizerSamples,
    onProgress,
  });
}
