// One probe evaluation end to end on small synthetic images: no leaks (also when the
// extractor throws), progress, seeded stratified subsets, and the baseline cache.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupNodeBackend } from '../../src/node/backend';
import { DEFAULT_CONFIG } from '../../src/ldae/config';
import {
  cachedBaseline,
  computeBaselines,
  createBaselineCache,
  latentBaselineKey,
  randomInitBaselineKey,
  rawPixelBaseline,
  rawPixelBaselineKey,
  type BaselineStore,
} from '../../src/ldae/probe/baselines';
import { evaluateProbes, probeSettingsFor, type ProbeMeasurement } from '../../src/ldae/probe/evaluate';
import { pixelFeatures, type FeatureExtractor, type LabelledImages } from '../../src/ldae/probe/features';
import { selectProbeSets, stratifiedSubset } from '../../src/ldae/probe/subset';
import { rng } from '../../src/ldae/random';

beforeAll(async () => {
  await setupNodeBackend('cpu');
});

const PIXELS = 28 * 28;

/** Class k lights up row band k of the image, plus uniform noise. */
function syntheticImages(count: number, seed: number): LabelledImages {
  const random = rng(seed);
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const k = Math.floor(random() * 10);
    labels[i] = k;
    for (let p = 0; p < PIXELS; p++) {
      const row = Math.floor(p / 28);
      images[i * PIXELS + p] = Math.min(255, Math.floor(random() * 120) + (row >= 2 * k + 4 && row < 2 * k + 7 ? 120 : 0));
    }
  }
  return { images, labels, count };
}

const data = { train: syntheticImages(600, 1), test: syntheticImages(200, 2), meta: { height: 28, width: 28, channels: 1 } };
const cfg = { ...DEFAULT_CONFIG, probeTrainSize: 400, probeTestSize: 150 };
const smallProbe = { seed: 1, extract: { batchSize: 64 }, linear: { steps: 100 } };

describe('selectProbeSets', () => {
  it('takes stratified, seeded subsets of the requested sizes', () => {
    const sets = selectProbeSets(data, cfg);
    expect(sets.train.count).toBe(400);
    expect(sets.test.count).toBe(150);
    expect(sets.train.images.length).toBe(400 * PIXELS);
    const share = (s: LabelledImages, k: number) => s.labels.filter((l) => l === k).length / s.count;
    for (let k = 0; k < 10; k++) expect(Math.abs(share(sets.train, k) - share(data.train, k))).toBeLessThan(1 / 400 + 1e-9);
    const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
    expect(same(selectProbeSets(data, cfg).train.images, sets.train.images)).toBe(true);
    expect(same(selectProbeSets(data, { ...cfg, seed: 2 }).train.images, sets.train.images)).toBe(false);
    // Asking for more than there is gives all of it.
    expect(stratifiedSubset(data.test, 10_000, 3, 10).count).toBe(200);
  });
});

