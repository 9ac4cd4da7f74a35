// Probe features: the representation of every image, extracted in batches, then a
// parameter-free BatchNorm (standardise with the probe-train statistics).
import * as tf from '@tensorflow/tfjs';
import type { ImageShape } from '../../types/data';

/** Which images a batch holds: the set's name and the index of its first image. */
export interface FeatureBatch {
  set: string;
  start: number;
}

/** images [B,H,W,C] float32 in [0,1] -> features [B,F]. Called inside tf.tidy; extractFeatures always says which batch. */
export type FeatureExtractor = (images: tf.Tensor4D, batch?: FeatureBatch) => tf.Tensor2D;

/** Uint8 images, row-major [count, H, W, C], with one class label per image (same shape as a data Split). */
export interface LabelledImages {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface ExtractOptions {
  batchSize: number;
  /** Name of the set, passed on to the extractor (evaluateProbes: 'train' / 'test'). */
  set: string;
  /** Fraction of this extraction done, after every batch. */
  onProgress?: (fraction: number) => void;
}

const DEFAULT_EXTRACT: ExtractOptions = { batchSize: 256, set: 'images' };

/** Parameter-free BatchNorm epsilon (the usual BatchNorm default). */
const BN_EPS = 1e-5;

/** Raw pixels as features: each image flattened to H*W*C numbers in [0, 1]. */
export const pixelFeatures: FeatureExtractor = (images) => images.reshape([images.shape[0], -1]) as tf.Tensor2D;

export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Runs `extract` over all images (of `shape`, the dataset's) in batches (each batch uploaded as
 * uint8 -> [0,1] under tf.tidy) and returns one [count, F] tensor that the caller disposes.
 * Yields to the event loop between batches so a worker can still hear commands.
 */
export async function extractFeatures(
  extract: FeatureExtractor,
  set: LabelledImages,
  shape: ImageShape,
  options: Partial<ExtractOptions> = {},
): Promise<tf.Tensor2D> {
  const { batchSize, set: setName, onProgress } = { ...DEFAULT_EXTRACT, ...options };
  const { height, width, channels } = shape;
  const pixelsPerImage = height * width * channels;
  if (set.images.length < set.count * pixelsPerImage) {
    throw new Error(`extractFeatures: ${set.count} images of ${height}x${width}x${channels} need ${set.count * pixelsPerImage} bytes, got ${set.images.length}`);
  }
  if (set.count === 0) throw new Error('extractFeatures: no images');
  const parts: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < set.count; start += batchSize) {
      const n = Math.min(batchSize, set.count - start);
      const pixels = set.images.subarray(start * pixelsPerImage, (start + n) * pixelsPerImage);
      parts.push(
        tf.tidy(() => {
          const images = tf.tensor4d(pixels, [n, height, width, channels], 'float32').mul(1 / 255) as tf.Tensor4D;
          return extract(images, { set: setName, start });
        }),
      );
      onProgress?.((start + n) / set.count);
      await yieldToEventLoop();
    }
    if (parts.length === 1) return parts.pop() as tf.Tensor2D;
    return tf.concat2d(parts, 0);
  } finally {
    for (const p of parts) p.dispose();
  }
}

/**
 * Parameter-free BatchNorm: (x - mean) / sqrt(var + eps) per feature, with mean and var of
 * the probe-train features, applied to both train and test. Returns new tensors.
 */
export function standardize(train: tf.Tensor2D, test: tf.Tensor2D): { train: tf.Tensor2D; test: tf.Tensor2D } {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(train, 0);
    const invStd = tf.rsqrt(variance.add(BN_EPS));
    return {
      train: train.sub(mean).mul(invStd) as tf.Tensor2D,
      test: test.sub(mean).mul(invStd) as tf.Tensor2D,
    };
  });
}
