import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { attention, channelMatMul } from '../../src/ldae/model/attention';
import { forwardFlopsPerImage } from '../../src/ldae/model/flops';
import { gelu, linear, modulatedLayerNorm, LN_EPS } from '../../src/ldae/model/layers';
import { vitConfig } from '../../src/ldae/model/sizes';
import type { ViTConfig } from '../../src/ldae/model/types';
import { createViT } from '../../src/ldae/model/vit';
import { setupNodeBackend } from '../../src/node/backend';
import { perturbWeights, seededArray } from './modelHelpers';

const B = 2;
const micro = (tConditioning: boolean): ViTConfig => vitConfig('micro', { tokens: 4, inDim: 3, outDim: 5, tConditioning });

beforeAll(async () => {
  await setupNodeBackend('cpu');
});

function inputs(cfg: ViTConfig, seed: number): { tokens: tf.Tensor3D; t: tf.Tensor1D } {
  return {
    tokens: tf.tensor3d(seededArray(B * cfg.tokens * cfg.inDim, seed), [B, cfg.tokens, cfg.inDim]),
    t: tf.tensor1d([0.13, 0.71]),
  };
}

describe('ViT gradients (cpu, float32)', () => {
  for (const tConditioning of [true, false]) {
    it(`match central finite differences (tConditioning ${tConditioning})`, async () => {
      const cfg = micro(tConditioning);
      const model = createViT(cfg, 3);
      perturbWeights(model, 7, 0.3);
      const { tokens, t } = inputs(cfg, 11);
      const proj = tf.tensor3d(seededArray(B * cfg.tokens * cfg.outDim, 13), [B, cfg.tokens, cfg.outDim]);
      const lossFn = () => tf.sum(tf.mul(model.apply(tokens, t), proj)) as tf.Scalar;
      const { grads } = tf.variableGrads(lossFn, model.variables);

      const eps = 1e-2;
      let checked = 0;
      for (const [vi, v] of model.variables.entries()) {
        const g = (await grads[v.name].data()) as Float32Array;
        const base = (await v.data()) as Float32Array;
        // Two entries per variable: the one with the largest gradient and a seeded other one.
        let iMax = 0;
        for (let i = 1; i < g.length; i++) if (Math.abs(g[i]) > Math.abs(g[iMax])) iMax = i;
        const iOther = Math.floor(seededArray(1, 97 + vi)[0] * 0.5 * g.length + 0.5 * g.length) % g.length;
        for (const i of [iMax, iOther]) {
          const at = async (delta: number) => {
            const w = base.slice();
            w[i] += delta;
            tf.tidy(() => v.assign(tf.tensor(w, v.shape)));
            const l = tf.tidy(lossFn);
            const value = (await l.data())[0];
            l.dispose();
            return value;
          };
          const fd = ((await at(eps)) - (await at(-eps))) / (2 * eps);
          tf.tidy(() => v.assign(tf.tensor(base, v.shape)));
          const err = Math.abs(fd - g[i]) / (Math.abs(fd) + Math.abs(g[i]) + 1e-2);
          expect(err, `${v.name}[${i}]: analytic ${g[i]} vs finite difference ${fd}`).toBeLessThan(1e-2);
          checked++;
        }
      }
      expect(checked).toBe(2 * model.variables.length);
      tf.dispose([tokens, t, proj, grads]);
      model.dispose();
    });
  }
});

describe('hand-written gradients equal autodiff of the plain formulas', () => {
  const x = () => tf.tensor3d(seededArray(2 * 3 * 8, 5, 2), [2, 3, 8]);
  it('modulated LayerNorm (per-sample and broadcast modulation)', async () => {
    for (const modBatch of [2, 1]) {
      const shift = tf.tensor3d(seededArray(modBatch * 8, 6), [modBatch, 1, 8]);
      const scale = tf.tensor3d(seededArray(modBatch * 8, 7), [modBatch, 1, 8]);
      const dy = tf.tensor3d(seededArray(2 * 3 * 8, 8), [2, 3, 8]);
      const xs = x();
      const plain = (a: tf.Tensor, s: tf.Tensor, c: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, -1, true);
        return tf.add(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, LN_EPS))), tf.add(c, 1)), s);
      };
      const ours = tf.grads((a, s, c) => tf.sum(tf.mul(modulatedLayerNorm(a, s, c), dy)))([xs, shift, scale]);
      const ref = tf.grads((a, s, c) => tf.sum(tf.mul(plain(a, s, c), dy)))([xs, shift, scale]);
      for (let i = 0; i < 3; i++) {
        expect(ours[i].shape).toEqual(ref[i].shape);
        const diff = (await tf.max(tf.abs(tf.sub(ours[i], ref[i]))).data())[0];
        expect(diff, `input ${i}, modulation batch ${modBatch}`).toBeLessThan(1e-5);
      }
      const vo = (await modulatedLayerNorm(xs, shift, scale).data()) as Float32Array;
      const vr = (await plain(xs, shift, scale).data()) as Float32Array;
      vo.forEach((v, i) => expect(v).toBeCloseTo(vr[i], 5));
    }
  });
  it('GELU (tanh form, as DiT) and its derivative', async () => {
    const xs = x();
    const plain = (a: tf.Tensor) =>
      tf.mul(tf.mul(a, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(a, tf.mul(0.044715, tf.pow(a, 3)))))));
    const [go] = tf.grads((a) => tf.sum(tf.mul(gelu(a), a)))([xs]);
    const [gr] = tf.grads((a) => tf.sum(tf.mul(plain(a), a)))([xs]);
    expect((await tf.max(tf.abs(tf.sub(go, gr))).data())[0]).toBeLessThan(1e-5);
    expect((await tf.max(tf.abs(tf.sub(gelu(xs), plain(xs)))).data())[0]).toBeLessThan(1e-6);
    // Within 1e-3 of exact GELU: GELU(1) = 0.841345, GELU(-1) = -0.158655.
    const v = await gelu(tf.tensor1d([1, -1])).data();
    expect(v[0]).toBeCloseTo(0.841345, 3);
    expect(v[1]).toBeCloseTo(-0.158655, 3);
  });
});

