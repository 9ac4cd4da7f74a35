// Attention with the heads read and written in place (src/backends/webgpuHeadMatMul.ts, contract
// src/ldae/model/headMatMul.ts): values and the gradients of q, k, v against the transpose-and-
// batched-matmul form on webgpu (kernel unregistered) and on cpu, on dawn.node; and its dispatch count.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setWebGpuRowKernels } from '../../src/backends';
import { installCounters } from '../../src/bench/counters';
import { attention, type AttentionShape } from '../../src/ldae/model/attention';
import { hasHeadMatMul } from '../../src/ldae/model/headMatMul';
import { setupNodeBackend } from '../../src/node/backend';
import { seededArray } from './modelHelpers';

const SHAPES: AttentionShape[] = [
  { batch: 5, tokens: 16, heads: 2, headDim: 16 },
  { batch: 3, tokens: 9, heads: 4, headDim: 6 },
];

async function evaluate(s: AttentionShape): Promise<Float32Array[]> {
  const rows = s.batch * s.tokens;
  const W = s.heads * s.headDim;
  const [q, k, v] = [1, 2, 3].map((seed) => tf.tensor2d(seededArray(rows * W, seed + s.tokens), [rows, W]));
  const w = tf.tensor2d(seededArray(rows * W, 77), [rows, W]);
  const out = tf.tidy(() => {
    const value = attention(q, k, v, s);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(attention(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor2D, s), w)))([q, k, v]);
    return [value, ...grads];
  });
  const arrays: Float32Array[] = [];
  for (const t of out) arrays.push((await t.data()) as Float32Array);
  tf.dispose([...out, q, k, v, w]);
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

let cpu: Float32Array[][];

beforeAll(async () => {
  await setupNodeBackend('cpu');
  cpu = [];
  for (const s of SHAPES) cpu.push(await evaluate(s));
  await setupNodeBackend('webgpu');
});

afterAll(() => {
  setWebGpuRowKernels(true);
});

describe('webgpu attention with heads in place', () => {
  it('agrees with the transpose form on webgpu and with cpu, values and gradients', async () => {
    setWebGpuRowKernels(false);
    expect(hasHeadMatMul('webgpu')).toBe(false);
    const reference: Float32Array[][] = [];
    for (const s of SHAPES) reference.push(await evaluate(s));
    setWebGpuRowKernels(true);
    expect(hasHeadMatMul('webgpu')).toBe(true);
    for (let i = 0; i < SHAPES.length; i++) {
      const got = await evaluate(SHAPES[i]);
      expect(maxDiff(got, reference[i]), JSON.stringify(SHAPES[i])).toBeLessThan(1e-4);
      expect(maxDiff(got, cpu[i]), JSON.stringify(SHAPES[i])).toBeLessThan(1e-4);
    }
  });

  it('3 dispatches forward (2 matmuls, softmax), no transposes either way', () => {
    const s = SHAPES[0];
    const x = tf.tensor2d(seededArray(s.batch * s.tokens * s.heads * s.headDim, 5), [s.batch * s.tokens, s.heads * s.headDim]);
    const counts = (f: () => void) => {
      const c = installCounters();
      const names: string[] = [];
      const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
      const run = engine.runKernel;
      engine.runKernel = function (this: unknown, name: string, ...rest: unknown[]) {
        names.push(name);
        return run.call(this, name, ...rest);
      };
      try {
        tf.tidy(f);
      } finally {
        engine.runKernel = run;
      }
      const n = c.read().dispatches;
      c.uninstall();
      return { n, names };
    };
    const fwd = counts(() => attention(x, x, x, s));
    expect(fwd.n).toBe(3);
    const both = counts(() => tf.grads((a: tf.Tensor) => tf.sum(attention(a as tf.Tensor2D, a as tf.Tensor2D, a as tf.Tensor2D, s)))([x]));
    expect(both.names).not.toContain('Transpose');
    tf.dispose(x);
  });
});
