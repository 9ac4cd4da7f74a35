import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetNode } from '../../src/data/loadNode';
import type { LoadedDataset } from '../../src/types/data';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import { applyPreset } from '../../src/ldae/presets';
import { Trainer } from '../../src/ldae/trainer';
import { makeTrainer } from './trainerHelpers';
import { setupNodeBackend } from '../../src/node/backend';

let data: LoadedDataset;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  data = await loadDatasetNode('fashion-mnist');
});

/** Runs `steps` steps, reading metrics every `every`; returns the window losses. */
async function run(trainer: Trainer, steps: number, every: number): Promise<number[]> {
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    trainer.trainStep();
    if (trainer.pendingSteps === every) losses.push((await trainer.readMetrics())!.loss);
  }
  return losses;
}

const micro: Partial<ExperimentConfig> = { modelSize: 'micro', tokenizerSamples: 4000, metricsEvery: 10 };

describe('training', () => {
  it('a micro model overfits 8 images: loss falls >= 10x in 300 steps (wasm)', async () => {
    const cfg = { ...applyPreset(DEFAULT_CONFIG, 'ldae'), ...micro, batchSize: 8, lr: 3e-3, warmupSteps: 20, steps: 300, singleLevel: true, singleLevelT: 0.2 };
    const { trainer, dispose } = await makeTrainer(data, cfg, 8);
    const losses = await run(trainer, 300, 10);
    dispose();
    expect(losses[0] / losses.at(-1)!).toBeGreaterThanOrEqual(10);
  });

  it('the ldae preset loss falls on Fashion-MNIST in 100 steps', async () => {
    const cfg = { ...applyPreset(DEFAULT_CONFIG, 'ldae'), ...micro, batchSize: 64, steps: 100, warmupSteps: 10 };
    const { trainer, dispose } = await makeTrainer(data, cfg, 6400);
    const losses = await run(trainer, 100, 10);
    dispose();
    expect(losses.at(-1)!).toBeLessThan(0.35 * losses[0]);
  });

  it('leaks no tensors: count after step 200 equals count after step 20', async () => {
    const cfg = { ...applyPreset(DEFAULT_CONFIG, 'ldae'), ...micro, batchSize: 4, steps: 200 };
    const { trainer, dispose } = await makeTrainer(data, cfg, 64);
    await run(trainer, 20, 10);
    const after20 = tf.memory().numTensors;
    await run(trainer, 180, 10);
    expect(trainer.step).toBe(200);
    expect(tf.memory().numTensors).toBe(after20);
    dispose();
  });

  it('is reproducible: same seed, same losses', async () => {
    const cfg = { ...applyPreset(DEFAULT_CONFIG, 'ldae'), ...micro, batchSize: 8, steps: 20 };
    const a = await makeTrainer(data, cfg, 256);
    const la = await run(a.trainer, 20, 10);
    a.dispose();
    const b = await makeTrainer(data, cfg, 256);
    const lb = await run(b.trainer, 20, 10);
    b.dispose();
    expect(lb).toEqual(la);
    const c = await makeTrainer(data, { ...cfg, seed: 2 }, 256);
    const lc = await run(c.trainer, 20, 10);
    c.dispose();
    expect(lc).not.toEqual(la);
  });

  it('augmentation changes the batches (other losses), and repeats with the same seed', async () => {
    const cfg = { ...applyPreset(DEFAULT_CONFIG, 'ldae'), ...micro, batchSize: 8, steps: 10 };
    const lossesOf = async (c: ExperimentConfig) => {
      const t = await makeTrainer(data, c, 64);
      const l = await run(t.trainer, 10, 5);
      t.dispose();
      return l;
    };
    const plain = await lossesOf(cfg);
    const shifted = await lossesOf({ ...cfg, augmentShift: 3, augmentFlip: true });
    expect(shifted).not.toEqual(plain);
    expect(await lossesOf({ ...cfg, augmentShift: 3, augmentFlip: true })).toEqual(shifted);
  });
});
