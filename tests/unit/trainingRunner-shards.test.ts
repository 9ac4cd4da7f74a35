// The worker's runner with batch-parallel shards: a run trains with them (each step asks every
// shard), and when the shards cannot start the run says so once, as a non-fatal error, and trains
// on one replica to the end instead of failing.
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedDataset } from '../../src/types/data';
import { createTrainingRunner } from '../../src/engine/worker/trainingRunner';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import { inProcessShards, type ShardFactory } from '../../src/ldae/parallel/shards';
import { setupNodeBackend } from '../../src/node/backend';
import { fashionSlice, isState, recorder } from './runnerHelpers';

let data: LoadedDataset;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  data = await fashionSlice(256, 64);
});

const cfg: ExperimentConfig = { ...DEFAULT_CONFIG, modelSize: 'micro', batchSize: 8, steps: 10, metricsEvery: 5, tokenizerSamples: 2000, warmupSteps: 2, probeEvery: 0 };

describe('training runner with gradient shards', () => {
  it('trains through the shards: every step asks each of them', async () => {
    let asked = 0;
    const counting: ShardFactory = async (spec, count) =>
      (await inProcessShards(spec, count)).map((s) => ({ gradients: (p, slice) => (asked++, s.gradients(p, slice)), dispose: () => s.dispose() }));
    const { events, post, next } = recorder();
    const runner = createTrainingRunner(post, data, { shards: { factory: counting, count: 2 } });
    const done = next(isState('done'));
    await runner.handle({ type: 'start', config: cfg });
    await done;
    expect(asked).toBe(2 * cfg.steps);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    await runner.dispose();
  });

  it('shards that cannot start: one non-fatal error naming why, and the run trains on one thread to the end', async () => {
    const failing: ShardFactory = async () => {
      throw new Error('gradient shard 1 stopped: the worker failed to load or threw');
    };
    const { events, post, next } = recorder();
    const runner = createTrainingRunner(post, data, { shards: { factory: failing, count: 1 } });
    const done = next(isState('done'));
    await runner.handle({ type: 'start', config: cfg });
    await done;
    const errors = events.filter((e) => e.type === 'error');
    expect(errors).toEqual([
      {
        type: 'error',
        where: 'batch-parallel',
        fatal: false,
        message: 'batch-parallel training could not start its 2 replicas (gradient shard 1 stopped: the worker failed to load or threw): this run trains on one thread',
      },
    ]);
    await runner.dispose();
  });
});
