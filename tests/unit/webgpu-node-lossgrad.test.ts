// The GPU forms with hand-written gradients (they upload nothing per call): the weighted
// denoising loss (objective.ts weightedLossCustomGrad, plain and PCA-weighted) and SiLU
// (layers.ts), values and gradients against the tfjs-op forms on webgpu and on cpu, on dawn.node.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installCounters } from '../../src/bench/counters';
import type { LossWeighting } from '../../src/ldae/config';
import { uploadsCost } from '../../src/ldae/deviceConstants';
import { silu } from '../../src/ldae/model/layers';
import { weightedLossCustomGrad, weightedLossOps, type PcaLossBasis } from '../../src/ldae/objective';
import { setupNodeBackend } from '../../src/node/backend';
import { seededArray } from './modelHelpers';

const [B, N, K] = [6, 4, 5];
type LossFn = typeof weightedLossOps;

function pcaBasis(): PcaLossBasis {
  const basis = tf.tensor2d(seededArray(K * K, 41), [K, K]);
  const weights = tf.tensor1d([1, 1, 0.1, 0.1, 0.1]);
  return { basis, weights, dispose: () => tf.dispose([basis, weights]) };
}

/** Value and gradients (prediction, target, gamma, sigma) of one weighting. */
async function lossAndGrads(fn: LossFn, weighting: LossWeighting): Promise<Float32Array[]> {
  const pca = weighting === 'pca-weighted' ? pcaBasis() : null;
  const pred = tf.tensor3d(seededArray(B * N * K, 1), [B, N, K]);
  const target = tf.tensor3d(seededArray(B * N * K, 2), [B, N, K]);
  const gamma = tf.tensor1d(seededArray(B, 3).map((x) => 0.5 + Math.abs(x)));
  const sigma = tf.tensor1d(seededArray(B, 4).map((x) => Math.abs(x)));
  const out = tf.tidy(() => {
    const value = fn(weighting, pred, target, gamma, sigma, pca);
    // gamma or sigma may not reach the loss (weighting none): no gradient is then a zero one.
    const xs = [pred, target, gamma, sigma];
    const { grads } = tf.engine().gradients(() => tf.mul(fn(weighting, pred, target, gamma, sigma, pca), 3), xs, undefined, true);
    return [value, ...xs.map((x, i) => grads[i] ?? tf.zerosLike(x))];
  });
  const arrays: Float32Array[] = [];
  for (const t of out) arrays.push((await t.data()) as Float32Array);
  tf.dispose([...out, pred, target, gamma, sigma]);
  pca?.dispose();
  return arrays;
}

async function siluAndGrad(): Promise<Float32Array[]> {
  const x = tf.tensor2d(seededArray(64, 9).map((v) => 4 * v), [8, 8]);
  const out = tf.tidy(() => [silu(x), tf.grad((a: tf.Tensor) => tf.sum(tf.mul(silu(a), a)))(x)]);
  const arrays: Float32Array[] = [];
  for (const t of out) arrays.push((await t.data()) as Float32Array);
  tf.dispose([...out, x]);
  return arrays;
}

function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  a.forEach((arr, i) => {
    expect(arr.length).toBe(b[i].length);
    for (let j = 0; j < arr.length; j++) m = Math.max(m, Math.abs(arr[j] - b[i][j]));
  });
  return m;
}

const WEIGHTINGS: LossWeighting[] = ['none', 'gamma2', 'inv-1p-sigma2', 'pca-weighted'];
const cpu = new Map<string, Float32Array[]>();

beforeAll(async () => {
  await setupNodeBackend('cpu');
  for (const w of WEIGHTINGS) cpu.set(w, await lossAndGrads(weightedLossOps, w));
  cpu.set('silu', await siluAndGrad());
  await setupNodeBackend('webgpu');
});

describe('GPU loss and SiLU gradients', () => {
  it('the custom-gradient loss agrees with the tfjs-op loss on webgpu and cpu, every weighting', async () => {
    for (const w of WEIGHTINGS) {
      const ref = await lossAndGrads(weightedLossOps, w);
      const got = await lossAndGrads(weightedLossCustomGrad, w);
      expect(maxDiff(got, ref), w).toBeLessThan(1e-5);
      expect(maxDiff(got, cpu.get(w)!), w).toBeLessThan(1e-5);
      expect(got[1].some((v) => v !== 0), `${w}: a non-zero prediction gradient`).toBe(true);
    }
  });

  it('SiLU takes the custom gradient on webgpu and agrees with cpu', async () => {
    expect(uploadsCost()).toBe(true);
    expect(maxDiff(await siluAndGrad(), cpu.get('silu')!)).toBeLessThan(1e-5);
  });

  it('the loss and its gradient upload nothing once its constants exist', async () => {
    await lossAndGrads(weightedLossCustomGrad, 'inv-1p-sigma2'); // makes the cached constants
    const pred = tf.tensor3d(seededArray(B * N * K, 1), [B, N, K]);
    const target = tf.tensor3d(seededArray(B * N * K, 2), [B, N, K]);
    const sigma = tf.tensor1d(seededArray(B, 4));
    const c = installCounters();
    const g = tf.tidy(() => tf.grad((p: tf.Tensor) => weightedLossCustomGrad('inv-1p-sigma2', p as tf.Tensor3D, target, sigma, sigma, null))(pred));
    const uploads = c.read().uploads;
    c.uninstall();
    // tf.grad's own seed (ones) is the one upload: the optimizer passes a device seed instead (adamw.ts).
    expect(uploads).toBe(1);
    tf.dispose([g, pred, target, sigma]);
  });
});
