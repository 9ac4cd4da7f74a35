// EMA of the weights: the recursion exactly, off means nothing extra, no leaks over training steps.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetNode } from '../../src/data/loadNode';
import type { LoadedDataset } from '../../src/types/data';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import { createWeightsEma } from '../../src/ldae/ema';
import { makeTrainer } from './trainerHelpers';
import { setupNodeBackend } from '../../src/node/backend';

let data: LoadedDataset;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  data = await loadDatasetNode('fashion-mnist');
});

const micro: ExperimentConfig = { ...DEFAULT_CONFIG, modelSize: 'micro', tokenizerSamples: 1000, batchSize: 8, steps: 100, warmupSteps: 2 };

describe('weights EMA', () => {
  it('follows ema <- a ema + (1 - a) w: hand-computed values for one variable', async () => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const ema = createWeightsEma([w], 0.5);
    w.assign(tf.tensor1d([3, 2]));
    ema.update(); // (1 + 3) / 2, (-2 + 2) / 2
    expect(Array.from(await ema.values[0].data())).toEqual([2, 0]);
    w.assign(tf.tensor1d([5, 4]));
    ema.update(); // (2 + 5) / 2, (0 + 4) / 2
    expect(Array.from(await ema.values[0].data())).toEqual([3.5, 2]);
    expect(Array.from(await w.data())).toEqual([5, 4]);
    ema.dispose();
    w.dispose();
    expect(() => createWeightsEma([], 1)).toThrow('EMA decay must be in (0, 1)');
  });

  it('in the Trainer: after n steps with decay a it equals the recursion over the live weights; no leak over steps', async () => {
    const a = 0.9;
    const { trainer, model, dispose } = await makeTrainer(data, { ...micro, emaDecay: a }, 64);
    const probe = model.vit.variables.findIndex((v) => v.shape.length === 2 && v.size >= 64); // a weight matrix
    let expected = Array.from((await model.vit.variables[probe].data()) as Float32Array);
    for (let s = 0; s < 12; s++) {
      trainer.trainStep();
      const w = (await model.vit.variables[probe].data()) as Float32Array;
      expected = expected.map((e, i) => a * e + (1 - a) * w[i]);
    }
    await trainer.readMetrics();
    const got = (await trainer.ema!.values[probe].data()) as Float32Array;
    const live = (await model.vit.variables[probe].data()) as Float32Array;
    expect(Math.max(...expected.map((e, i) => Math.abs(e - got[i])))).toBeLessThan(1e-6);
    expect(Math.max(...expected.map((e, i) => Math.abs(e - live[i])))).toBeGreaterThan(1e-4); // the EMA lags the weights
    const after = tf.memory().numTensors;
    for (let s = 0; s < 30; s++) trainer.trainStep();
    await trainer.readMetrics();
    expect(tf.memory().numTensors).toBe(after);
    dispose();
  });

  it('decay 0 is off: no EMA and no extra tensors', async () => {
    const off = await makeTrainer(data, micro, 64);
    expect(off.trainer.ema).toBeNull();
    const countOff = tf.memory().numTensors;
    off.dispose();
    const on = await makeTrainer(data, { ...micro, emaDecay: 0.99 }, 64);
    const countOn = tf.memory().numTensors;
    expect(countOn - countOff).toBe(on.model.vit.variables.length + 2); // one copy per variable + the two scalars
    on.dispose();
  });
});
