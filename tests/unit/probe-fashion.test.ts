// The raw-pixel sanity floor on real data (wasm backend): Fashion-MNIST, 10,000 probe-train
// images from the train split, 2,000 probe-test images from the held-out test split.
// Published linear classifiers on raw Fashion-MNIST pixels reach about 0.84.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupNodeBackend } from '../../src/node/backend';
import { loadDatasetNode } from '../../src/data/loadNode';
import { DEFAULT_CONFIG } from '../../src/ldae/config';
import { createBaselineCache, rawPixelBaseline } from '../../src/ldae/probe/baselines';
import { selectProbeSets, type ProbeSets } from '../../src/ldae/probe/subset';

let sets: ProbeSets;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  const data = await loadDatasetNode('fashion-mnist');
  sets = selectProbeSets(data, { probeTrainSize: 10_000, probeTestSize: 2_000, seed: DEFAULT_CONFIG.seed }, data.meta.classNames.length);
});

describe('raw-pixel baseline on Fashion-MNIST', () => {
  it('linear probe >= 0.82 and kNN >= 0.78 test accuracy, without leaking tensors', async () => {
    const cfg = { ...DEFAULT_CONFIG, dataset: 'fashion-mnist' as const, probeTrainSize: 10_000, probeTestSize: 2_000 };
    expect(sets.train.count).toBe(10_000);
    expect(sets.test.count).toBe(2_000);
    const before = tf.memory().numTensors;
    const result = await rawPixelBaseline(cfg, sets, { seed: cfg.seed }, createBaselineCache());
    expect(tf.memory().numTensors).toBe(before);
    console.log(`raw-pixel baseline (${tf.getBackend()}): ${JSON.stringify(result)}`);
    expect(result.fromCache).toBe(false);
    expect(result.linearTestAcc).toBeGreaterThanOrEqual(0.82);
    expect(result.knnTestAcc).toBeGreaterThanOrEqual(0.78);
    // A linear model on 784 pixels cannot fit 10,000 images perfectly; 1.0 would mean leakage or a bug.
    expect(result.linearTrainAcc).toBeLessThan(0.98);
  });
});
