// The core's TrainingSession: the one run loop of the worker and the CLI. The probe schedule
// (multiples of probeEvery, stopping before the probe), and the non-finite guard: an injected NaN
// rolls weights, optimizer, EMA and data order back to the last good window, and training on from
// there gives exactly the losses of a run that never failed.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedDataset } from '../../src/types/data';
import type { MetricsPoint } from '../../src/types/run';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import { splitImages } from '../../src/ldae/deviceData';
import { probeDue } from '../../src/ldae/session/sessionProbes';
import { TrainingSession, type TrainControl, type TrainEnd } from '../../src/ldae/session/trainingSession';
import { setupNodeBackend } from '../../src/node/backend';
import { fashionSlice } from './runnerHelpers';

let data: LoadedDataset;
let train: tf.Tensor4D;
let heldOut: tf.Tensor4D;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  data = await fashionSlice(256, 64);
  train = splitImages(data.train, data.meta);
  heldOut = splitImages(data.test, data.meta);
});
afterAll(() => tf.dispose([train, heldOut]));

const cfg: ExperimentConfig = {
  ...DEFAULT_CONFIG,
  modelSize: 'micro',
  batchSize: 8,
  steps: 16,
  metricsEvery: 2,
  warmupSteps: 2,
  tokenizerSamples: 500,
  emaDecay: 0.9,
  augmentShift: 2,
  probeEvery: 0,
};

function recordingControl() {
  const points: MetricsPoint[] = [];
  const control: TrainControl = { stopped: () => false, paused: () => false, onMetrics: (p) => points.push(p) };
  return { points, control };
}

const open = (c: ExperimentConfig, fault: { nanAtStep: number } | null = null) => TrainingSession.open({ cfg: c, dataset: data, train, heldOut, fault });

describe('training session', () => {
  it('the probe rule: each multiple of probeEvery, on request, at the end; never twice at one step', () => {
    const c = { steps: 20, probeEvery: 5 };
    expect([0, 4, 5, 6, 10, 19, 20].filter((s) => probeDue(c, s, -1, false))).toEqual([5, 10, 20]);
    expect(probeDue(c, 5, 5, true)).toBe(false);
    expect(probeDue(c, 3, -1, true)).toBe(true);
    expect(probeDue({ steps: 20, probeEvery: 0 }, 10, -1, false)).toBe(false);
  });

  it('stops before each scheduled probe, with the window flushed up to that step', async () => {
    const s = await open({ ...cfg, metricsEvery: 3, probeEvery: 5, steps: 10 });
    try {
      const { points, control } = recordingControl();
      const ends: [TrainEnd, number][] = [];
      let end: TrainEnd;
      while ((end = await s.train(10, control)) === 'probe-due') {
        ends.push([end, s.step]);
        s.probes.lastStep = s.step; // as if probed
      }
      ends.push([end, s.step]);
      expect(ends).toEqual([
        ['probe-due', 5],
        ['reached', 10],
      ]);
      expect(points.map((p) => p.step)).toEqual([3, 5, 8, 10]);
    } finally {
      s.dispose();
    }
  }, 60_000);

  it('a NaN rolls back to the last good window; training on gives the losses of a run that never failed, and leaks nothing', async () => {
    const clean = await open(cfg);
    const reference = recordingControl();
    expect(await clean.train(cfg.steps, reference.control)).toBe('reached');
    clean.dispose();

    const before = tf.memory().numTensors;
    const s = await open(cfg, { nanAtStep: 7 });
    const faulty = recordingControl();
    expect(await s.train(cfg.steps, faulty.control)).toBe('non-finite');
    expect(s.step).toBe(6);
    expect(s.lastFault).toMatchObject({ restoredStep: 6, window: { step: 8 } });
    expect(s.lastFault!.message).toMatch(/window ending at step 8; rolled back to the last good step 6 .*injected/);
    expect(faulty.points.map((p) => p.step)).toEqual([2, 4, 6]);
    expect(await s.train(cfg.steps, faulty.control)).toBe('reached');
    expect(faulty.points.map((p) => p.step)).toEqual(reference.points.map((p) => p.step));
    expect(faulty.points.map((p) => p.loss)).toEqual(reference.points.map((p) => p.loss));
    expect(faulty.points.map((p) => p.gradNorm)).toEqual(reference.points.map((p) => p.gradNorm));
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('a NaN in the first window rolls back to the initial weights (step 0)', async () => {
    const s = await open(cfg, { nanAtStep: 1 });
    try {
      const { points, control } = recordingControl();
      expect(await s.train(cfg.steps, control)).toBe('non-finite');
      expect(points).toEqual([]);
      expect(s.step).toBe(0);
      expect(s.lastFault!.message).toMatch(/rolled back to step 0/);
      expect(await s.train(4, control)).toBe('reached');
      expect(points.every((p) => Number.isFinite(p.loss))).toBe(true);
    } finally {
      s.dispose();
    }
  }, 60_000);
});
