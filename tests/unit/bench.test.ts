// The benchmark's own counting: readbacks, ops and uploads on a toy loop, the shape of a
// result row on a real (micro, small-batch) training run, and the command-line flags.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GPU_CHROMIUM_ARGS, GPU_DEADLINE_S, parseBenchArgs } from '../../bench/args';
import { softwareAdapterProblems } from '../../bench/gpuCheck';
import { benchCells, benchExperimentConfig, colourBenchDataset } from '../../src/bench/benchConfigs';
import { installCounters } from '../../src/bench/counters';
import { benchMemory } from '../../src/bench/memoryBench';
import { benchTrainingStep, profileStep, type StepBenchOptions } from '../../src/bench/stepBench';
import { formatTable } from '../../src/bench/format';
import { loadDatasetNode } from '../../src/data/loadNode';
import type { LoadedDataset } from '../../src/types/data';
import { DEFAULT_CONFIG } from '../../src/ldae/config';
import { splitImages } from '../../src/ldae/deviceData';
import { inProcessShards } from '../../src/ldae/parallel/shards';
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

  /** The micro default config, 20 timed steps after 3 warm-up ones, in windows of 10. */
  const microStepBench = (images: tf.Tensor4D, o: Pick<StepBenchOptions, 'driftSteps' | 'driftBudgetS' | 'shards'>) =>
    benchTrainingStep({
      cfg: { ...DEFAULT_CONFIG, modelSize: 'micro', batchSize: 16, metricsEvery: 10, tokenizerSamples: 2000 },
      images,
      steps: 20,
      warmup: 3,
      budgetS: 120,
      cpuMs: null,
      ...o,
    });

  it('a batch-parallel row: threads = replicas, parallel batch, the peak scaled by the replicas, the table says batch', async () => {
    const images = splitImages(data.train, data.meta, 256);
    try {
      const out = await microStepBench(images, { driftSteps: 0, driftBudgetS: 0, shards: { factory: inProcessShards, count: 2 } });
      if (!('row' in out)) throw new Error(`skipped: ${out.skipped.reason}`);
      expect(out.row).toMatchObject({ threads: 3, parallel: 'batch', tensor_drift: 0 });
      expect(out.row.matmul_model_gflops).toBeGreaterThan(0);
      expect(formatTable([out.row])).toMatch(/ 3 batch /);
    } finally {
      images.dispose();
    }
  });

  it('a training run gives a row with every contract key, one readback per metrics window and no drift', async () => {
    const before = tf.memory().numTensors;
    const images = splitImages(data.train, data.meta, 512);
    try {
      const out = await microStepBench(images, { driftSteps: 53, driftBudgetS: 60 });
      if (!('row' in out)) throw new Error(`skipped: ${out.skipped.reason}`);
      const row = out.row;
      for (const k of CONTRACT_KEYS) expect(row[k], k).toBeDefined();
      for (const k of CONTRACT_KEYS.slice(2)) expect(Number.isFinite(row[k]), k).toBe(true);
      expect(row.backend).toBe('wasm');
      expect(row.size).toBe('micro');
      expect(row.config).toBe('ldae');
      expect(row.threads).toBe(1); // Node's wasm is single-threaded (tfjs issue 3830)
      expect(row.parallel).toBeNull(); // one thread: neither the pool nor replicas
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

  it('skips without running a step once the run\'s deadline has passed', async () => {
    const images = splitImages(data.train, data.meta, 256);
    try {
      const out = await benchTrainingStep({
        cfg: { ...DEFAULT_CONFIG, modelSize: 'micro', tokenizerSamples: 2000 },
        configName: 'ldae',
        images,
        steps: 20,
        warmup: 3,
        budgetS: 60,
        driftSteps: 0,
        driftBudgetS: 0,
        cpuMs: null,
        deadlineAt: Date.now() - 1,
      });
      expect('skipped' in out && out.skipped.reason).toMatch(/deadline/);
    } finally {
      images.dispose();
    }
  });

  it('the colour config trains 32x32x3 images with patch 8 (16 tokens) and d = 16', async () => {
    const data = colourBenchDataset(256);
    expect([data.meta.height, data.meta.width, data.meta.channels]).toEqual([32, 32, 3]);
    const images = splitImages(data.train, data.meta, 256);
    try {
      const cfg = { ...benchExperimentConfig('colour', 'micro'), batchSize: 16, metricsEvery: 10, tokenizerSamples: 2000 };
      expect([cfg.patchSize, cfg.latentDim]).toEqual([8, 16]);
      const out = await benchTrainingStep({ cfg, configName: 'colour', images, steps: 20, warmup: 3, budgetS: 120, driftSteps: 0, driftBudgetS: 0, cpuMs: null });
      if (!('row' in out)) throw new Error(`skipped: ${out.skipped.reason}`);
      expect(out.row.config).toBe('colour');
      expect(out.row.tensor_drift).toBe(0);
      expect(formatTable([out.row])).toMatch(/colour/);
    } finally {
      images.dispose();
    }
  });
  it('--profile: one step kernel by kernel, with the call sites (kernel and input shapes) the time is in', async () => {
    const images = splitImages(data.train, data.meta, 512);
    try {
      const cfg = { ...benchExperimentConfig('ldae', 'micro'), batchSize: 16, tokenizerSamples: 2000 };
      const before = tf.memory().numTensors;
      const p = await profileStep(cfg, images, 5);
      expect(tf.memory().numTensors).toBe(before);
      expect(p.kernels.length).toBe(5);
      expect(p.calls.length).toBe(5);
      const listed = p.kernels.reduce((s, k) => s + k.ms, 0);
      expect(listed).toBeGreaterThan(0);
      expect(p.totalMs).toBeGreaterThanOrEqual(listed);
      for (let i = 1; i < p.kernels.length; i++) expect(p.kernels[i].ms).toBeLessThanOrEqual(p.kernels[i - 1].ms);
      // a micro step is matmuls first; its call sites name the operand shapes
      expect(p.kernels.map((k) => k.kernel)).toContain('BatchMatMul');
      expect(p.calls.some((c) => /^(BatchMatMul|_FusedMatMul) \[[\d,]+\] \[[\d,]+\]/.test(c.kernel))).toBe(true);
      const perKernel = new Map(p.kernels.map((k) => [k.kernel, k]));
      for (const c of p.calls) {
        const k = perKernel.get(c.kernel.split(' ')[0]);
        if (k) expect(c.ms).toBeLessThanOrEqual(k.ms + 1e-9);
      }
    } finally {
      images.dispose();
    }
  });
});

describe('bench configs', () => {
  it('ldae at every size and colour, ldae-tuned at their default size (tiny) unless sizes are given', () => {
    expect(benchCells(['ldae', 'colour', 'ldae-tuned'], null)).toEqual([
      { config: 'ldae', size: 'micro' },
      { config: 'ldae', size: 'tiny' },
      { config: 'ldae', size: 'small' },
      { config: 'colour', size: 'tiny' },
      { config: 'ldae-tuned', size: 'tiny' },
    ]);
    expect(benchCells(['colour'], ['micro', 'small'])).toEqual([
      { config: 'colour', size: 'micro' },
      { config: 'colour', size: 'small' },
    ]);
  });

  it('ldae-tuned is the preset (random shifts), ldae the default config', () => {
    expect(benchExperimentConfig('ldae-tuned', 'tiny').augmentShift).toBe(2);
    expect(benchExperimentConfig('ldae', 'small')).toEqual({ ...DEFAULT_CONFIG, modelSize: 'small' });
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

  it('configs, wasm thread counts and --out', () => {
    const a = parseBenchArgs(['--configs', 'colour,ldae-tuned', '--threads', '1,2,auto', '--out', 'x.json']);
    expect(a.configs).toEqual(['colour', 'ldae-tuned']);
    expect(a.threads).toEqual([1, 2, 'auto']);
    expect(a.out).toBe('x.json');
    expect(a.sizes).toBeNull();
    expect(parseBenchArgs([]).threads).toEqual([1, 'auto']);
    expect(() => parseBenchArgs(['--threads', '0'])).toThrow(/--threads/);
    expect(() => parseBenchArgs(['--threads', 'two'])).toThrow(/--threads/);
    expect(() => parseBenchArgs(['--configs', 'cifar'])).toThrow(/unknown config/);
    expect(() => parseBenchArgs(['--out'])).toThrow(/--out/);
  });

  it('--gpu: Chromium only, the NVIDIA/Vulkan flags, JSON to a file, a deadline inside 5 minutes; explicit flags win', () => {
    const a = parseBenchArgs(['--gpu']);
    expect(a.gpu).toBe(true);
    expect(a.node).toEqual([]);
    expect(a.browser).toEqual(['webgpu', 'webgl', 'wasm']);
    expect(a.chromiumArgs.slice(0, GPU_CHROMIUM_ARGS.length)).toEqual(GPU_CHROMIUM_ARGS);
    for (const flag of ['--use-angle=vulkan', '--ignore-gpu-blocklist', '--disable-vulkan-surface']) expect(a.chromiumArgs).toContain(flag);
    expect(a.chromiumArgs.join(' ')).toMatch(/--enable-features=\S*Vulkan/);
    expect(a.chromiumArgs).not.toContain('--disable-gpu');
    expect(a.json).toBe(true);
    expect(a.out).toMatch(/^bench\/out\/gpu-.*\.json$/);
    expect(a.deadlineS).toBe(GPU_DEADLINE_S);
    expect(GPU_DEADLINE_S).toBeLessThan(300);
    const b = parseBenchArgs(['--gpu', '--backends', 'chromium:webgpu', '--budget', '50', '--out', 'g.json', '--chromium-args', '--foo']);
    expect(b.browser).toEqual(['webgpu']);
    expect(b.budgetS).toBe(50);
    expect(b.out).toBe('g.json');
    expect(b.chromiumArgs).toEqual([...GPU_CHROMIUM_ARGS, '--foo']);
  });

  it('--gpu names a WebGPU adapter or WebGL renderer that is software, and nothing for real GPUs', () => {
    const sw = softwareAdapterProblems({
      webgpu: 'google / swiftshader (fallback)',
      webgl: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      wasm: null,
    });
    expect(sw).toHaveLength(2);
    expect(sw[0]).toMatch(/^webgpu ran on a software adapter \(google \/ swiftshader \(fallback\)\)/);
    expect(sw[1]).toMatch(/^webgl ran on a software adapter/);
    expect(softwareAdapterProblems({ webgl: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toHaveLength(1);
    expect(
      softwareAdapterProblems({
        webgpu: 'nvidia / hopper / NVIDIA H200',
        webgl: 'ANGLE (NVIDIA, Vulkan 1.3.277 (NVIDIA H200 (0x00002335)), NVIDIA)',
        wasm: null,
      }),
    ).toEqual([]);
    expect(softwareAdapterProblems({})).toEqual([]);
  });
  it('rejects unknown backends, sizes, flags and too few steps', () => {
    expect(() => parseBenchArgs(['--backends', 'tpu'])).toThrow(/unknown backend/);
    expect(() => parseBenchArgs(['--sizes', 'huge'])).toThrow(/unknown size/);
    expect(() => parseBenchArgs(['--fast'])).toThrow(/unknown flag/);
    expect(() => parseBenchArgs(['--steps', '5'])).toThrow(/>= 20/);
  });
});

describe('bench --memory', () => {
  it('flags: Node only, node:wasm and micro by default, 10,000 steps sampled every 500', () => {
    const a = parseBenchArgs(['--memory']);
    expect([a.memory, a.node, a.browser, a.sizes, a.memorySteps, a.memoryEvery]).toEqual([true, ['wasm'], [], ['micro'], 10_000, 500]);
    const b = parseBenchArgs(['--memory', '--backends', 'node:webgpu', '--memory-steps', '200', '--memory-every', '20', '--memory-probe-every', '0']);
    expect([b.node, b.memorySteps, b.memoryEvery, b.memoryProbeEvery]).toEqual([['webgpu'], 200, 20, 0]);
    expect(() => parseBenchArgs(['--memory', '--memory-every', '0'])).toThrow(/--memory-every/);
  });

  it('samples a real session (probe included) and reports max - min of each series', async () => {
    const train = splitImages(data.train, data.meta, 512);
    const heldOut = splitImages(data.test, data.meta, 64);
    try {
      const cfg = { ...DEFAULT_CONFIG, modelSize: 'micro' as const, batchSize: 32, tokenizerSamples: 2000, probeEvery: 20, probeTrainSize: 256, probeTestSize: 64 };
      const r = await benchMemory({ cfg, dataset: data, train, heldOut, steps: 40, every: 10 });
      expect(r.samples.map((s) => s.step)).toEqual([10, 20, 30, 40]);
      expect(r.backend).toBe('wasm');
      expect(r.samples.every((s) => s.num_tensors > 0 && s.num_bytes > 0 && (s.backend_bytes ?? 0) > 0)).toBe(true);
      const tensors = r.samples.map((s) => s.num_tensors);
      expect(r.range.num_tensors).toBe(Math.max(...tensors) - Math.min(...tensors));
      expect(r.flat).toBe(r.range.num_tensors === 0 && r.range.num_bytes === 0 && r.range.backend_bytes === 0);
    } finally {
      tf.dispose([train, heldOut]);
    }
  });
});
