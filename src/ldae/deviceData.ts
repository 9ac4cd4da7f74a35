// Dataset splits as device-resident float tensors in [0, 1], uploaded once.
import * as tf from '@tensorflow/tfjs';
import type { Split } from '../types/data';

/** The first `limit` images of a split (all by default) as [count, 28, 28, 1] float32 in [0, 1]. */
export function splitImages(split: Split, limit = split.count, side = 28, channels = 1): tf.Tensor4D {
  const count = Math.min(limit, split.count);
  const pixels = side * side * channels;
  const data = new Float32Array(count * pixels);
  for (let i = 0; i < data.length; i++) data[i] = split.images[i] / 255;
  return tf.tensor4d(data, [count, side, side, channels]);
}
