// The probe inside the training runner: training starts at once, baselines just before the first
// evaluation (on a fresh model at the run's random init), evaluations every
// probeEvery steps and at the end (not twice at the same step), on demand when paused, a stop
// that cancels an evaluation, and no tensors left behind.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedDataset } from '../../src/types/data';
import type { EngineEvent } from '../../src/engine/protocol';
import type { ProbeResult } from '../../src/types/run';
import { createTrainingRunner } from '../../src/engine/worker/trainingRunner';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import { setupNodeBackend } from '../../src/node/backend';
import { fashionSlice, isState, recorder } from './runnerHelpers';

let data: LoadedDataset;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  data = await fashionSlice(1024, 256);
});

const cfg: ExperimentConfig = {
  ...DEFAULT_CONFIG,
  modelSize: 'micro',
  batchSize: 8,
  steps: 40,
  metricsEvery: 5,
  tokenizerSamples: 2000,
  warmupSteps: 5,
  probeEvery: 15,
  probeTrainSize: 300,
  probeTestSize: 100,
};


const probes = (events: EngineEvent[]): ProbeResult[] => events.flatMap((e) => (e.type === 'probe' ? [e.result] : []));
const inUnit = (x: number) => Number.isFinite(x) && x >= 0 && x <= 1;

describe('training runner probes', () => {
  it('starts training at once, posts baselines before the first probe, probes every probeEvery steps and at the end, on demand, without leaks', async () => {
    const before = tf.memory().numTensors;
    const { events, post, next } = recorder();
    const runner = createTrainingRunner(post, data);
    const done = next(isState('done'));
    await runner.handle({ type: 'start', config: cfg });
    await done;

    const types = events.map((e) => e.type);
    const baselinesAt = types.indexOf('baselines');
    expect(baselinesAt).toBeGreaterThan(-1);
    // Training does not wait for the baselines; they come before the first evaluation.
    expect(types.indexOf('metrics')).toBeLessThan(baselinesAt);
    expect(baselinesAt).toBeLessThan(types.indexOf('probe'));
    const { baselines } = events[baselinesAt] as Extract<EngineEvent, { type: 'baselines' }>;
    for (const b of [baselines.rawPixel, baselines.randomInit, baselines.latent]) {
      expect(inUnit(b.linearTestAcc) && inUnit(b.knnTestAcc)).toBe(true);
      // 10 classes: anything that learned something is well above chance.
      expect(b.linearTestAcc).toBeGreaterThan(0.3);
    }

    // Every 15 steps and at the end of the run (40).
    const results = probes(events);
    expect(results.map((r) => r.step)).toEqual([15, 30, 40]);
    expect(results.every((r) => r.weights === 'live')).toBe(true);
    for (const r of results) {
      expect([r.linearTestAcc, r.linearTrainAcc, r.knnTestAcc].every(inUnit)).toBe(true);
      expect(r.seconds).toBeGreaterThan(0);
    }
    expect(results[0].linearTestAcc).toBeGreaterThan(0.3);
    expect(events.some(isState('probing'))).toBe(true);
    const fractions = events.flatMap((e) => (e.type === 'probeProgress' ? [e.fraction] : []));
    expect(fractions.length).toBeGreaterThan(5);
    expect(fractions.every(inUnit)).toBe(true);
    // Training steps never run while probing: metrics steps around each probe line up.
    const metricSteps = events.flatMap((e) => (e.type === 'metrics' ? e.points.map((p) => p.step) : []));
    expect(metricSteps).toEqual([5, 10, 15, 20, 25, 30, 35, 40]);

    // On demand after the run: a new probe at step 40, then the state it was in.
    const onDemand = next((e) => e.type === 'probe');
    const backToDone = next(isState('done'));
    await runner.handle({ type: 'probe' });
    expect(((await onDemand) as Extract<EngineEvent, { type: 'probe' }>).result.step).toBe(40);
    await backToDone;
    expect(events.some((e) => e.type === 'error')).toBe(false);

    runner.dispose();
    await new Promise((r) => setTimeout(r, 50));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a stop while probing cancels the evaluation and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const { events, post, next } = recorder();
    const runner = createTrainingRunner(post, data);
    const cached = next((e) => e.type === 'baselines');
    const probing = next((e) => e.type === 'probeProgress' && events.some((m) => m.type === 'metrics'));
    const done = next(isState('done'));
    await runner.handle({ type: 'start', config: { ...cfg, steps: 400, probeEvery: 10, probeTrainSize: 300, lr: 1e-3 } });
    await cached;
    await probing;
    await runner.handle({ type: 'stop' });
    await done;
    expect(probes(events).length).toBe(0);
    expect(events.some((e) => e.type === 'error')).toBe(false);
    runner.dispose();
    await new Promise((r) => setTimeout(r, 50));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('with emaDecay the evaluations read the EMA weights (weights: ema)', async () => {
    const { events, post, next } = recorder();
    const runner = createTrainingRunner(post, data);
    const done = next(isState('done'));
    await runner.handle({ type: 'start', config: { ...cfg, steps: 10, probeEvery: 0, emaDecay: 0.9 } });
    await done;
    const results = probes(events);
    expect(results.map((r) => [r.step, r.weights])).toEqual([[10, 'ema']]);
    expect(inUnit(results[0].linearTestAcc)).toBe(true);
    expect(events.some((e) => e.type === 'error')).toBe(false);
    runner.dispose();
  });
});
