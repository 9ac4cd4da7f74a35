// The fused wasm AdamW kernel (src/backends/wasmAdamW.ts) against the tfjs-op reference path.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAdamW, type AdamWLayout } from '../../src/ldae/optim/adamw';
import { lrSchedule } from '../../src/ldae/optim/schedule';
import { setupNodeBackend } from '../../src/node/backend';

beforeAll(async () => {
  await setupNodeBackend('wasm');
});

const relClose = (a: Float32Array, b: Float32Array, tol: number) => {
  expect(a.length).toBe(b.length);
  const scale = Math.max(...Array.from(b, Math.abs), 1e-30);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]) / scale, `index ${i}: ${a[i]} vs ${b[i]}`).toBeLessThan(tol);
};

/** Three steps with fixed pseudo-random gradients; returns variables, moments and grad norms. */
function run(layout: AdamWLayout, gradClip: number) {
  const shapes = [[24, 40], [40], [3, 8, 5]];
  const vars = tf.tidy(() => shapes.map((s, i) => tf.variable(tf.randomUniform(s, -1, 1, 'float32', 10 + i))));
  const opt = createAdamW(vars, { schedule: lrSchedule(0.05, 2, 10), weightDecay: 0.1, gradClip, layout });
  const norms: number[] = [];
  for (let k = 0; k < 3; k++) {
    const grads = shapes.map((s, i) => tf.randomNormal(s, 0, 1 + k, 'float32', 1000 + 100 * k + i));
    const norm = opt.step(grads);
    norms.push(norm.dataSync()[0]);
    tf.dispose([norm, ...grads]);
  }
  const out = {
    vars: vars.map((x) => x.dataSync() as Float32Array),
    m: opt.moments.m.map((x) => x.dataSync() as Float32Array),
    v: opt.moments.v.map((x) => x.dataSync() as Float32Array),
    lr: opt.lastLr.dataSync()[0],
    norms,
  };
  opt.dispose();
  tf.dispose(vars);
  return out;
}

describe('AdamW wasm-fused kernel', () => {
  it('is the default on wasm', () => {
    const w = tf.variable(tf.zeros([2, 2]));
    const opt = createAdamW([w], { schedule: lrSchedule(0.1, 0, 10) });
    const g = tf.ones([2, 2]);
    opt.step([g]).dispose();
    // One kernel instead of a dozen per variable; the reference leaves w at 0 - lr * 1 too.
    expect(Array.from(w.dataSync()).every((x) => Math.abs(x + 0.1) < 1e-6)).toBe(true);
    tf.dispose([w, g]);
    opt.dispose();
  });

  for (const gradClip of [0, 1])
  it(`matches the per-variable tfjs-op path after 3 steps (gradClip ${gradClip})`, () => {
    const before = tf.memory().numTensors;
    const ref = run('per-variable', gradClip);
    const fused = run('wasm-fused', gradClip);
    expect(tf.memory().numTensors).toBe(before);
    ref.vars.forEach((r, i) => relClose(fused.vars[i], r, 1e-6));
    ref.m.forEach((r, i) => relClose(fused.m[i], r, 1e-6));
    ref.v.forEach((r, i) => relClose(fused.v[i], r, 1e-6));
    fused.norms.forEach((n, k) => expect(Math.abs(n - ref.norms[k]) / ref.norms[k]).toBeLessThan(1e-6));
    expect(fused.lr).toBeCloseTo(ref.lr, 9);
  });

  it('gives the updated weights to the next matmul (XNNPACK caches packed weights by tensor id)', () => {
    const w = tf.variable(tf.randomNormal([16, 8], 0, 1, 'float32', 1));
    const x = tf.randomNormal([4, 16], 0, 1, 'float32', 2) as tf.Tensor2D;
    const opt = createAdamW([w], { schedule: lrSchedule(0.5, 0, 10), layout: 'wasm-fused' });
    for (let k = 0; k < 3; k++) {
      tf.matMul(x, w).dispose(); // packs w
      const g = tf.onesLike(w);
      opt.step([g]).dispose();
      g.dispose();
      const y = tf.matMul(x, w);
      const copy = tf.add(w, 0) as tf.Tensor2D;
      const yRef = tf.matMul(x, copy);
      relClose(y.dataSync() as Float32Array, yRef.dataSync() as Float32Array, 1e-6);
      tf.dispose([y, copy, yRef]);
    }
    opt.dispose();
    tf.dispose([w, x]);
  });

  it('refuses other backends', async () => {
    await setupNodeBackend('cpu');
    const w = tf.variable(tf.zeros([2]));
    expect(() => createAdamW([w], { schedule: lrSchedule(0.1, 0, 10), layout: 'wasm-fused' })).toThrow(/wasm/);
    w.dispose();
    await setupNodeBackend('wasm');
  });
});