describe('adaLN-Zero at initialisation', () => {
  for (const tConditioning of [true, false]) {
    it(`makes every block the identity and the output 0 (tConditioning ${tConditioning})`, async () => {
      const cfg = vitConfig('micro', { tokens: 16, inDim: 7, outDim: 9, tConditioning });
      const model = createViT(cfg, 5);
      const { tokens, t } = inputs({ ...cfg, tokens: 16, inDim: 7 }, 3);
      const res = model.residuals(tokens, t);
      expect(res).toHaveLength(cfg.depth + 1);
      const embedded = (await res[0].data()) as Float32Array;
      expect(embedded.some((v) => v !== 0)).toBe(true);
      for (let i = 1; i <= cfg.depth; i++) {
        expect(Array.from(await res[i].data()), `block ${i}`).toEqual(Array.from(embedded));
      }
      expect(Array.from(await model.features(tokens, t).data())).toEqual(Array.from(embedded));
      const out = await model.apply(tokens, t).data();
      expect(out.length).toBe(B * 16 * 9);
      expect(out.every((v) => v === 0)).toBe(true);
      // Perturbing the weights breaks both properties (so the checks above can fail).
      perturbWeights(model, 2, 0.1);
      const after = (await model.residuals(tokens, t)[1].data()) as Float32Array;
      expect(after.some((v, i) => v !== embedded[i])).toBe(true);
      model.dispose();
    });
  }
});

