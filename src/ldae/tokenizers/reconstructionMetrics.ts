// How well a tokenizer reconstructs held-out images: decode(encode(x)) against x.
import * as tf from '@tensorflow/tfjs';
import type { Tokenizer } from './types';

export interface ReconstructionMetrics {
  /** Mean squared error per pixel, images in [0, 1]. */
  mse: number;
  /** 10 log10(1 / mse): the PSNR of the pooled MSE (peak 1), not a mean of per-image PSNRs. */
  psnr: number;
  /** MSE of predicting every image by the mean of the evaluated images (the trivial baseline). */
  meanImageMse: number;
  images: number;
}

function psnrFromMse(mse: number): number {
  return mse > 0 ? 10 * Math.log10(1 / mse) : Infinity;
}

/** Reconstruction MSE / PSNR over `images` [n, H, W, C] in batches, with one readback at the end. */
export async function reconstructionMetrics(tokenizer: Tokenizer, images: tf.Tensor4D, batchSize = 250): Promise<ReconstructionMetrics> {
  const [n, side] = images.shape;
  let sumSq: tf.Tensor = tf.scalar(0);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const next = tf.tidy(() => {
      const x = images.slice([start, 0, 0, 0], [size, -1, -1, -1]);
      return sumSq.add(tokenizer.decode(tokenizer.encode(x), side).squaredDifference(x).sum());
    });
    sumSq.dispose();
    sumSq = next;
  }
  const stats = tf.tidy(() => tf.stack([sumSq.div(images.size), tf.moments(images, 0).variance.mean()]));
  sumSq.dispose();
  const [mse, meanImageMse] = await stats.data();
  stats.dispose();
  return { mse, psnr: psnrFromMse(mse), meanImageMse, images: n };
}
