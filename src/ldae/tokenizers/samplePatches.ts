// A seeded sample of training patches, gathered on the device in chunks so only the sampled
// patches (not the whole dataset) are ever materialised as [n, D].
import * as tf from '@tensorflow/tfjs';
import { patchify } from '../patches';
import { rng } from '../random';

/** `count` patches drawn uniformly (image, position) with replacement over images; [count, D]. */
export function samplePatches(images: tf.Tensor4D, patchSize: number, count: number, seed: number, chunk = 2048): tf.Tensor2D {
  const [numImages, side] = images.shape;
  const tokens = (side / patchSize) ** 2;
  const random = rng(seed);
  const parts: tf.Tensor2D[] = [];
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start);
    const imageIdx = new Int32Array(n);
    const rowIdx = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      imageIdx[i] = Math.floor(random() * numImages);
      rowIdx[i] = i * tokens + Math.floor(random() * tokens);
    }
    parts.push(
      tf.tidy(() => {
        const batch = tf.gather(images, tf.tensor1d(imageIdx, 'int32')) as tf.Tensor4D;
        const patches = patchify(batch, patchSize);
        return tf.gather(patches.reshape([n * tokens, patches.shape[2]]), tf.tensor1d(rowIdx, 'int32')) as tf.Tensor2D;
      }),
    );
  }
  const all = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
  if (parts.length > 1) parts.forEach((p) => p.dispose());
  return all;
}
