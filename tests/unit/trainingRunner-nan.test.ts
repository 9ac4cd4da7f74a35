// The page's non-finite guard in the worker's runner: an injected NaN (start with fault, the
// page's ?fault=nan@K) pauses the run at the last good state with a rolledBack event naming the
// bad window, the step rolled back to and the cause; Resume trains on from there to the end.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedDataset } from '../../src/types/data';
import type { EngineEvent } from '../../src/engine/protocol';
import { createTrainingRunner } from '../../src/engine/worker/trainingRunner';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import { setupNodeBackend } from '../../src/node/backend';
import { fashionSlice, isState, recorder } from './runnerHelpers';

let data: LoadedDataset;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  data = await fashionSlice(256, 64);
});

const cfg: ExperimentConfig = { ...DEFAULT_CONFIG, modelSize: 'micro', batchSize: 8, steps: 30, metricsEvery: 5, tokenizerSamples: 500, warmupSteps: 5, probeEvery: 0 };

describe('training runner: non-finite loss', () => {
  it('pauses at the last good state with a rolledBack event, then resumes to the end', async () => {
    const before = tf.memory().numTensors;
    const { events, post, next } = recorder();
    const runner = createTrainingRunner(post, data);
    const rolled = next((e) => e.type === 'rolledBack');
    const paused = next(isState('paused'));
    await runner.handle({ type: 'start', config: { ...cfg, probeEvery: 0 }, fault: { nanAtStep: 12 } });
    const r = (await rolled) as Extract<EngineEvent, { type: 'rolledBack' }>;
    expect(r).toMatchObject({ badStep: 15, toStep: 10 });
    expect(r.cause).toMatch(/injected/);
    expect(r.message).toMatch(/rolled back to the last good step 10/);
    expect(await paused).toMatchObject({ state: 'paused', step: 10 });
    const steps = () => events.flatMap((e) => (e.type === 'metrics' ? e.points : []));
    expect(steps().map((p) => p.step)).toEqual([5, 10]);

    const done = next(isState('done'));
    await runner.handle({ type: 'resume' });
    await done;
    expect(steps().map((p) => p.step)).toEqual([5, 10, 15, 20, 25, 30]);
    expect(steps().every((p) => Number.isFinite(p.loss))).toBe(true);
    expect(events.filter((e) => e.type === 'rolledBack')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);

    const idle = next(isState('idle'));
    await runner.handle({ type: 'reset' });
    await idle;
    runner.dispose();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
