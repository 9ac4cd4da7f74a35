// Data augmentation of training batches on the device: a random shift (zero-pad the image by k
// pixels on every side, crop a random window of the original size) and a random horizontal flip,
// drawn per image from a seed (derive one per step). One plain gather over the padded batch's
// pixels does both (indices computed here), so it runs on every backend and works for any
// [B, H, W, C]. (Not gather with batchDims: tfjs-wasm 4.22 gets batched gathers wrong.) Never used on probe or
// baseline images, and not differentiated.
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from './config';
import { rng } from './random';

export type AugmentConfig = Pick<ExperimentConfig, 'augmentShift' | 'augmentFlip'>;

/** Per image: vertical and horizontal shift in [-k, k] (content moves by +dy rows, +dx columns), and whether it is flipped. */
export interface AugmentDraw {
  dy: Int32Array;
  dx: Int32Array;
  flip: Uint8Array;
}

export function augmentationOn(cfg: AugmentConfig): boolean {
  return cfg.augmentShift > 0 || cfg.augmentFlip;
}

export function drawAugmentation(batch: number, cfg: AugmentConfig, seed: number): AugmentDraw {
  const random = rng(seed);
  const k = cfg.augmentShift;
  const draw: AugmentDraw = { dy: new Int32Array(batch), dx: new Int32Array(batch), flip: new Uint8Array(batch) };
  for (let b = 0; b < batch; b++) {
    draw.dy[b] = Math.floor(random() * (2 * k + 1)) - k;
    draw.dx[b] = Math.floor(random() * (2 * k + 1)) - k;
    draw.flip[b] = cfg.augmentFlip && random() < 0.5 ? 1 : 0;
  }
  return draw;
}

/**
 * images [B, H, W, C] -> augmented [B, H, W, C] (a new tensor). Output pixel (i, j) of image b is
 * the padded image's pixel (i + k - dy, j' + k - dx) with j' = W - 1 - j when flipped (the flip
 * is applied after the shift): content moves by (dy, dx); what comes in from outside is 0.
 */
export function augmentBatch(images: tf.Tensor4D, cfg: AugmentConfig, seed: number): tf.Tensor4D {
  const [B, H, W, C] = images.shape;
  const k = cfg.augmentShift;
  const [Hp, Wp] = [H + 2 * k, W + 2 * k];
  const { dy, dx, flip } = drawAugmentation(B, cfg, seed);
  const pixel = new Int32Array(B * H * W);
  for (let b = 0, o = 0; b < B; b++) {
    for (let i = 0; i < H; i++) {
      const row = (b * Hp + i + k - dy[b]) * Wp + k - dx[b];
      for (let j = 0; j < W; j++) pixel[o++] = row + (flip[b] ? W - 1 - j : j);
    }
  }
  return tf.tidy(() => {
    const padded = k > 0 ? tf.pad(images, [[0, 0], [k, k], [k, k], [0, 0]]) : images;
    return tf.gather(tf.reshape(padded, [B * Hp * Wp, C]), tf.tensor1d(pixel, 'int32')).reshape([B, H, W, C]) as tf.Tensor4D;
  });
}
