// Tensors -> plain FloatImages for the UI (one readback each).
import type * as tf from '@tensorflow/tfjs';
import type { FloatImages } from '../types/data';

export async function toFloatImages(images: tf.Tensor4D): Promise<FloatImages> {
  const [count, height, width, channels] = images.shape;
  return { count, height, width, channels, data: (await images.data()) as Float32Array };
}
