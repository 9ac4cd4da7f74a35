// The benchmark's own counting: readbacks, ops and uploads on a toy loop, the shape of a
// result row on a real (micro, small-batch) training run, and the command-line flags.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../bench/args';
import { installCounters } from '../../src/bench/counters';
import { benchTrainingStep } from '../../src/bench/stepBench';
import { formatTable } from '../../src/bench/format';
import { loadDatasetNode } from '../../src/data/loadNode';
import type { LoadedDataset } from '../../src/types/data';
import { DEFAULT_CONFIG } from '../../src/ldae/config';
import { splitImages } from '../../src/ldae/deviceData';
import { setupNodeBackend } from '../../src/node/backend';

const CONTRACT_KEYS = [
  'backend',
  'size',
  'ms_per_step',
  'images_per_s',
  'gflops',
  'matmul_gflops',
  'mfu',
  'kernels_per_step',
  'readbacks_per_step',
  'tensor_drift',
] as const;

let data: LoadedDataset;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  data = await loadDatasetNode('fashion-mnist');
});

describe('bench counters', () => {
  it('count readbacks, ops and uploads of a toy loop, and stop counting when uninstalled', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    const counters = installCounters();
    try {
      for (let i = 0; i < 5; i++) {
        const y = tf.tidy(() => tf.add(tf.mul(x, 2), 1)); // 2 ops, 2 scalar uploads
        if (i % 2 === 0) await y.data(); // steps 0, 2, 4
        y.dispose();
      }
      tf.tidy(() => tf.sum(x).dataSync()); // sync reads count too
      const c = counters.read();
      expect(c.readbacks).toBe(4);
      expect(c.ops).toBe(11);
      expect(c.uploads).toBe(10);
      expect(c.dispatches).toBeNull(); // wasm runs no GPU programs
      counters.reset();
      expect(counters.read().readbacks).toBe(0);
    } finally {
      counters.uninstall();
    }
    await x.data();
    expect(counters.read().readbacks).toBe(0);
    x.dispose();
  });

  it('a training run gives a row with every contract key, one readback per metrics window and no drift', async () => {
    const before = tf.memory().numTensors;
    const images = splitImages(data.train, data.meta, 512);
    try {
      const out = await benchTrainingStep({
        cfg: { ...DEFAULT_CONFIG, modelSize: 'micro', batchSize: 16, metricsEvery: 10, tokenizerSamples: 2000 },
        images,
        steps: 20,
        warmup: 3,
        budgetS: 120,
        driftSteps: 53,
        driftBudgetS: 60,
        cpuMs: null,
      });
      if (!('row' in out)) throw new Error(`skipped: ${out.skipped.reason}`);
      const row = out.row;
      for (const k of CONTRACT_KEYS) expect(row[k], k).toBeDefined();
      for (const k of CONTRACT_KEYS.slice(2)) expect(Number.isFinite(row[k]), k).toBe(true);
      expect(row.backend).toBe('wasm');
      expect(row.size).toBe('micro');
      expect(row.timed_steps).toBe(20);
      expect(row.readbacks_per_step).toBeCloseTo(0.1, 10); // the trainer's one read per window of 10
      expect(row.tensor_drift).toBe(0);
      expect(row.drift_from_step).toBe(13);
      expect(row.drift_to_step).toBe(53);
      expect(row.kernels_per_step).toBeGreaterThan(100);
      expect(row.images_per_s).toBeCloseTo((1000 * 16) / row.ms_per_step, 6);
      expect(row.mfu).toBeCloseTo(row.gflops / row.matmul_gflops, 10);
      expect(JSON.parse(JSON.stringify({ results: [row] })).results[0].backend).toBe('wasm');
      expect(formatTable([row])).toContain('micro');
    } finally {
      images.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('skips a size that cannot fit the time budget and says why', async () => {
    const images = splitImages(data.train, data.meta, 256);
    try {
      const out = await benchTrainingStep({
        cfg: { ...DEFAULT_CONFIG, modelSize: 'small', tokenizerSamples: 2000 },
        images,
        steps: 20,
        warmup: 3,
        budgetS: 1,
        driftSteps: 0,
        driftBudgetS: 0,
        cpuMs: null,
      });
      expect('skipped' in out && out.skipped.reason).toMatch(/budget/);
    } finally {
      images.dispose();
    }
  });
});

describe('bench flags', () => {
  it('sends each backend to the side that has it', () => {
    const a = parseBenchArgs(['--backends', 'wasm,webgpu,node:cpu', '--sizes', 'tiny', '--steps', '30', '--json']);
    expect(a.node).toEqual(['wasm', 'cpu']);
    expect(a.browser).toEqual(['wasm', 'webgpu']);
    expect(a.sizes).toEqual(['tiny']);
    expect(a.steps).toBe(30);
    expect(a.json).toBe(true);
    expect(parseBenchArgs(['--backends', 'chromium:wasm']).node).toEqual([]);
  });

  it('rejects unknown backends, sizes, flags and too few steps', () => {
    expect(() => parseBenchArgs(['--backends', 'tpu'])).toThrow(/unknown backend/);
    expect(() => parseBenchArgs(['--sizes', 'huge'])).toThrow(/unknown size/);
    expect(() => parseBenchArgs(['--fast'])).toThrow(/unknown flag/);
    expect(() => parseBenchArgs(['--steps', '5'])).toThrow(/>= 20/);
  });
});
