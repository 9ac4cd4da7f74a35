// The WebGPU small-problem kernels (src/backends/webgpuKernels.ts: Sum, Mean, Softmax as one
// thread per row, small batched matmuls as one thread per output) against tfjs' own webgpu kernels (the reference path) and the cpu backend, on dawn.node.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setWebGpuRowKernels } from '../../src/backends';
import { installCounters } from '../../src/bench/counters';
import { setupNodeBackend } from '../../src/node/backend';
import { seededArray } from './modelHelpers';

type Case = { name: string; shape: number[]; run: (x: tf.Tensor) => tf.Tensor };

const CASES: Case[] = [
  { name: 'mean over the last axis, keepDims (LayerNorm)', shape: [128, 16, 32], run: (x) => tf.mean(x, -1, true) },
  { name: 'sum over the token axis, keepDims (adaLN gradient)', shape: [128, 16, 32], run: (x) => tf.sum(x, 1, true) },
  { name: 'sum over axis 0 (bias gradient)', shape: [2048, 96], run: (x) => tf.sum(x, 0) },
  { name: 'mean over two leading axes, keepDims', shape: [64, 16, 20], run: (x) => tf.mean(x, [0, 1], true) },
  { name: 'sum over two axes', shape: [8, 12, 10], run: (x) => tf.sum(x, [0, 2]) },
  { name: 'softmax over 16 keys', shape: [256, 16, 16], run: (x) => tf.softmax(tf.mul(x, 4)) },
  { name: 'few rows: tfjs kernel', shape: [4, 3000], run: (x) => tf.sum(x, -1) },
  { name: 'attention scores Q K^T', shape: [64, 16, 8], run: (x) => tf.matMul(x, tf.add(x, 0.5), false, true) },
  { name: 'attention output P V', shape: [64, 16, 16], run: (x) => tf.matMul(x, tf.slice(x, [0, 0, 0], [64, 16, 8])) },
  { name: 'attention gradient P^T dO', shape: [64, 16, 16], run: (x) => tf.matMul(x, tf.mul(x, 2), true, false) },
  { name: 'both transposed', shape: [32, 12, 12], run: (x) => tf.matMul(x, tf.sub(x, 1), true, true) },
  { name: 'large matmul: tfjs kernel', shape: [2, 96, 96], run: (x) => tf.matMul(x, x) },
];

async function evaluate(c: Case): Promise<Float32Array> {
  const x = tf.tensor(seededArray(c.shape.reduce((a, b) => a * b, 1), c.shape.length * 7 + c.shape[0]), c.shape);
  const y = c.run(x);
  const v = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  return v;
}

let cpu: Float32Array[];

beforeAll(async () => {
  await setupNodeBackend('cpu');
  cpu = [];
  for (const c of CASES) cpu.push(await evaluate(c));
  await setupNodeBackend('webgpu');
});

afterAll(() => {
  setWebGpuRowKernels(true);
});

describe('webgpu small-problem kernels', () => {
  it('agree with tfjs webgpu kernels and with cpu', async () => {
    expect(setWebGpuRowKernels(false)).toBe(true);
    const reference: Float32Array[] = [];
    for (const c of CASES) reference.push(await evaluate(c));
    setWebGpuRowKernels(true);
    for (let i = 0; i < CASES.length; i++) {
      const got = await evaluate(CASES[i]);
      expect(got.length, CASES[i].name).toBe(cpu[i].length);
      let maxRef = 0;
      let maxCpu = 0;
      for (let j = 0; j < got.length; j++) {
        maxRef = Math.max(maxRef, Math.abs(got[j] - reference[i][j]));
        maxCpu = Math.max(maxCpu, Math.abs(got[j] - cpu[i][j]));
      }
      expect(maxRef, CASES[i].name).toBeLessThan(1e-4);
      expect(maxCpu, CASES[i].name).toBeLessThan(1e-4);
    }
  });

  it('run one GPU program per reduction where tfjs runs a transpose and a reduction', () => {
    const x = tf.tensor(seededArray(128 * 16 * 32, 5), [128, 16, 32]);
    const count = (on: boolean) => {
      setWebGpuRowKernels(on);
      const c = installCounters();
      tf.tidy(() => tf.mean(x, -1, true));
      const n = c.read().dispatches;
      c.uninstall();
      return n;
    };
    expect(count(true)).toBe(1);
    expect(count(false)).toBeGreaterThanOrEqual(1);
    x.dispose();
  });

  it('take attention-sized batched matmuls and leave large ones to tfjs', () => {
    setWebGpuRowKernels(true);
    const backend = tf.backend() as unknown as { runWebGPUProgram: (p: { shaderKey: string }, ...rest: unknown[]) => unknown };
    const run = backend.runWebGPUProgram;
    const keys: string[] = [];
    backend.runWebGPUProgram = function (this: unknown, p: { shaderKey: string }, ...rest: unknown[]) {
      keys.push(p.shaderKey);
      return run.call(this, p, ...rest);
    };
    try {
      tf.tidy(() => tf.matMul(tf.ones([8, 16, 16]), tf.ones([8, 16, 16]), true, true));
      expect(keys.filter((k) => k.includes('ldae_small_bmm')).length).toBe(1);
      tf.tidy(() => tf.matMul(tf.ones([2, 128, 128]), tf.ones([2, 128, 128]), true, true));
      expect(keys.filter((k) => k.includes('ldae_small_bmm')).length).toBe(1);
    } finally {
      backend.runWebGPUProgram = run;
    }
  });
});
