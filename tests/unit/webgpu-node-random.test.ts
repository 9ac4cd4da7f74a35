// Device-side draws (src/backends/webgpuRandom.ts, contract src/ldae/deviceRandom.ts) and the
// device noise schedules (src/ldae/scheduleTensor.ts), on dawn.node: the kernel reproduces the JS
// reference generator, is deterministic per seed and has the right moments; every schedule on the
// device matches schedules.ts; and a webgpu training step uploads nothing.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setWebGpuRowKernels } from '../../src/backends';
import { installCounters } from '../../src/bench/counters';
import { loadDatasetNode } from '../../src/data/loadNode';
import { buildModel, obtainTokenizer } from '../../src/ldae/build';
import { DEFAULT_CONFIG, type ExperimentConfig, type ScheduleKind } from '../../src/ldae/config';
import { splitImages } from '../../src/ldae/deviceData';
import { counterRandom, deviceRandom, hasDeviceRandom } from '../../src/ldae/deviceRandom';
import { noiseLevelsOnDevice } from '../../src/ldae/scheduleTensor';
import { scheduleFor } from '../../src/ldae/schedules';
import { Trainer, disposeTrainerState } from '../../src/ldae/trainer';
import { setupNodeBackend } from '../../src/node/backend';

beforeAll(async () => {
  await setupNodeBackend('webgpu');
});

afterAll(() => {
  setWebGpuRowKernels(true);
});

async function draw(shape: number[], seed: number, normal: boolean): Promise<Float32Array> {
  const t = deviceRandom(shape, seed, normal);
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

describe('device random draws', () => {
  it('reproduce the JS reference generator, uniform and normal', async () => {
    expect(hasDeviceRandom('webgpu')).toBe(true);
    for (const normal of [false, true]) {
      for (const seed of [1, 123456789, 2147483646]) {
        const got = await draw([37, 5], seed, normal);
        const ref = counterRandom(seed, 37 * 5, normal);
        let m = 0;
        for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(got[i] - ref[i]));
        // Uniforms are exact (integer hash, exact scaling); normals go through float32 log and cos on the GPU.
        expect(m, `normal ${normal}, seed ${seed}`).toBeLessThan(normal ? 2e-3 : 1e-7);
      }
    }
  });

  it('are deterministic per seed, differ between seeds and have the right moments', async () => {
    const a = await draw([4096], 77, true);
    expect(Array.from(await draw([4096], 77, true))).toEqual(Array.from(a));
    const b = await draw([4096], 78, true);
    expect(a.filter((v, i) => v === b[i]).length).toBeLessThan(5);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(Math.abs(variance - 1)).toBeLessThan(0.08);
    const u = await draw([4096], 5, false);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(Math.abs(u.reduce((s, v) => s + v, 0) / u.length - 0.5)).toBeLessThan(0.03);
  });
});

describe('device noise schedules', () => {
  it('match schedules.ts for every kind, with and without input scaling', async () => {
    // WGSL allows cos/sin an absolute error of 2^-11 (~5e-4) on [-pi, pi]: the trig-based schedules get 1e-3.
    const ts = Float32Array.from({ length: 41 }, (_, i) => i / 40 - 0.0125 * (i % 3)); // includes t < 0 (clipped)
    for (const kind of ['ldae-linear-sigma', 'vp-linear-gamma2', 'vp-cosine', 'vp-ddpm-linear'] as ScheduleKind[]) {
      for (const inputScaling of [true, false]) {
        const cfg = { schedule: kind, sigmaMax: Math.SQRT2, inputScaling };
        const js = scheduleFor(cfg);
        const t = tf.tensor1d(ts);
        const { gamma, sigma } = noiseLevelsOnDevice(cfg, t);
        const [g, s] = [await gamma.data(), await sigma.data()];
        tf.dispose([t, gamma, sigma]);
        ts.forEach((tv, i) => {
          const level = js(tv);
          expect(Math.abs(g[i] - level.gamma), `${kind} ${inputScaling} gamma(${tv})`).toBeLessThan(1e-3);
          expect(Math.abs(s[i] - level.sigma), `${kind} ${inputScaling} sigma(${tv})`).toBeLessThan(1e-3);
        });
      }
    }
  });
});

const CFG: ExperimentConfig = { ...DEFAULT_CONFIG, modelSize: 'micro', batchSize: 64, tokenizerSamples: 2000, metricsEvery: 1 };

async function withTrainer(run: (trainer: Trainer) => Promise<void>): Promise<void> {
  const data = await loadDatasetNode('fashion-mnist');
  const images = splitImages(data.train, data.meta, 512);
  const fitted = await obtainTokenizer(CFG, images, null);
  const model = await buildModel(CFG, fitted.tokenizer, images);
  const trainer = new Trainer(model, images);
  try {
    await run(trainer);
  } finally {
    trainer.dispose();
    model.dispose();
    images.dispose();
  }
}

async function losses(trainer: Trainer, steps: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    trainer.trainStep();
    out.push((await trainer.readMetrics())!.loss);
  }
  return out;
}

describe('a webgpu training step', () => {
  it('is seeded: a state restored to step 0 or to step 2 replays the same losses (draws from seed and step)', async () => {
    await withTrainer(async (trainer) => {
      const start = trainer.captureState();
      const straight = await losses(trainer, 4);
      trainer.restoreState(start);
      expect(await losses(trainer, 2)).toEqual(straight.slice(0, 2));
      const mid = trainer.captureState();
      const first = await losses(trainer, 2);
      trainer.restoreState(mid);
      expect(first).toEqual(straight.slice(2));
      expect(await losses(trainer, 2)).toEqual(first);
      disposeTrainerState(start);
      disposeTrainerState(mid);
    });
  }, 300_000);

  it('uploads nothing (micro, default config; the epoch order once per epoch)', async () => {
    await withTrainer(async (trainer) => {
      trainer.trainStep(); // the first step makes the device constants and uploads the epoch order
      await trainer.readMetrics();
      const c = installCounters();
      trainer.trainStep();
      trainer.trainStep();
      const point = await trainer.readMetrics();
      const counts = c.read();
      c.uninstall();
      expect(Number.isFinite(point!.loss)).toBe(true);
      expect(counts.uploads).toBe(0);
      expect(counts.readbacks).toBe(1);
    });
  }, 300_000);
});
