// Batch-parallel training with real worker_threads shards (src/node/gradientShardsNode.ts): each
// shard runs its own wasm in another thread and the run follows the in-process shards' numbers
// exactly (same code, same backend, same slices); a step whose shard goes away fails with the
// shard's name instead of waiting forever.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetNode } from '../../src/data/loadNode';
import type { LoadedDataset } from '../../src/types/data';
import { buildModel, obtainTokenizer } from '../../src/ldae/build';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import { splitImages } from '../../src/ldae/deviceData';
import { applyPreset } from '../../src/ldae/presets';
import { inProcessShards, type ShardFactory } from '../../src/ldae/parallel/shards';
import { Trainer } from '../../src/ldae/trainer';
import { setupNodeBackend } from '../../src/node/backend';
import { nodeWorkerShards } from '../../src/node/gradientShardsNode';

let data: LoadedDataset;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  data = await loadDatasetNode('fashion-mnist');
});

const cfg: ExperimentConfig = { ...applyPreset(DEFAULT_CONFIG, 'ldae'), modelSize: 'micro', tokenizerSamples: 4000, batchSize: 16, steps: 6, warmupSteps: 2, metricsEvery: 1 };

async function losses(factory: ShardFactory, shards: number, steps = cfg.steps): Promise<number[]> {
  const train = splitImages(data.train, data.meta, 256);
  const { tokenizer } = await obtainTokenizer(cfg, train, null);
  const model = await buildModel(cfg, tokenizer, train);
  const trainer = new Trainer(model, train);
  try {
    await trainer.useShards(factory, shards);
    const out: number[] = [];
    for (let i = 0; i < steps; i++) {
      await trainer.advance();
      out.push((await trainer.readMetrics())!.loss);
    }
    return out;
  } finally {
    trainer.dispose();
    model.dispose();
    train.dispose();
  }
}

describe('batch-parallel training with worker_threads shards (wasm)', () => {
  it('two worker shards give exactly the in-process shards\' losses', async () => {
    const workers = await losses(nodeWorkerShards, 2);
    const inProcess = await losses(inProcessShards, 2);
    expect(workers).toEqual(inProcess);
    expect(new Set(workers).size).toBe(workers.length); // it trains: every step's loss differs
  }, 120_000);

  it('a shard whose worker goes away mid-run fails the step with its name (no hang)', async () => {
    const dying: ShardFactory = async (spec, count) => {
      const shards = await nodeWorkerShards(spec, count);
      let calls = 0;
      const first = await shards[0].gradients(new Float32Array(0), { x0: new Float32Array(0), t: new Float32Array(0), gamma: new Float32Array(0), sigma: new Float32Array(0), eps: new Float32Array(0) }).catch((e: Error) => e.message);
      expect(first).toMatch(/weights for a model of/); // it started and answers
      return shards.map((s) => ({
        gradients: (p, slice) => {
          const answer = s.gradients(p, slice);
          if (++calls === 2) s.dispose(); // the worker is gone before it answers
          return answer;
        },
        dispose: () => s.dispose(),
      }));
    };
    await expect(losses(dying, 1, 3)).rejects.toThrow(/gradient shard 1 was stopped/);
  }, 120_000);
});
