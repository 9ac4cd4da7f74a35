import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAdamW } from '../../src/ldae/optim/adamw';
import { lrAt, lrSchedule, lrTensor } from '../../src/ldae/optim/schedule';
import { setupNodeBackend } from '../../src/node/backend';

beforeAll(async () => {
  await setupNodeBackend('cpu');
});

const closeArrays = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `index ${i}: ${a[i]} vs ${b[i]}`).toBeLessThan(tol);
};

describe('warm-up + cosine schedule', () => {
  const s = lrSchedule(1e-3, 10, 110, 0.1);
  it('has the documented endpoints and shape', () => {
    expect(lrAt(s, 0)).toBeCloseTo(1e-4, 12);
    expect(lrAt(s, 4)).toBeCloseTo(5e-4, 12);
    expect(lrAt(s, 9)).toBeCloseTo(1e-3, 12);
    expect(lrAt(s, 10)).toBeCloseTo(1e-3, 12);
    expect(lrAt(s, 109)).toBeCloseTo(1e-4, 12);
    expect(lrAt(s, 500)).toBeCloseTo(1e-4, 12);
    // Cosine midpoint: p = 0.5 at step 10 + 99/2.
    expect(lrAt(s, 10 + 49.5)).toBeCloseTo(1e-3 * (0.1 + 0.9 * 0.5), 12);
    for (let i = 1; i < 10; i++) expect(lrAt(s, i)).toBeGreaterThan(lrAt(s, i - 1));
    for (let i = 11; i < 110; i++) expect(lrAt(s, i)).toBeLessThan(lrAt(s, i - 1));
    expect(lrAt(lrSchedule(1, 0, 11), 0)).toBe(1);
    expect(lrAt(lrSchedule(1, 0, 11), 10)).toBeCloseTo(0, 12);
  });
  it('device version equals the JS version', async () => {
    for (const step of [0, 3, 9, 10, 37, 109, 200]) {
      const st = tf.scalar(step);
      const lr = lrTensor(s, st);
      expect((await lr.data())[0]).toBeCloseTo(lrAt(s, step), 9);
      tf.dispose([st, lr]);
    }
  });
});

/** Reference AdamW in float64 JS, PyTorch semantics. */
function referenceAdamW(w: number[], grads: number[][], lrs: number[], o: { b1: number; b2: number; eps: number; wd: number }) {
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  const out = w.slice();
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < out.length; i++) {
      out[i] *= 1 - lrs[k] * o.wd;
      m[i] = o.b1 * m[i] + (1 - o.b1) * g[i];
      v[i] = o.b2 * v[i] + (1 - o.b2) * g[i] * g[i];
      out[i] -= (lrs[k] * (m[i] / (1 - o.b1 ** t))) / (Math.sqrt(v[i] / (1 - o.b2 ** t)) + o.eps);
    }
  });
  return out;
}

