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
  data = await fashionSlice(512, 64);
});

const cfg: ExperimentConfig = { ...DEFAULT_CONFIG, modelSize: 'micro', batchSize: 8, steps: 80, metricsEvery: 5, tokenizerSamples: 2000, warmupSteps: 5 };


const lastStep = (events: EngineEvent[]) => Math.max(0, ...events.flatMap((e) => (e.type === 'metrics' ? e.points.map((p) => p.step) : [])));

describe('training runner', () => {
  it('starts, pauses, steps, snapshots, resumes to done, resets, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const { events, post, next } = recorder();
    const runner = createTrainingRunner(post, data);

    const firstMetrics = next((e) => e.type === 'metrics');
    await runner.handle({ type: 'start', config: cfg });
    expect(events.some((e) => e.type === 'tokenizerReady')).toBe(true);
    expect(events.find((e) => e.type === 'model')).toMatchObject({ summary: { tokens: 16, width: 32 } });
    await firstMetrics;
    const paused = next(isState('paused'));
    await runner.handle({ type: 'pause' });
    await paused;
    const pausedAt = lastStep(events);
    expect(pausedAt).toBeGreaterThan(0);
    expect(pausedAt).toBeLessThan(80);

    const pausedAgain = next(isState('paused'));
    await runner.handle({ type: 'step', count: 3 });
    await pausedAgain;
    expect(lastStep(events)).toBe(pausedAt + 3);

    const snap = next((e) => e.type === 'snapshot');
    await runner.handle({ type: 'snapshot', levels: [0, 0.5, 1], sampleSeed: 7 });
    const s = (await snap) as Extract<EngineEvent, { type: 'snapshot' }>;
    expect(s.snapshot.step).toBe(pausedAt + 3);
    expect(s.snapshot.rows.map((r) => r.sigma)).toEqual([0, Math.SQRT2 / 2, Math.SQRT2]);
    expect(s.snapshot.rows[0].prediction).toMatchObject({ count: 8, height: 28, width: 28, channels: 1 });
    expect(s.snapshot.rows[0].patchError).toMatchObject({ count: 8, gridH: 4, gridW: 4 });

    const done = next(isState('done'));
    await runner.handle({ type: 'resume' });
    await done;
    expect(lastStep(events)).toBe(80);
    const points = events.flatMap((e) => (e.type === 'metrics' ? e.points : []));
    expect(points.every((p) => Number.isFinite(p.loss) && p.msPerStep > 0 && p.imagesPerSec > 0)).toBe(true);

    const idle = next(isState('idle'));
    await runner.handle({ type: 'reset' });
    await idle;
    await expect(runner.handle({ type: 'snapshot', levels: [0.5], sampleSeed: 1 })).rejects.toThrow(/no training session/);
    runner.dispose();
    await new Promise((r) => setTimeout(r, 50));
    expect(tf.memory().numTensors).toBe(before);
    expect(events.some((e) => e.type === 'error')).toBe(false);
  });

  it('stop ends a running session; a bad config is rejected with the field named', async () => {
    const { events, post, next } = recorder();
    const runner = createTrainingRunner(post, data);
    await expect(runner.handle({ type: 'start', config: { ...cfg, patchSize: 5 } })).rejects.toThrow(/patchSize must divide/);
    const metrics = next((e) => e.type === 'metrics');
    await runner.handle({ type: 'start', config: { ...cfg, steps: 1000 } });
    await metrics;
    const done = next(isState('done'));
    await runner.handle({ type: 'stop' });
    await done;
    expect(lastStep(events)).toBeLessThan(1000);
    // A preview while idle reuses the cached tokenizer.
    const ready = next((e) => e.type === 'tokenizerReady');
    await runner.handle({ type: 'previewTokenizer', config: { ...cfg, steps: 1000 } });
    expect(((await ready) as Extract<EngineEvent, { type: 'tokenizerReady' }>).summary.fromCache).toBe(true);
    runner.dispose();
  });
});