describe('evaluateProbes', () => {
  it('learns the synthetic classes, reports monotone progress ending at 1, and leaks no tensors', async () => {
    const sets = selectProbeSets(data, cfg);
    const fractions: number[] = [];
    const before = tf.memory().numTensors;
    const result = await evaluateProbes(pixelFeatures, sets, { ...smallProbe, onProgress: (f) => fractions.push(f) });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.linearTestAcc).toBeGreaterThan(0.9);
    expect(result.linearTrainAcc).toBeGreaterThan(0.9);
    expect(result.knnTestAcc).toBeGreaterThan(0.9);
    expect(result.seconds).toBeGreaterThan(0);
    expect(fractions.length).toBeGreaterThan(5);
    expect(fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1]))).toBe(true);
    expect(fractions.at(-1)).toBe(1);
  });

  it('runs concurrent calls one after another (never two evaluations alive at once)', async () => {
    const sets = selectProbeSets(data, { ...cfg, probeTrainSize: 100, probeTestSize: 50 });
    const log: string[] = [];
    const tagged = (tag: string): FeatureExtractor => (x) => {
      log.push(tag);
      return pixelFeatures(x);
    };
    const settings = { ...smallProbe, linear: { steps: 5 } };
    const [a, b] = await Promise.all([evaluateProbes(tagged('a'), sets, settings), evaluateProbes(tagged('b'), sets, settings)]);
    expect(log.join('')).toMatch(/^a+b+$/);
    expect(a.linearTestAcc).toBe(b.linearTestAcc);
  });

  it('leaks no tensors when the extractor throws half-way', async () => {
    const sets = selectProbeSets(data, cfg);
    let calls = 0;
    const failing: FeatureExtractor = (x) => {
      if (++calls === 3) throw new Error('boom');
      return pixelFeatures(x);
    };
    const before = tf.memory().numTensors;
    await expect(evaluateProbes(failing, sets, smallProbe)).rejects.toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('baselines', () => {
  it('computes each baseline once per key, frees the random-init model, and persists through the store', async () => {
    const sets = selectProbeSets(data, cfg);
    const saved = new Map<string, ProbeMeasurement>();
    const store: BaselineStore = {
      load: async (key) => saved.get(key) ?? null,
      save: async (key, value) => void saved.set(key, value),
    };
    let built = 0;
    let freed = 0;
    const createRandomInit = async () => {
      built++;
      const projection = tf.randomNormal([PIXELS, 32], 0, 1, 'float32', 7) as tf.Tensor2D;
      return {
        extract: ((x) => tf.matMul(pixelFeatures(x), projection).relu()) as FeatureExtractor,
        dispose: () => {
          freed++;
          projection.dispose();
        },
      };
    };
    const before = tf.memory().numTensors;
    const first = await computeBaselines(cfg, sets, smallProbe, createRandomInit, createBaselineCache(store));
    expect(tf.memory().numTensors).toBe(before);
    expect([built, freed]).toEqual([1, 1]);
    expect(first.rawPixel.fromCache).toBe(false);
    expect(first.randomInit.fromCache).toBe(false);
    expect(first.rawPixel.linearTestAcc).toBeGreaterThan(0.9);
    expect(saved.size).toBe(2);

    // A fresh in-memory cache over the same store: nothing is recomputed, numbers identical.
    const cache = createBaselineCache(store);
    const second = await computeBaselines(cfg, sets, smallProbe, createRandomInit, cache);
    expect(built).toBe(1);
    expect(second.randomInit).toEqual({ ...first.randomInit, fromCache: true });
    expect(second.rawPixel.knnTestAcc).toBe(first.rawPixel.knnTestAcc);

    // Training-only knobs share the cached lines; architecture and split knobs do not.
    expect(randomInitBaselineKey({ ...cfg, lr: 0.1, steps: 7 }, smallProbe)).toBe(randomInitBaselineKey(cfg, smallProbe));
    expect(randomInitBaselineKey({ ...cfg, modelSize: 'small' }, smallProbe)).not.toBe(randomInitBaselineKey(cfg, smallProbe));
    expect(randomInitBaselineKey({ ...cfg, latentDim: 16 }, smallProbe)).not.toBe(randomInitBaselineKey(cfg, smallProbe));
    expect(rawPixelBaselineKey({ ...cfg, modelSize: 'small' }, smallProbe)).toBe(rawPixelBaselineKey(cfg, smallProbe));
    expect(rawPixelBaselineKey({ ...cfg, probeTrainSize: 500 }, smallProbe)).not.toBe(rawPixelBaselineKey(cfg, smallProbe));
    expect(rawPixelBaselineKey({ ...cfg, dataset: 'mnist' }, smallProbe)).not.toBe(rawPixelBaselineKey(cfg, smallProbe));
    // The latent line depends on the tokenizer and the probe, not on the network or its training.
    expect(latentBaselineKey({ ...cfg, latentDim: 16 }, smallProbe)).not.toBe(latentBaselineKey(cfg, smallProbe));
    expect(latentBaselineKey({ ...cfg, tokenizer: 'patch-ae' }, smallProbe)).not.toBe(latentBaselineKey(cfg, smallProbe));
    expect(latentBaselineKey({ ...cfg, patchSize: 4 }, smallProbe)).not.toBe(latentBaselineKey(cfg, smallProbe));
    expect(latentBaselineKey({ ...cfg, modelSize: 'small', lr: 0.1, emaDecay: 0.9 }, smallProbe)).toBe(latentBaselineKey(cfg, smallProbe));
    expect(latentBaselineKey(cfg, smallProbe)).not.toBe(rawPixelBaselineKey(cfg, smallProbe));
    // Augmentation and the EMA only steer training: the random-init line is shared.
    expect(randomInitBaselineKey({ ...cfg, augmentShift: 2, augmentFlip: true, emaDecay: 0.99 }, smallProbe)).toBe(randomInitBaselineKey(cfg, smallProbe));
    expect(randomInitBaselineKey({ ...cfg, probeNoise: true }, smallProbe)).not.toBe(randomInitBaselineKey(cfg, smallProbe));
    // The linear probe's settings enter every baseline's key.
    for (const change of [{ probeWeightDecay: 0 }, { probeSteps: 400 }, { probeLr: 0.01 }]) {
      expect(rawPixelBaselineKey({ ...cfg, ...change }, smallProbe)).not.toBe(rawPixelBaselineKey(cfg, smallProbe));
      expect(randomInitBaselineKey({ ...cfg, ...change }, smallProbe)).not.toBe(randomInitBaselineKey(cfg, smallProbe));
      expect(latentBaselineKey({ ...cfg, ...change }, smallProbe)).not.toBe(latentBaselineKey(cfg, smallProbe));
    }
    let computed = 0;
    await cachedBaseline(cache, 'other', async () => {
      computed++;
      return { linearTestAcc: 0.5, linearTrainAcc: 0.5, knnTestAcc: 0.5, seconds: 1 };
    });
    expect(computed).toBe(1);
  });

  it('raw pixels are the line at their best: under the default probe when the run changed the probe and the default does better', async () => {
    const sets = selectProbeSets(data, cfg);
    const cache = createBaselineCache();
    const plain = await rawPixelBaseline(cfg, sets, probeSettingsFor(cfg), cache);
    expect(plain.linearProbe).toBe('run');
    expect(cache.memory.size).toBe(1);

    // Changed probe settings whose pixel line (planted in the cache) is worse than the default's.
    const changed = { ...cfg, probeSteps: 30, probeWeightDecay: 0 };
    const plant = (linearTestAcc: number) =>
      cache.memory.set(rawPixelBaselineKey(changed, probeSettingsFor(changed)), { linearTestAcc, linearTrainAcc: linearTestAcc, knnTestAcc: plain.knnTestAcc, seconds: 1 });
    plant(plain.linearTestAcc - 0.2);
    const worse = await rawPixelBaseline(changed, sets, probeSettingsFor(changed), cache);
    expect(worse.linearProbe).toBe('default');
    expect(worse.linearTestAcc).toBe(plain.linearTestAcc);
    expect(cache.memory.size).toBe(2); // the default-probe line came from the cache, nothing recomputed

    // ... and one that is better: the run's own number stays.
    cache.memory.set(rawPixelBaselineKey(cfg, probeSettingsFor(cfg)), { ...plain, linearTestAcc: 0.9 });
    plant(0.999);
    const better = await rawPixelBaseline(changed, sets, probeSettingsFor(changed), cache);
    expect([better.linearProbe, better.linearTestAcc]).toEqual(['run', 0.999]);

    // Unplanted, measured: the line is the larger of the two measurements.
    const other = { ...cfg, probeSteps: 400 };
    const otherOwn = await evaluateProbes(pixelFeatures, sets, probeSettingsFor(other));
    const otherLine = await rawPixelBaseline(other, sets, probeSettingsFor(other), cache);
    expect(otherLine.linearTestAcc).toBe(Math.max(otherOwn.linearTestAcc, plain.linearTestAcc));
  });
});
