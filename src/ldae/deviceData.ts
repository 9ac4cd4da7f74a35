// Dataset splits as device-resident float tensors in [0, 1], uploaded once.
import * as tf from '@tensorflow/tfjs';
import type { ImageShape, Split } from '../types/data';

/** The first `limit` images of a split (all by default) as [count, H, W, C] float32 in [0, 1]; `shape` is the dataset's meta. */
export function splitImages(split: Split, shape: ImageShape, limit = split.count): tf.Tensor4D {
  const { height, width, channels } = shape;
  const count = Math.min(limit, split.count);
  const pixels = height * width * channels;
  if (split.images.length < split.count * pixels) {
    throw new Error(`${split.count} images of ${height}x${width}x${channels} need ${split.count * pixels} bytes, the split has ${split.images.length}`);
  }
  const data = new Float32Array(count * pixels);
  for (let i = 0; i < data.length; i++) data[i] = split.images[i] / 255;
  return tf.tensor4d(data, [count, height, width, channels]);
}
