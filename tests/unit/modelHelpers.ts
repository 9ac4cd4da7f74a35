// Shared by the model tests: deterministic inputs and weight perturbation (so that the
// zero-initialised adaLN and head let gradients and outputs depend on every parameter).
import * as tf from '@tensorflow/tfjs';
import { rng } from '../../src/ldae/random';
import type { ViT } from '../../src/ldae/model/types';

export function seededArray(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (r() * 2 - 1) * scale;
  return a;
}

/** Adds U(-scale, scale) noise to every variable (seeded, backend independent). */
export function perturbWeights(model: ViT, seed: number, scale: number): void {
  model.variables.forEach((v, i) => {
    tf.tidy(() => v.assign(tf.add(v, tf.tensor(seededArray(v.size, seed * 1000 + i, scale), v.shape))));
  });
}

export async function readWeights(model: ViT): Promise<Float32Array[]> {
  return Promise.all(model.variables.map(async (v) => (await v.data()) as Float32Array));
}

export function writeWeights(model: ViT, values: Float32Array[]): void {
  model.variables.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(values[i], v.shape))));
}
