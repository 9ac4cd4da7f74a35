// l-DAE glued together: tokenizer + noise schedule + DiT-style ViT + objective. One object the
// trainer, the visualizer and the probe use; it owns all its tensors.
import * as tf from '@tensorflow/tfjs';
import type { ImageShape } from '../types/data';
import type { ModelSummary } from '../types/run';
import type { ExperimentConfig, ProbeFeatureKind } from './config';
import { trainFlopsPerImage } from './model/flops';
import { vitConfig } from './model/sizes';
import { createViT } from './model/vit';
import type { ViT } from './model/types';
import {
  createPcaLossBasis,
  denoisePass,
  denoisingLoss,
  inputDim,
  networkInput,
  outputDim,
  type DenoisePass,
  type Noise,
  type PcaLossBasis,
} from './objective';
import type { PatchPca } from './patchPca';
import { deriveSeed } from './random';
import { deviceRandom } from './deviceRandom';
import { noiseLevelsOnDevice } from './scheduleTensor';
import { scheduleFor, type Schedule } from './schedules';
import type { Tokenizer } from './tokenizers/types';

/** How `features` reads the representation; the defaults are the paper's protocol. */
export interface FeatureOptions {
  /** middle (default): the middle block's output; mean-of-blocks: the mean of every block's output (not the embedding). Mean-pooled either way. */
  blocks?: ProbeFeatureKind;
  /** Seed of eps ~ N(0, I): the input becomes gamma_t enc(x) + sigma_t eps in the latent space. Null (default): no noise. */
  noiseSeed?: number | null;
}

export interface LdaeModel {
  readonly cfg: ExperimentConfig;
  readonly tokenizer: Tokenizer;
  readonly vit: ViT;
  readonly schedule: Schedule;
  /** (H / P) * (W / P). */
  readonly tokens: number;
  /** The training images' shape (square: imageSide = height = width). */
  readonly imageShape: ImageShape;
  readonly imageSide: number;
  /** The data PCA the pca-weighted loss reads (null for the other weightings). */
  readonly pca: PatchPca | null;
  /** gamma_t, sigma_t for each t (from the schedule, uploaded) and eps ~ N(0, I) seeded by `seed`. */
  noise(t: Float32Array, seed: number): Noise;
  /** The same from a device t [B]: gamma_t, sigma_t computed there and eps drawn there (needs hasDeviceRandom). */
  deviceNoise(t: tf.Tensor1D, seed: number): Noise;
  /** Training loss of a batch x0 [B, H, W, C] in [0, 1] at times t [B]. Use inside a gradient function. */
  loss(x0: tf.Tensor4D, t: tf.Tensor1D, noise: Noise): tf.Scalar;
  /** All tensors of one denoising pass (caller disposes). */
  pass(x0: tf.Tensor4D, t: tf.Tensor1D, noise: Noise): DenoisePass;
  /**
   * The representation: middle-block output, average-pooled over tokens, [B, width].
   * Input is the clean image through the tokenizer, gamma_t enc(x) (no noise), given to the network
   * in the config's input space (for pixel input, dec(gamma_t enc(x)): the network only ever sees
   * images inside the tokenizer's range), with t-conditioning at t. `options` reach beyond that.
   */
  features(images: tf.Tensor4D, t: number, options?: FeatureOptions): tf.Tensor2D;
  summary(): ModelSummary;
  dispose(): void;
}

/**
 * Builds the model for images of `imageShape` (the dataset's; square). Takes ownership of
 * `tokenizer`. `pca` (the data's patch PCA) is needed only for the PCA-weighted loss; its first
 * d = tokenizer.latentDim components get weight 1.
 */
export function createLdaeModel(cfg: ExperimentConfig, tokenizer: Tokenizer, pca: PatchPca | null, imageShape: ImageShape): LdaeModel {
  const { height, width, channels } = imageShape;
  const P = tokenizer.patchSize;
  if (height !== width || height % P !== 0) throw new Error(`the l-DAE model needs square images that patch size ${P} tiles, got ${height}x${width}`);
  if (tokenizer.patchDim !== P * P * channels) throw new Error(`tokenizer patches hold ${tokenizer.patchDim} numbers, ${P}x${P}x${channels} images need ${P * P * channels}`);
  const imageSide = height;
  const tokens = (height / P) * (width / P);
  const schedule = scheduleFor(cfg);
  const vit = createViT(
    vitConfig(cfg, { tokens, inDim: inputDim(cfg, tokenizer), outDim: outputDim(cfg, tokenizer), tConditioning: cfg.tConditioning }),
    deriveSeed(cfg.seed, 'vit-init'),
  );
  let pcaLoss: PcaLossBasis | null = null;
  if (cfg.lossWeighting === 'pca-weighted') {
    if (!pca) throw new Error('the pca-weighted loss needs the data PCA');
    pcaLoss = createPcaLossBasis(pca, tokenizer.latentDim);
  }
  const net = (x: tf.Tensor3D, t: tf.Tensor1D) => vit.apply(x, t);

  return {
    cfg,
    tokenizer,
    vit,
    schedule,
    tokens,
    imageShape: { height, width, channels },
    imageSide,
    pca: pcaLoss ? pca : null,
    noise(t, seed) {
      const B = t.length;
      const gamma = new Float32Array(B);
      const sigma = new Float32Array(B);
      for (let i = 0; i < B; i++) {
        const level = schedule(t[i]);
        gamma[i] = level.gamma;
        sigma[i] = level.sigma;
      }
      return {
        gamma: tf.tensor1d(gamma),
        sigma: tf.tensor1d(sigma),
        eps: tf.randomNormal([B, tokens, tokenizer.latentDim], 0, 1, 'float32', seed) as tf.Tensor3D,
      };
    },
    deviceNoise(t, seed) {
      const { gamma, sigma } = noiseLevelsOnDevice(cfg, t);
      return { gamma, sigma, eps: deviceRandom([t.shape[0], tokens, tokenizer.latentDim], seed, true) as tf.Tensor3D };
    },
    loss(x0, t, noise) {
      return denoisingLoss(cfg, tokenizer, net, x0, t, noise, pcaLoss);
    },
    pass(x0, t, noise) {
      return denoisePass(cfg, tokenizer, net, x0, t, noise);
    },
    features(images, t, options = {}) {
      return tf.tidy(() => {
        const B = images.shape[0];
        const level = schedule(t);
        let z = tokenizer.encode(images).mul(level.gamma) as tf.Tensor3D;
        if (options.noiseSeed != null) z = z.add(tf.randomNormal(z.shape, 0, 1, 'float32', options.noiseSeed).mul(level.sigma));
        const input = networkInput(cfg, tokenizer, z, imageSide);
        const tT = tf.fill([B], t) as tf.Tensor1D;
        if (options.blocks === 'mean-of-blocks') {
          const blocks = vit.residuals(input, tT).slice(1);
          return tf.addN(blocks.map((x) => x.mean(1))).div(blocks.length) as tf.Tensor2D;
        }
        return vit.features(input, tT).mean(1) as tf.Tensor2D;
      });
    },
    summary() {
      const c = vit.config;
      const forward = vit.forwardFlopsPerImage();
      return { params: vit.paramCount(), flopsPerImage: trainFlopsPerImage(c), forwardFlopsPerImage: forward, tokens, width: c.width, depth: c.depth };
    },
    dispose() {
      vit.dispose();
      pcaLoss?.dispose();
      tokenizer.dispose();
    },
  };
}
