// Batch-parallel training: a batch cut into slices, one per replica, gives the single replica's
// step up to float rounding (the shards here are replicas in the same engine, the numbers a worker
// shard computes); the same shard count gives the same run twice; bad slices are refused.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetNode } from '../../src/data/loadNode';
import type { LoadedDataset } from '../../src/types/data';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import { ALL_PRESET_IDS, applyPreset } from '../../src/ldae/presets';
import { TOKENIZERS } from '../../src/ldae/config';
import { createReplica, replicaSpec } from '../../src/ldae/parallel/replica';
import { inProcessShards, sliceSizes, startShards } from '../../src/ldae/parallel/shards';
import { makeTrainer } from './trainerHelpers';
import { setupNodeBackend } from '../../src/node/backend';

let data: LoadedDataset;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  data = await loadDatasetNode('fashion-mnist');
});

const base = (): ExperimentConfig => ({
  ...applyPreset(DEFAULT_CONFIG, 'ldae'),
  modelSize: 'micro',
  tokenizerSamples: 4000,
  batchSize: 15,
  steps: 12,
  warmupSteps: 2,
  metricsEvery: 1,
  emaDecay: 0.9,
  augmentShift: 2,
});

/** Per-step losses and the final weights of a run with `shards` shards (0: one replica). */
async function run(cfg: ExperimentConfig, shards: number, images = 256) {
  const { trainer, model, dispose } = await makeTrainer(data, cfg, images);
  await trainer.useShards(inProcessShards, shards);
  const replicas = trainer.replicas;
  const losses: number[] = [];
  const gradNorms: number[] = [];
  for (let i = 0; i < cfg.steps; i++) {
    await trainer.advance();
    const m = (await trainer.readMetrics())!;
    losses.push(m.loss);
    gradNorms.push(m.gradNorm);
  }
  const weights = await Promise.all(model.vit.variables.map((v) => v.data()));
  const ema = await Promise.all((trainer.ema?.values ?? []).map((v) => v.data()));
  dispose();
  return { losses, gradNorms, weights, ema, replicas };
}

function maxRelDiff(a: number[], b: number[]): number {
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]) / Math.max(1e-12, Math.abs(b[i]))));
}