describe('AdamW', () => {
  for (const layout of ['per-variable', 'flat'] as const)
  it(`matches a hand-computed run on a quadratic (matrix decayed, vector not; ${layout} moments)`, async () => {
    const a = [1, 3, 0.5, 2];
    const sched = lrSchedule(0.1, 2, 5);
    const wMat = tf.variable(tf.tensor2d([[1, -2]]));
    const bVec = tf.variable(tf.tensor1d([0.5, 4]));
    const opt = createAdamW([wMat, bVec], { schedule: sched, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, weightDecay: 0.5, layout });
    const coeff = tf.tensor1d(a);
    // f = 0.5 * sum(a_i w_i^2)  =>  g_i = a_i w_i
    const loss = () => tf.mul(0.5, tf.sum(tf.mul(coeff, tf.square(tf.concat([tf.reshape(wMat, [-1]), bVec]))))) as tf.Scalar;

    const w = [1, -2, 0.5, 4];
    const gradsSeen: number[][] = [];
    const lrs: number[] = [];
    for (let k = 0; k < 3; k++) {
      const cur = [...((await wMat.data()) as Float32Array), ...((await bVec.data()) as Float32Array)];
      gradsSeen.push(cur.map((x, i) => a[i] * x));
      lrs.push(lrAt(sched, k));
      const { loss: l, gradNorm } = opt.minimize(loss);
      const expectedNorm = Math.hypot(...gradsSeen[k]);
      expect((await gradNorm.data())[0]).toBeCloseTo(expectedNorm, 4);
      expect((await opt.lastLr.data())[0]).toBeCloseTo(lrs[k], 7);
      tf.dispose([l, gradNorm]);
      if (k === 0) {
        // By hand: lr = 0.1 * 1/2 (warm-up), m_hat = g, v_hat = g^2, so w <- w (1 - lr wd) - lr sign(g).
        closeArrays((await wMat.data()) as Float32Array, [1 * 0.975 - 0.05, -2 * 0.975 + 0.05], 1e-6);
        closeArrays((await bVec.data()) as Float32Array, [0.45, 3.95], 1e-6);
      }
    }
    // Gradients are evaluated at the current iterate, so the reference replays them.
    const expMat = referenceAdamW(w.slice(0, 2), gradsSeen.map((g) => g.slice(0, 2)), lrs, { b1: 0.9, b2: 0.99, eps: 1e-8, wd: 0.5 });
    const expVec = referenceAdamW(w.slice(2), gradsSeen.map((g) => g.slice(2)), lrs, { b1: 0.9, b2: 0.99, eps: 1e-8, wd: 0 });
    closeArrays((await wMat.data()) as Float32Array, expMat, 1e-6);
    closeArrays((await bVec.data()) as Float32Array, expVec, 1e-6);
    expect(opt.steps).toBe(3);
    opt.dispose();
    tf.dispose([wMat, bVec, coeff]);
  });

  for (const layout of ['per-variable', 'flat'] as const)
  it(`clips the global gradient norm (and only when asked; ${layout} moments)`, async () => {
    // With a huge epsilon the Adam step is ~ lr * m_hat / eps, proportional to the clipped gradient.
    const run = async (gradClip: number) => {
      const p = tf.variable(tf.tensor1d([0, 0]));
      const opt = createAdamW([p], { schedule: lrSchedule(1, 0, 10), epsilon: 1e3, gradClip, layout });
      const g = tf.tensor1d([30, 40]);
      const norm = opt.step([g]);
      const result = { norm: (await norm.data())[0], p: Array.from(await p.data()) };
      tf.dispose([p, g, norm]);
      opt.dispose();
      return result;
    };
    const clipped = await run(1);
    expect(clipped.norm).toBeCloseTo(50, 4);
    // g_clipped = [0.6, 0.8]; update = g / (|g| + 1000).
    closeArrays(clipped.p, [-0.6 / 1000.6, -0.8 / 1000.8], 1e-7);
    const free = await run(0);
    closeArrays(free.p, [-30 / 1030, -40 / 1040], 1e-7);
    const loose = await run(100);
    closeArrays(loose.p, free.p, 1e-9);
  });

  for (const layout of ['per-variable', 'flat'] as const)
  it(`creating and disposing the optimizer leaves no tensors behind (${layout})`, () => {
    const w = tf.variable(tf.ones([3, 2]));
    const before = tf.memory().numTensors;
    const opt = createAdamW([w], { schedule: lrSchedule(1, 0, 10), layout });
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });

  for (const layout of ['per-variable', 'flat'] as const)
  it(`trains a toy model without leaking tensors (${layout} moments)`, async () => {
    const w = tf.variable(tf.randomNormal([8, 4], 0, 1, 'float32', 3));
    const b = tf.variable(tf.zeros([4]));
    const x = tf.randomNormal([32, 8], 0, 1, 'float32', 4);
    const target = tf.randomNormal([32, 4], 0, 1, 'float32', 5);
    const opt = createAdamW([w, b], { schedule: lrSchedule(0.05, 5, 200), weightDecay: 0.01, gradClip: 1, layout });
    const loss = () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), target))) as tf.Scalar;
    let countAt20 = -1;
    let first = 0;
    let last = 0;
    for (let i = 0; i < 200; i++) {
      const { loss: l, gradNorm } = opt.minimize(loss);
      if (i === 0) first = (await l.data())[0];
      if (i === 199) last = (await l.data())[0];
      tf.dispose([l, gradNorm]);
      if (i === 19) countAt20 = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(countAt20);
    expect(last).toBeLessThan(first * 0.8);
    opt.dispose();
    tf.dispose([w, b, x, target]);
  });
});
