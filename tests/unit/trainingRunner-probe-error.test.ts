// A failing probe evaluation must not lose the run: an error event with where 'probe', the run
// pauses, and resume trains on to the end.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { LoadedDataset } from '../../src/types/data';
import type { EngineEvent } from '../../src/engine/protocol';
import { createTrainingRunner } from '../../src/engine/worker/trainingRunner';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import { setupNodeBackend } from '../../src/node/backend';
import { fashionSlice } from './runnerHelpers';

const failAtStep = { step: -1 };

vi.mock('../../src/ldae/probe', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/ldae/probe')>();
  return {
    ...real,
    evaluateProbes: (...args: Parameters<typeof real.evaluateProbes>) => {
      // Fail one evaluation after its features are half extracted (tensors alive at that point).
      const [extract, sets, settings] = args;
      if (failAtStep.step < 0) return real.evaluateProbes(extract, sets, settings);
      failAtStep.step = -1;
      return real.evaluateProbes(extract, sets, {
        ...settings,
        onProgress: (f) => {
          if (f > 0.2) throw new Error('injected probe failure');
          settings.onProgress?.(f);
        },
      });
    },
  };
});

let data: LoadedDataset;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  data = await fashionSlice(1024, 256);
});

const cfg: ExperimentConfig = {
  ...DEFAULT_CONFIG,
  modelSize: 'micro',
  batchSize: 8,
  steps: 30,
  metricsEvery: 5,
  tokenizerSamples: 2000,
  warmupSteps: 5,
  probeEvery: 10,
  probeTrainSize: 300,
  probeTestSize: 100,
};

describe('training runner probe failure', () => {
  it('reports where "probe", pauses, frees the evaluation tensors, and resumes to the end', async () => {
    const before = tf.memory().numTensors;
    const events: EngineEvent[] = [];
    let onEvent: ((e: EngineEvent) => void) | null = null;
    const runner = createTrainingRunner((e) => {
      events.push(e);
      onEvent?.(e);
    }, data);
    const waitFor = (pred: (e: EngineEvent) => boolean) =>
      new Promise<void>((resolve) => {
        onEvent = (e) => {
          if (pred(e)) resolve();
        };
      });

    // The baselines pass; the evaluation at step 10 fails.
    const baselines = waitFor((e) => e.type === 'baselines');
    await runner.handle({ type: 'start', config: cfg });
    await baselines;
    failAtStep.step = 10;
    const paused = waitFor((e) => e.type === 'state' && e.state === 'paused');
    await paused;
    const error = events.find((e) => e.type === 'error');
    expect(error).toMatchObject({ type: 'error', where: 'probe', fatal: false });
    expect((error as Extract<EngineEvent, { type: 'error' }>).message).toMatch(/injected probe failure/);
    const pausedAt = (events.at(-1) as Extract<EngineEvent, { type: 'state' }>).step;
    expect(pausedAt).toBe(10);

    const done = waitFor((e) => e.type === 'state' && e.state === 'done');
    await runner.handle({ type: 'resume' });
    await done;
    const probeSteps = events.flatMap((e) => (e.type === 'probe' ? [e.result.step] : []));
    expect(probeSteps).toEqual([20, 30]);
    const metricSteps = events.flatMap((e) => (e.type === 'metrics' ? e.points.map((p) => p.step) : []));
    expect(metricSteps).toEqual([5, 10, 15, 20, 25, 30]);

    runner.dispose();
    await new Promise((r) => setTimeout(r, 50));
    expect(tf.memory().numTensors).toBe(before);
  });
});
