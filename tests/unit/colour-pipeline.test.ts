// The core on colour: PCA / pixel / conv VAE on 32x32x3, the model's token count and features,
// and the raw-pixel baseline on all H*W*C numbers. Fixture: the synthetic colour dataset (not real data).
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticColourDataset } from '../../src/data/syntheticColour';
import { buildModel } from '../../src/ldae/build';
import { DEFAULT_CONFIG, configProblems, type ExperimentConfig } from '../../src/ldae/config';
import { splitImages } from '../../src/ldae/deviceData';
import { explainedVarianceCurve } from '../../src/ldae/patchPca';
import { patchify } from '../../src/ldae/patches';
import { createBaselineCache, rawPixelBaseline } from '../../src/ldae/probe/baselines';
import { extractFeatures, pixelFeatures } from '../../src/ldae/probe/features';
import { selectProbeSets } from '../../src/ldae/probe/subset';
import { takeSnapshot } from '../../src/ldae/snapshot';
import { summarizeTokenizer } from '../../src/ldae/tokenizerSummary';
import { fitTokenizer, restoreTokenizer } from '../../src/ldae/tokenizers';
import { fitConvVae } from '../../src/ldae/tokenizers/convVAE';
import { fitDataPca } from '../../src/ldae/tokenizers/pca';
import { setupNodeBackend } from '../../src/node/backend';

const data = syntheticColourDataset(300, 120);
let train: tf.Tensor4D;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  train = splitImages(data.train, data.meta);
});

afterAll(() => train.dispose());

const cfg = (patch: Partial<ExperimentConfig>): ExperimentConfig => ({ ...DEFAULT_CONFIG, tokenizerSamples: 4000, modelSize: 'micro', ...patch });
const maxAbs = async (t: tf.Tensor) => {
  const m = t.abs().max();
  const v = (await m.data())[0];
  tf.dispose([t, m]);
  return v;
};

describe('colour patches through the tokenizers', () => {
  it('uploads the split as [N, 32, 32, 3]', () => {
    expect(train.shape).toEqual([300, 32, 32, 3]);
    expect(() => splitImages(data.train, { height: 32, width: 32, channels: 4 })).toThrow(/need/);
  });

  it('PCA on 4x4x3 patches: D = 48, orthonormal basis, descending eigenvalues, monotone explained variance', async () => {
    const pca = await fitDataPca(cfg({ patchSize: 4 }), train);
    const D = 48;
    expect(pca.patchDim).toBe(D);
    expect(pca.basis.length).toBe(D * D);
    const V = tf.tensor2d(pca.basis, [D, D]);
    expect(await maxAbs(tf.matMul(V, V, false, true).sub(tf.eye(D)))).toBeLessThan(1e-4);
    V.dispose();
    for (let i = 1; i < D; i++) expect(pca.eigenvalues[i]).toBeLessThanOrEqual(pca.eigenvalues[i - 1]);
    const curve = explainedVarianceCurve(pca.eigenvalues);
    expect(curve).toHaveLength(D);
    for (let i = 1; i < D; i++) expect(curve[i]).toBeGreaterThanOrEqual(curve[i - 1]);
    expect(curve[D - 1]).toBeCloseTo(1, 6);
    // Colour patches of smooth fields are compressible: a few components carry most of the variance.
    expect(curve[7]).toBeGreaterThan(0.8);
  });

  it('the PCA tokenizer round-trips colour images at d = D and its basis images are [d, P, P, 3] in [0, 1]', async () => {
    const tok = await fitTokenizer(cfg({ patchSize: 4, latentDim: 48 }), train);
    const x = train.slice(0, 8);
    const z = tok.encode(x);
    expect(z.shape).toEqual([8, 64, 48]);
    expect(await maxAbs(tok.decode(z, 32).sub(x))).toBeLessThan(1e-4);
    const basis = tok.basisImages();
    expect(basis.shape).toEqual([48, 4, 4, 3]);
    expect(await maxAbs(basis.sub(0.5))).toBeLessThanOrEqual(0.5 + 1e-6);
    tf.dispose([x, z, basis]);
    tok.dispose();
  });

  it('the pixel tokenizer is the identity on colour patches (latentScaling none)', async () => {
    const tok = await fitTokenizer(cfg({ tokenizer: 'pixel', patchSize: 8, latentScaling: 'none' }), train);
    expect([tok.patchDim, tok.latentDim]).toEqual([192, 192]);
    const x = train.slice(0, 4);
    const z = tok.encode(x);
    expect(await maxAbs(z.sub(patchify(x, 8)))).toBe(0);
    expect(await maxAbs(tok.decode(z, 32).sub(x))).toBe(0);
    tf.dispose([x, z]);
    tok.dispose();
  });

  it('conv VAE with 3 input / output channels: shapes, one fit step, restore', async () => {
    const untrained = await fitConvVae(train.slice(0, 32), { patchSize: 8, latentDim: 8, steps: 0, seed: 1, beta: 1e-3, latentScaling: 'unit-rms' });
    const x = train.slice(0, 2);
    const z = untrained.encode(x);
    expect(z.shape).toEqual([2, 16, 8]);
    const y = untrained.decode(z, 32);
    expect(y.shape).toEqual([2, 32, 32, 3]);
    expect(untrained.patchDim).toBe(192);
    expect(untrained.basisImages().shape).toEqual([8, 8, 8, 3]);
    untrained.dispose();

    const progress: (number | null)[] = [];
    const vae = await fitConvVae(train, {
      patchSize: 4,
      latentDim: 8,
      steps: 1,
      seed: 1,
      beta: 1e-3,
      latentScaling: 'unit-rms',
      readbackEvery: 1,
      onProgress: (p) => progress.push(p.reconMse),
    });
    expect(progress).toHaveLength(1);
    expect(Number.isFinite(progress[0])).toBe(true);
    expect(vae.encode(x).shape).toEqual([2, 64, 8]);
    const restored = restoreTokenizer(vae.serialize());
    const diff = await maxAbs(tf.tidy(() => restored.decode(restored.encode(x), 32).sub(vae.decode(vae.encode(x), 32))));
    expect(diff).toBe(0);
    tf.dispose([x, z, y]);
    vae.dispose();
    restored.dispose();
  });
});

