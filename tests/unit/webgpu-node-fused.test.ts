// The fused WebGPU kernels (src/backends/webgpuGelu.ts, webgpuLayerNorm.ts): GELU and the
// adaLN-modulated LayerNorm, values and gradients, against the tfjs-op composite on webgpu (the
// reference path, kernels unregistered) and on cpu, on dawn.node; and their dispatch counts.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setWebGpuRowKernels } from '../../src/backends';
import { installCounters } from '../../src/bench/counters';
import { hasFusedGelu } from '../../src/ldae/model/fusedGelu';
import { hasFusedLayerNorm } from '../../src/ldae/model/fusedLayerNorm';
import { gelu, modulatedLayerNorm } from '../../src/ldae/model/layers';
import { setupNodeBackend } from '../../src/node/backend';
import { seededArray } from './modelHelpers';

type Case = { name: string; shapes: number[][]; run: (xs: tf.Tensor[]) => tf.Tensor };

// Every case: the value and the gradient of sum(value * w) for a fixed random w, w.r.t. every input.
const CASES: Case[] = [
  { name: 'gelu [256, 128]', shapes: [[256, 128]], run: ([x]) => gelu(tf.mul(x, 3)) },
  { name: 'adaLN LayerNorm, per-sample shift/scale', shapes: [[8, 16, 32], [8, 1, 32], [8, 1, 32]], run: ([x, sh, sc]) => modulatedLayerNorm(tf.add(tf.mul(x, 2), 0.3), sh, sc) },
  { name: 'adaLN LayerNorm, shared shift/scale', shapes: [[4, 16, 24], [1, 1, 24], [1, 1, 24]], run: ([x, sh, sc]) => modulatedLayerNorm(x, sh, sc) },
];

async function evaluate(c: Case): Promise<Float32Array[]> {
  const inputs = c.shapes.map((s, i) => tf.tensor(seededArray(s.reduce((a, b) => a * b, 1), 11 + 5 * i + s[0]), s));
  const out = tf.tidy(() => {
    const value = c.run(inputs);
    const w = tf.tensor(seededArray(value.size, 99), value.shape);
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(c.run(xs), w)))(inputs);
    return [value, ...grads];
  });
  const arrays: Float32Array[] = [];
  for (const t of out) arrays.push((await t.data()) as Float32Array);
  tf.dispose([...inputs, ...out]);
  return arrays;
}

function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((arr, i) => {
    expect(arr.length).toBe(b[i].length);
    for (let j = 0; j < arr.length; j++) m = Math.max(m, Math.abs(arr[j] - b[i][j]));
  });
  return m;
}

let cpu: Float32Array[][];

beforeAll(async () => {
  await setupNodeBackend('cpu');
  cpu = [];
  for (const c of CASES) cpu.push(await evaluate(c));
  await setupNodeBackend('webgpu');
});

afterAll(() => {
  setWebGpuRowKernels(true);
});

describe('webgpu fused GELU and adaLN LayerNorm', () => {
  it('agree with the tfjs-op composite on webgpu and with cpu, values and gradients', async () => {
    setWebGpuRowKernels(false);
    expect(hasFusedGelu('webgpu') || hasFusedLayerNorm('webgpu')).toBe(false);
    const reference: Float32Array[][] = [];
    for (const c of CASES) reference.push(await evaluate(c));
    setWebGpuRowKernels(true);
    expect(hasFusedGelu('webgpu') && hasFusedLayerNorm('webgpu')).toBe(true);
    for (let i = 0; i < CASES.length; i++) {
      const got = await evaluate(CASES[i]);
      expect(maxDiff(got, reference[i]), CASES[i].name).toBeLessThan(1e-4);
      expect(maxDiff(got, cpu[i]), CASES[i].name).toBeLessThan(1e-4);
    }
  });

  it('one dispatch each way for GELU, 2 forward + 3 backward for the LayerNorm', () => {
    const x = tf.tensor(seededArray(8 * 16 * 32, 3), [8, 16, 32]);
    const p = tf.tensor(seededArray(8 * 32, 4), [8, 1, 32]);
    const count = (f: () => void) => {
      const c = installCounters();
      tf.tidy(f);
      const n = c.read().dispatches;
      c.uninstall();
      if (n === null) throw new Error('no dispatch counter: not on webgpu');
      return n;
    };
    const geluFwd = count(() => gelu(x));
    const geluBoth = count(() => tf.grad((a: tf.Tensor) => gelu(a))(x));
    const lnFwd = count(() => modulatedLayerNorm(x, p, p));
    const lnBoth = count(() => tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => modulatedLayerNorm(a, b, c))([x, p, p]));
    expect([geluFwd, lnFwd]).toEqual([1, 2]);
    // tf.grad adds the ones-like seed dy (a Fill); everything else is our kernels.
    expect((geluBoth ?? NaN) - (geluFwd ?? NaN)).toBeLessThanOrEqual(2);
    expect((lnBoth ?? NaN) - (lnFwd ?? NaN)).toBeLessThanOrEqual(4);
    tf.dispose([x, p]);
  });
});