describe('ViT bookkeeping', () => {
  it('is deterministic per seed and differs across seeds', async () => {
    const cfg = micro(true);
    const [a, b, c] = [createViT(cfg, 1), createViT(cfg, 1), createViT(cfg, 2)];
    const wa = await a.variables[0].data();
    expect(Array.from(await b.variables[0].data())).toEqual(Array.from(wa));
    expect(Array.from(await c.variables[0].data())).not.toEqual(Array.from(wa));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('counts parameters and FLOPs analytically', () => {
    const cfg = vitConfig('tiny', { tokens: 16, inDim: 49, outDim: 49, tConditioning: true });
    const model = createViT(cfg, 1);
    const W = 96;
    const C = 24;
    const perBlock = W * 3 * W + 3 * W + W * W + W + 2 * W * 4 * W + 4 * W + W;
    const expected = 49 * W + W + (256 * C + C + C * C + C) + (C + 1) * 26 * W + 4 * perBlock + W * 49 + 49;
    expect(model.paramCount()).toBe(expected);
    const perBlockFlops = 2 * 16 * (3 * W * W + W * W + 8 * W * W) + 4 * 16 * 16 * W;
    const flops = 2 * 16 * 49 * W * 2 + 2 * (256 * C + C * C + C * 26 * W) + 4 * perBlockFlops;
    expect(model.forwardFlopsPerImage()).toBe(flops);
    expect(forwardFlopsPerImage(cfg)).toBe(flops);
    model.dispose();
  });

  it('creating and disposing a model leaves no tensors behind', () => {
    for (const tConditioning of [true, false]) {
      const before = tf.memory().numTensors;
      const model = createViT(vitConfig('micro', { tokens: 4, inDim: 3, outDim: 5, tConditioning }, 'learned'), 1);
      expect(tf.memory().numTensors).toBeGreaterThanOrEqual(before + model.variables.length);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('frees every intermediate tensor', () => {
    const cfg = micro(true);
    const model = createViT(cfg, 1);
    const { tokens, t } = inputs(cfg, 1);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const { value, grads } = tf.variableGrads(() => tf.sum(model.apply(tokens, t)) as tf.Scalar, model.variables);
      tf.dispose([value, grads]);
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    tf.dispose([tokens, t]);
  });
});

describe('wasm fast paths', () => {
  it('channelMatMul is a per-channel matmul', async () => {
    const [m, k, c, n] = [3, 4, 5, 2];
    const a = tf.tensor3d(seededArray(m * k * c, 1), [m, k, c]);
    const b = tf.tensor3d(seededArray(k * c * n, 2), [k, c, n]);
    const out = (await channelMatMul(a, b).data()) as Float32Array;
    const av = (await a.data()) as Float32Array;
    const bv = (await b.data()) as Float32Array;
    for (let mi = 0; mi < m; mi++)
      for (let ci = 0; ci < c; ci++)
        for (let ni = 0; ni < n; ni++) {
          let acc = 0;
          for (let ki = 0; ki < k; ki++) acc += av[(mi * k + ki) * c + ci] * bv[(ki * c + ci) * n + ni];
          expect(out[(mi * c + ci) * n + ni]).toBeCloseTo(acc, 5);
        }
  });

  it('attention on wasm (depthwise-conv matmuls, hand-written gradient) equals batched matMul attention on cpu', async () => {
    const shape = { batch: 3, tokens: 5, heads: 2, headDim: 4 };
    const rows = 15;
    const run = async () => {
      const [q, k, v, dy] = [1, 2, 3, 4].map((sd) => tf.tensor2d(seededArray(rows * 8, sd, 2), [rows, 8]));
      const value = (await attention(q, k, v, shape).data()) as Float32Array;
      const grads = tf.grads((a, b, c) => tf.sum(tf.mul(attention(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor2D, shape), dy)))([q, k, v]);
      const g = await Promise.all(grads.map(async (t) => (await t.data()) as Float32Array));
      tf.dispose([q, k, v, dy, grads]);
      return { value, g };
    };
    const ref = await run();
    await setupNodeBackend('wasm');
    try {
      const got = await run();
      got.value.forEach((x, i) => expect(Math.abs(x - ref.value[i])).toBeLessThan(1e-5));
      got.g.forEach((g, gi) => g.forEach((x, i) => expect(Math.abs(x - ref.g[gi][i]), `grad ${gi}[${i}]`).toBeLessThan(1e-4)));
      expect(ref.g.every((g) => g.some((x) => Math.abs(x) > 1e-3))).toBe(true);
    } finally {
      await setupNodeBackend('cpu');
    }
  });

  it('linear gradients (explicit transposes, ones-row bias grad) equal plain matMul autodiff', async () => {
    await setupNodeBackend('wasm');
    try {
      for (const [m, k, n] of [
        [128, 12, 40],
        [128, 40, 12],
        [7, 5, 3],
      ]) {
        const xs = tf.tensor2d(seededArray(m * k, 1), [m, k]);
        const w = tf.tensor2d(seededArray(k * n, 2), [k, n]);
        const b = tf.tensor1d(seededArray(n, 3));
        const dy = tf.tensor2d(seededArray(m * n, 4), [m, n]);
        const ours = tf.grads((a, c, d) => tf.sum(tf.mul(linear(a as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D), dy)))([xs, w, b]);
        const ref = tf.grads((a, c, d) => tf.sum(tf.mul(tf.add(tf.matMul(a, c), d), dy)))([xs, w, b]);
        for (let i = 0; i < 3; i++) {
          expect(ours[i].shape).toEqual(ref[i].shape);
          const diff = (await tf.max(tf.abs(tf.sub(ours[i], ref[i]))).data())[0];
          expect(diff, `[${m},${k},${n}] input ${i}`).toBeLessThan(1e-4);
        }
        tf.dispose([xs, w, b, dy, ours, ref]);
      }
    } finally {
      await setupNodeBackend('cpu');
    }
  });

  it('a micro ViT gives the same output and gradients on wasm as on cpu', async () => {
    const cfg = vitConfig('micro', { tokens: 16, inDim: 7, outDim: 9, tConditioning: true });
    const run = async () => {
      const model = createViT(cfg, 8);
      perturbWeights(model, 3, 0.2);
      const tokens = tf.tensor3d(seededArray(4 * 16 * 7, 5), [4, 16, 7]);
      const t = tf.tensor1d([0.1, 0.4, 0.6, 0.9]);
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.apply(tokens, t))) as tf.Scalar, model.variables);
      const out = { loss: (await value.data())[0], grads: await Promise.all(model.variables.map(async (v) => Array.from(await grads[v.name].data()))) };
      tf.dispose([tokens, t, value, grads]);
      model.dispose();
      return out;
    };
    const cpu = await run();
    await setupNodeBackend('wasm');
    try {
      const wasm = await run();
      expect(Math.abs(wasm.loss - cpu.loss) / cpu.loss).toBeLessThan(1e-4);
      cpu.grads.forEach((g, i) => {
        const scale = Math.max(1e-4, ...g.map(Math.abs));
        const diff = Math.max(...g.map((v, j) => Math.abs(v - wasm.grads[i][j])));
        expect(diff / scale, `gradient ${i}`).toBeLessThan(1e-3);
      });
    } finally {
      await setupNodeBackend('cpu');
    }
  });
});