describe('the l-DAE model and the probes on colour', () => {
  it('has (H/P)(W/P) tokens, D = P*P*3 in and out, features, a snapshot and a tokenizer summary in colour', async () => {
    const c = cfg({ patchSize: 4, latentDim: 12 });
    expect(configProblems(c, data.meta)).toEqual([]);
    const model = await buildModel(c, await fitTokenizer(c, train), train);
    expect(model.tokens).toBe(64);
    expect(model.imageShape).toEqual({ height: 32, width: 32, channels: 3 });
    expect([model.vit.config.inDim, model.vit.config.outDim]).toEqual([48, 48]);
    const f = tf.tidy(() => model.features(train.slice(0, 5), 0.01));
    expect(f.shape).toEqual([5, model.vit.config.width]);
    f.dispose();
    const snap = await takeSnapshot(model, train, [0.5], 1, 0, 3);
    expect(snap.rows[0].prediction).toMatchObject({ count: 3, height: 32, width: 32, channels: 3 });
    expect(snap.rows[0].patchError).toMatchObject({ gridH: 8, gridW: 8 });
    const summary = await summarizeTokenizer(model.tokenizer, train.slice(0, 10), 0, false);
    expect(summary).toMatchObject({ patchSize: 4, patchDim: 48, latentDim: 12 });
    expect(summary.basis).toMatchObject({ count: 12, height: 4, width: 4, channels: 3 });
    expect(summary.reconstructions).toMatchObject({ height: 32, width: 32, channels: 3 });
    model.dispose();
  });

  it('the raw-pixel baseline uses all 32*32*3 = 3072 numbers per image', async () => {
    const sets = selectProbeSets(data, { probeTrainSize: 200, probeTestSize: 100, seed: 1 }, 10);
    expect(sets.shape).toEqual({ height: 32, width: 32, channels: 3 });
    const features = await extractFeatures(pixelFeatures, sets.test, sets.shape, { batchSize: 64 });
    expect(features.shape).toEqual([100, 3072]);
    features.dispose();
    const before = tf.memory().numTensors;
    const baseline = await rawPixelBaseline(cfg({}), sets, { seed: 1, linear: { steps: 50 } }, createBaselineCache());
    expect(baseline.linearTestAcc).toBeGreaterThan(0);
    expect(baseline.linearTestAcc).toBeLessThanOrEqual(1);
    expect(tf.memory().numTensors).toBe(before);
  });
});
