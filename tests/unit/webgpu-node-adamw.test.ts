// The WebGPU flat AdamW kernels (src/backends/webgpuAdamW.ts): parameters, moments, lr, step and
// gradient norm after a few steps, against the tfjs-op flat path on webgpu (kernels unregistered)
// and the per-variable path on cpu; the moments' in-place update leaves a state that shares their
// buffers untouched; and what a step dispatches and uploads.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setWebGpuRowKernels } from '../../src/backends';
import { installCounters } from '../../src/bench/counters';
import { createAdamW, type AdamWLayout } from '../../src/ldae/optim/adamw';
import { hasFlatAdamWKernels } from '../../src/ldae/optim/flatAdamW';
import { lrSchedule } from '../../src/ldae/optim/schedule';
import { setupNodeBackend } from '../../src/node/backend';
import { seededArray } from './modelHelpers';

const SHAPES = [[8, 4], [4], [3, 5], [70, 9]];
const STEPS = 4;

interface Outcome {
  arrays: Float32Array[];
  shared: Float32Array;
  sharedBefore: Float32Array;
}

async function train(layout: AdamWLayout, gradClip: number): Promise<Outcome> {
  const vars = SHAPES.map((s, i) => tf.variable(tf.tensor(seededArray(s.reduce((a, b) => a * b, 1), 3 + i), s), true, `adamw_test_${layout}_${gradClip}_${i}_${Math.random()}`));
  const opt = createAdamW(vars, { schedule: lrSchedule(0.05, 2, 6, 0.1), weightDecay: 0.1, gradClip, layout });
  const norms: tf.Tensor[] = [];
  let shared: tf.Tensor | null = null;
  let sharedBefore: Float32Array | null = null;
  for (let s = 0; s < STEPS; s++) {
    if (s === 2) {
      shared = tf.clone(opt.moments.m[0]); // shares the moment's buffer, as a captured TrainerState does
      sharedBefore = (await shared.data()) as Float32Array;
    }
    const grads = SHAPES.map((sh, i) => tf.mul(tf.tensor(seededArray(sh.reduce((a, b) => a * b, 1), 100 * s + i), sh), 1 + s));
    norms.push(opt.step(grads));
    tf.dispose(grads);
  }
  const out = [...vars, ...opt.moments.m, ...opt.moments.v, opt.lastLr, ...opt.stateVariables.slice(-2, -1), ...norms].map((t) => t.reshape([-1]));
  const arrays: Float32Array[] = [];
  for (const t of out) arrays.push((await t.data()) as Float32Array);
  // Per-variable moments (cpu) as one flat vector, to compare with the flat layout.
  const flat = (xs: Float32Array[]) => Float32Array.from(xs.flatMap((x) => [...x]));
  const n = SHAPES.length;
  const mCount = opt.moments.m.length;
  const normalised = [...arrays.slice(0, n), flat(arrays.slice(n, n + mCount)), flat(arrays.slice(n + mCount, n + 2 * mCount)), ...arrays.slice(n + 2 * mCount)];
  const sharedAfter = (await shared!.data()) as Float32Array;
  tf.dispose([...out, ...norms, shared!]);
  opt.dispose();
  vars.forEach((v) => v.dispose());
  return { arrays: normalised, shared: sharedAfter, sharedBefore: sharedBefore! };
}

/** Largest difference relative to each array's scale (moments, parameters and scalars differ by orders of magnitude). */
function maxRelDiff(a: Float32Array[], b: Float32Array[]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  a.forEach((arr, i) => {
    expect(arr.length).toBe(b[i].length);
    const scale = Math.max(...Array.from(b[i], Math.abs)) || 1;
    for (let j = 0; j < arr.length; j++) m = Math.max(m, Math.abs(arr[j] - b[i][j]) / scale);
  });
  return m;
}

const cpu: Record<number, Outcome> = {};

beforeAll(async () => {
  await setupNodeBackend('cpu');
  for (const clip of [0, 1]) cpu[clip] = await train('per-variable', clip);
  await setupNodeBackend('webgpu');
});

afterAll(() => {
  setWebGpuRowKernels(true);
});

describe('webgpu flat AdamW kernels', () => {
  it('agree with the tfjs-op flat path on webgpu and the per-variable path on cpu, with and without clipping', async () => {
    for (const clip of [0, 1]) {
      setWebGpuRowKernels(false);
      expect(hasFlatAdamWKernels('webgpu')).toBe(false);
      const reference = await train('flat', clip);
      setWebGpuRowKernels(true);
      expect(hasFlatAdamWKernels('webgpu')).toBe(true);
      const got = await train('flat', clip);
      expect(maxRelDiff(got.arrays, reference.arrays), `clip ${clip} vs webgpu ops`).toBeLessThan(1e-4);
      expect(maxRelDiff(got.arrays, cpu[clip].arrays), `clip ${clip} vs cpu`).toBeLessThan(1e-4);
      // The in-place moment update copied the shared buffer first: the clone kept its values.
      expect(Array.from(got.shared)).toEqual(Array.from(got.sharedBefore));
    }
  });

  it('a step is the gradient concat, 3 dispatches, one per variable and 3 slices, and uploads nothing', () => {
    const vars = SHAPES.map((s, i) => tf.variable(tf.tensor(seededArray(s.reduce((a, b) => a * b, 1), 7 + i), s), true, `adamw_count_${i}_${Math.random()}`));
    const opt = createAdamW(vars, { schedule: lrSchedule(0.01, 2, 10), weightDecay: 0.05, gradClip: 1, layout: 'flat' });
    const grads = vars.map((v) => tf.onesLike(v));
    const gradNorm0 = opt.step(grads); // first step: buffers and pipelines
    const c = installCounters();
    const gradNorm = opt.step(grads);
    const counts = c.read();
    c.uninstall();
    expect(counts.uploads).toBe(0);
    // tfjs' Concat of 4 inputs is one dispatch here.
    expect(counts.dispatches).toBe(1 + 3 + SHAPES.length + 3);
    tf.dispose([...grads, gradNorm0, gradNorm]);
    opt.dispose();
    vars.forEach((v) => v.dispose());
  });
});