describe('batch-parallel training (wasm)', () => {
  it('sliceSizes: as equal as possible, larger first, never an empty slice', () => {
    expect(sliceSizes(128, 2)).toEqual([64, 64]);
    expect(sliceSizes(15, 4)).toEqual([4, 4, 4, 3]);
    expect(sliceSizes(3, 8)).toEqual([1, 1, 1]);
    expect(sliceSizes(7, 1)).toEqual([7]);
    expect(() => sliceSizes(0, 2)).toThrow(/positive integer/);
  });

  it('startShards: when one shard fails to start, the started ones are stopped and its error is thrown', async () => {
    const disposed: number[] = [];
    const start = async (index: number) => {
      if (index === 2) throw new Error('gradient shard 2: start failed: no wasm');
      return { gradients: () => Promise.reject(new Error('unused')), dispose: () => disposed.push(index) };
    };
    await expect(startShards(3, start)).rejects.toThrow('gradient shard 2: start failed: no wasm');
    expect(disposed.sort()).toEqual([1, 3]);
    expect((await startShards(2, async () => ({ gradients: () => Promise.reject(new Error('unused')), dispose: () => undefined }))).length).toBe(2);
  });

  it('1 and 3 shards follow the single replica step for step (augmentation, EMA, pca-weighted loss)', async () => {
    const cfg = base();
    const single = await run(cfg, 0);
    const two = await run(cfg, 1);
    const four = await run(cfg, 3);
    expect(single.replicas).toBe(1);
    expect(two.replicas).toBe(2);
    expect(four.replicas).toBe(4);
    // The first step sees the same weights: the loss is the same batch mean, summed in another order.
    expect(Math.abs(two.losses[0] - single.losses[0])).toBeLessThan(1e-6 * single.losses[0]);
    for (const other of [two, four]) {
      expect(maxRelDiff(other.losses, single.losses)).toBeLessThan(1e-3);
      expect(maxRelDiff(other.gradNorms, single.gradNorms)).toBeLessThan(1e-3);
      let worst = 0;
      other.weights.forEach((w, i) => w.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - single.weights[i][j])))));
      expect(worst).toBeLessThan(1e-3);
      expect(other.ema.length).toBe(single.ema.length);
    }
    // The losses move: a run that ignored the shards' gradients would not match the single replica.
    expect(single.losses[0]).not.toBeCloseTo(single.losses.at(-1)!, 3);
  });

  // Every objective of the deconstruction and every tokenizer rebuilt in a shard from its plain data
  // (serialized tokenizer, data PCA): the first step sees the same weights, so the same loss.
  it.each([
    ...ALL_PRESET_IDS.map((preset) => ({ preset, tokenizer: 'pca' as const })),
    ...TOKENIZERS.filter((t) => t !== 'pca').map((tokenizer) => ({ preset: 'ldae' as const, tokenizer })),
  ])('$preset with the $tokenizer tokenizer: a shard gives the single replica\'s first two steps', async ({ preset, tokenizer }) => {
    const cfg: ExperimentConfig = {
      ...applyPreset(DEFAULT_CONFIG, preset),
      modelSize: 'micro',
      tokenizer,
      tokenizerSamples: 2000,
      tokenizerSteps: tokenizer === 'conv-vae' ? 10 : 30,
      batchSize: 8,
      steps: 2,
      warmupSteps: 1,
      metricsEvery: 1,
    };
    const single = await run(cfg, 0, 64);
    const sharded = await run(cfg, 1, 64);
    expect(Math.abs(sharded.losses[0] - single.losses[0])).toBeLessThan(1e-5 * Math.abs(single.losses[0]));
    expect(maxRelDiff(sharded.losses, single.losses)).toBeLessThan(1e-3);
  });

  it('the same shard count gives the same run twice, bit for bit', async () => {
    const cfg = base();
    const a = await run(cfg, 1);
    const b = await run(cfg, 1);
    expect(a.losses).toEqual(b.losses);
    expect(a.gradNorms).toEqual(b.gradNorms);
  });

  it('a shard whose gradients are wrong changes the step (the shards are really used)', async () => {
    const cfg = base();
    const single = await run(cfg, 0);
    const { trainer, dispose } = await makeTrainer(data, cfg, 256);
    await trainer.useShards(async (spec, count) => (await inProcessShards(spec, count)).map((s) => ({
      gradients: async (p, slice) => {
        const r = await s.gradients(p, slice);
        return { loss: r.loss, grads: r.grads.map((g) => 3 * g) };
      },
      dispose: () => s.dispose(),
    })), 1);
    await trainer.advance();
    const m = (await trainer.readMetrics())!;
    dispose();
    expect(Math.abs(m.loss - single.losses[0])).toBeLessThan(1e-6 * single.losses[0]);
    expect(m.gradNorm / single.gradNorms[0]).toBeGreaterThan(1.2);
  });

  it('a shard that fails fails the step with its message and leaves no tensor behind', async () => {
    const cfg = base();
    const { trainer, dispose } = await makeTrainer(data, cfg, 64);
    await trainer.useShards(async () => [
      { gradients: () => Promise.reject(new Error('gradient shard 1: a step failed: out of memory')), dispose: () => undefined },
      { gradients: () => new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 50)), dispose: () => undefined },
    ], 2);
    await trainer.advance().catch(() => undefined); // the first step makes the model's lazily created tensors
    const before = tf.memory().numTensors;
    await expect(trainer.advance()).rejects.toThrow('gradient shard 1: a step failed: out of memory');
    await new Promise((r) => setTimeout(r, 100)); // the late rejection is handled, not left unhandled
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  });

  it('trainStep refuses a trainer with shards; a replica refuses slices of the wrong shape', async () => {
    const cfg = base();
    const { trainer, model, dispose } = await makeTrainer(data, cfg, 64);
    await trainer.useShards(inProcessShards, 1);
    expect(() => trainer.trainStep()).toThrow(/advance\(\)/);
    const before = tf.memory().numTensors;
    const replica = createReplica(replicaSpec(model));
    const params = new Float32Array(replica.size);
    const ok = { x0: new Float32Array(2 * 28 * 28), t: new Float32Array([0.5, 0.5]), gamma: new Float32Array([1, 1]), sigma: new Float32Array([0.5, 0.5]), eps: new Float32Array(2 * model.tokens * model.tokenizer.latentDim) };
    expect((await replica.gradients(params, ok)).grads.length).toBe(replica.size);
    await expect(replica.gradients(params, { ...ok, eps: new Float32Array(3) })).rejects.toThrow(/eps holds 3 numbers/);
    await expect(replica.gradients(params.subarray(1), ok)).rejects.toThrow(/weights for a model of/);
    replica.dispose();
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  });
});
