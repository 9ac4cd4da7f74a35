// The same micro ViT (non-zero adaLN and head) on cpu and on WebGPU (dawn.node over SwiftShader
// in Node): forward outputs, gradients and one AdamW step must agree.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { vitConfig } from '../../src/ldae/model/sizes';
import { createViT } from '../../src/ldae/model/vit';
import { createAdamW } from '../../src/ldae/optim/adamw';
import { lrSchedule } from '../../src/ldae/optim/schedule';
import { setupNodeBackend } from '../../src/node/backend';
import { perturbWeights, readWeights, seededArray, writeWeights } from './modelHelpers';

const cfg = vitConfig('micro', { tokens: 16, inDim: 7, outDim: 9, tConditioning: true });
const B = 3;

interface Run {
  out: Float32Array;
  features: Float32Array;
  grads: Float32Array[];
  afterStep: Float32Array[];
}

/** `stepGrads`: gradients for the AdamW step (the other backend's, so that Adam's sign-like first
 *  step on near-zero gradients compares like with like); default: this backend's own. */
async function runOn(weights: Float32Array[] | null, stepGrads?: Float32Array[]): Promise<{ run: Run; weights: Float32Array[] }> {
  const model = createViT(cfg, 4);
  if (weights) writeWeights(model, weights);
  else perturbWeights(model, 9, 0.2);
  const initial = await readWeights(model);
  const tokens = tf.tensor3d(seededArray(B * 16 * 7, 1), [B, 16, 7]);
  const t = tf.tensor1d([0.05, 0.5, 0.95]);
  const target = tf.tensor3d(seededArray(B * 16 * 9, 2), [B, 16, 9]);
  const out = tf.tidy(() => model.apply(tokens, t));
  const feats = tf.tidy(() => model.features(tokens, t));
  const lossFn = () => tf.mean(tf.square(tf.sub(model.apply(tokens, t), target))) as tf.Scalar;
  const { value, grads } = tf.variableGrads(lossFn, model.variables);
  const gradArrays = await Promise.all(model.variables.map(async (v) => (await grads[v.name].data()) as Float32Array));
  const opt = createAdamW(model.variables, { schedule: lrSchedule(1e-2, 0, 10), gradClip: 1 });
  const given = stepGrads?.map((g, i) => tf.tensor(g, model.variables[i].shape));
  const norm = opt.step(given ?? grads);
  if (given) tf.dispose(given);
  const run: Run = {
    out: (await out.data()) as Float32Array,
    features: (await feats.data()) as Float32Array,
    grads: gradArrays,
    afterStep: await readWeights(model),
  };
  tf.dispose([tokens, t, target, out, feats, value, grads, norm]);
  opt.dispose();
  model.dispose();
  return { run, weights: initial };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('cpu vs WebGPU (dawn.node)', () => {
  it('forward, gradients and an AdamW step agree', async () => {
    await setupNodeBackend('cpu');
    const { run: cpu, weights } = await runOn(null);
    expect(await setupNodeBackend('webgpu')).toBe('webgpu');
    expect(tf.env().getBool('WEBGPU_CPU_FORWARD')).toBe(false);
    const { run: gpu } = await runOn(weights, cpu.grads);
    expect(tf.getBackend()).toBe('webgpu');

    expect(cpu.out.some((v) => Math.abs(v) > 1e-2)).toBe(true);
    expect(maxAbsDiff(cpu.out, gpu.out)).toBeLessThan(1e-3);
    expect(maxAbsDiff(cpu.features, gpu.features)).toBeLessThan(1e-3);
    cpu.grads.forEach((g, i) => {
      const scale = Math.max(1e-3, ...Array.from(g, Math.abs));
      expect(maxAbsDiff(g, gpu.grads[i]) / scale, `gradient ${i}`).toBeLessThan(1e-3);
    });
    cpu.afterStep.forEach((w, i) => expect(maxAbsDiff(w, gpu.afterStep[i]), `weights ${i} after a step`).toBeLessThan(1e-5));
  });
});
