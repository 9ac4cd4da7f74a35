// The training-step benchmark, shared by Node (bench/bench.ts) and the browser bench worker:
// pure tfjs, runs on whatever backend is active. It trains the real thing (Trainer over an
// LdaeModel built from the config: tokenizer, noise, ViT, loss, AdamW) and reports speed against
// the same backend's matmul throughput measured in the same run (MFU), plus what a step costs
// besides arithmetic (ops, GPU dispatches, readbacks, uploads) and whether tensors leak.
//
// Timing: `warmup` single steps (each read back; the fastest after the first, which compiles,
// decides whether the size fits the time budget), then timed windows of `cfg.metricsEvery` steps, each ended by the
// trainer's one metrics readback, exactly as the app trains. ms/step is the median over windows.
import * as tf from '@tensorflow/tfjs';
import { buildModel, obtainTokenizer } from '../ldae/build';
import type { ExperimentConfig, ModelSize } from '../ldae/config';
import type { ShardFactory } from '../ldae/parallel/shards';
import type { WasmParallel } from '../types/run';
import { Trainer } from '../ldae/trainer';
import { installCounters } from './counters';

/** The issue's contract keys first; the rest are extra detail. */
export interface BenchRow {
  backend: string;
  size: ModelSize;
  /** Which bench config (src/bench/benchConfigs.ts): ldae, colour, ldae-tuned. */
  config: string;
  /** Threads the backend computes with: wasm's XNNPACK thread count (batch-parallel: the replicas, one thread each), 1 on cpu, null on GPU backends. */
  threads: number | null;
  /** How wasm uses more than one thread: 'kernels' (XNNPACK's pool inside the matmuls) or 'batch' (one replica per thread, each computing a slice of the batch); null for one thread and on other backends. */
  parallel: WasmParallel | null;
  ms_per_step: number;
  images_per_s: number;
  /** Achieved training GFLOP/s (analytic ViT FLOPs / wall time). */
  gflops: number;
  /** Same backend, 512x512x512 matmul, same run. */
  matmul_gflops: number;
  /** gflops / matmul_gflops. */
  mfu: number;
  /** GPU programs dispatched per step (webgpu/webgl), else tfjs kernels run per step. */
  kernels_per_step: number;
  readbacks_per_step: number;
  /** Tensors alive at drift_to_step minus at drift_from_step (0 = no leak). */
  tensor_drift: number;
  batch: number;
  timed_steps: number;
  params: number;
  gflop_per_step: number;
  /** Process CPU time per step (Node only; the machine is shared, CPU time is the work). */
  cpu_ms_per_step: number | null;
  /** MFU from CPU times of both the step and the matmul (Node only). */
  mfu_cpu: number | null;
  /** Matmul of the model's largest matmul shape [m,k,n], and the MFU against it. */
  matmul_model_shape: [number, number, number];
  matmul_model_gflops: number;
  mfu_model_shape: number;
  ops_per_step: number;
  dispatches_per_step: number | null;
  uploads_per_step: number;
  first_step_ms: number;
  drift_from_step: number;
  drift_to_step: number;
  tensors_at_from: number;
}

export interface Skipped {
  backend: string;
  size: ModelSize;
  config: string;
  threads: number | null;
  parallel: WasmParallel | null;
  reason: string;
}

export interface StepBenchOptions {
  /** The full experiment config (model size, batch, metricsEvery = window length). */
  cfg: ExperimentConfig;
  /** The bench config's name for the row (default 'ldae'). */
  configName?: string;
  /** Training images [count, H, W, C] in [0, 1], on the device (not owned). */
  images: tf.Tensor4D;
  /** Timed steps (rounded up to whole windows); at least 20. */
  steps: number;
  /** Untimed warm-up steps before the windows; at least 3. */
  warmup: number;
  /** Skip the size when warm-up + timed steps (after the first, compiling step) would take
   *  longer than this (seconds). */
  budgetS: number;
  /** Keep training (untimed) to this step to measure tensor drift, within driftBudgetS. */
  driftSteps: number;
  driftBudgetS: number;
  /** Process CPU time in ms (Node: process.cpuUsage), or null where unavailable. */
  cpuMs: (() => number) | null;
  /** Date.now() after which nothing new starts (the run's --deadline): the budgets shrink to fit. */
  deadlineAt?: number | null;
  log?: (line: string) => void;
  /** Batch-parallel training: `count` gradient shards besides this replica (wasm; one thread each). */
  shards?: { factory: ShardFactory; count: number } | null;
}

export interface MatmulResult {
  shape: [number, number, number];
  gflops: number;
  cpuGflops: number | null;
}

const now = () => performance.now();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Throughput of a [m,k] x [k,n] matmul: repeated for about `minMs`, ended by one readback. */
export async function benchMatmul(m: number, k: number, n: number, cpuMs: (() => number) | null, minMs = 600): Promise<MatmulResult> {
  const a = tf.randomNormal([m, k], 0, 1, 'float32', 11);
  const b = tf.randomNormal([k, n], 0, 1, 'float32', 12);
  const flops = 2 * m * k * n;
  const run = async (reps: number) => {
    const t0 = now();
    const c0 = cpuMs?.() ?? 0;
    let last: tf.Tensor | null = null;
    for (let i = 0; i < reps; i++) {
      const r = tf.matMul(a, b);
      last?.dispose();
      last = r;
    }
    await last!.data();
    last!.dispose();
    return { wall: (now() - t0) / reps, cpu: cpuMs ? (cpuMs() - c0) / reps : null };
  };
  const warm = await run(1);
  const reps = Math.max(2, Math.min(200, Math.ceil(minMs / Math.max(warm.wall, 0.01))));
  // Two measurements, the faster one: a matmul is the limit, so the less disturbed run is it.
  const r1 = await run(reps);
  const r2 = await run(reps);
  const best = r1.wall <= r2.wall ? r1 : r2;
  const cpuBest = r1.cpu !== null && r2.cpu !== null ? Math.min(r1.cpu, r2.cpu) : null;
  tf.dispose([a, b]);
  return { shape: [m, k, n], gflops: flops / best.wall / 1e6, cpuGflops: cpuBest ? flops / cpuBest / 1e6 : null };
}

/** The model's largest matmul (by FLOPs) as [m, k, n]: the MLP's fc1 at the training batch. */
export function largestModelMatmul(cfg: ExperimentConfig, tokens: number, width: number, mlpRatio: number): [number, number, number] {
  return [cfg.batchSize * tokens, width, mlpRatio * width];
}

export type StepBenchOutcome = { row: BenchRow } | { skipped: Skipped };

/** Threads of the active backend: wasm asks XNNPACK (tfjs' getThreadsCount), cpu is 1, GPU backends null. */
export function backendThreads(): number | null {
  const backend = tf.getBackend();
  if (backend === 'cpu') return 1;
  if (backend !== 'wasm') return null;
  const wasm = (tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } }).wasm;
  return wasm?.tfjs?.getThreadsCount?.() ?? null;
}

export async function benchTrainingStep(o: StepBenchOptions): Promise<StepBenchOutcome> {
  const { cfg } = o;
  const backend = tf.getBackend();
  const size = cfg.modelSize;
  const log = o.log ?? (() => {});
  const config = o.configName ?? 'ldae';
  const batchParallel = (o.shards?.count ?? 0) > 0;
  // Batch-parallel: the replicas (set again once the trainer says how many the batch allows).
  let threads = batchParallel ? o.shards!.count + 1 : backendThreads();
  const parallel = backend !== 'wasm' || (threads ?? 1) <= 1 ? null : batchParallel ? 'batch' : 'kernels';
  const label = `${backend}${threads !== null && threads > 1 ? ` x${threads}${batchParallel ? ' batch-parallel' : ''}` : ''}/${config}/${size}`;
  const skip = (reason: string): StepBenchOutcome => {
    log(`${label}: skipped, ${reason}`);
    return { skipped: { backend, size, config, threads, parallel, reason } };
  };
  const leftS = o.deadlineAt ? (o.deadlineAt - Date.now()) / 1000 : Infinity;
  if (leftS <= 0) return skip('the run\'s --deadline has passed');
  const budgetS = Math.min(o.budgetS, Math.floor(leftS));
  const driftBudgetS = Math.min(o.driftBudgetS, leftS);
  const window = cfg.metricsEvery;
  const windows = Math.max(1, Math.ceil(Math.max(20, o.steps) / window));
  const timedSteps = windows * window;
  const warmup = Math.max(3, o.warmup);

  const fitted = await obtainTokenizer(cfg, o.images, null);
  const model = await buildModel(cfg, fitted.tokenizer, o.images);
  const summary = model.summary();
  const batch = Math.min(cfg.batchSize, o.images.shape[0]);
  const flopsPerStep = summary.flopsPerImage * batch;
  const mmShape = largestModelMatmul({ ...cfg, batchSize: batch }, summary.tokens, summary.width, model.vit.config.mlpRatio);
  const trainer = new Trainer(model, o.images);
  const counters = installCounters();
  try {
    if (o.shards && batchParallel) {
      await trainer.useShards(o.shards.factory, o.shards.count);
      threads = trainer.replicas;
    }
    // Batch-parallel: each replica multiplies on one thread of its own, so the peak is this
    // (one-thread) matmul times the replicas.
    const peakScale = batchParallel ? trainer.replicas : 1;
    const mm512a = await benchMatmul(512, 512, 512, o.cpuMs);
    // Lower bound on the time (MFU <= 1): skip without running a step when even that is too long.
    const lowerS = ((warmup + timedSteps) * flopsPerStep) / (peakScale * mm512a.gflops * 1e9);
    if (lowerS > budgetS) {
      return skip(`even at the matmul's ${mm512a.gflops.toFixed(1)} GFLOP/s, ${warmup + timedSteps} steps of ${(flopsPerStep / 1e9).toFixed(2)} GFLOP need ${lowerS.toFixed(0)} s > ${budgetS} s budget`);
    }
    // The first step compiles (every GPU pipeline / shader: on SwiftShader tens of seconds); the
    // budget is for the steady-state steps, estimated from the fastest later warm-up step.
    let firstStepMs = 0;
    let fastestMs = Infinity;
    for (let i = 0; i < warmup; i++) {
      const t0 = now();
      await trainer.advance();
      await trainer.readMetrics();
      const ms = now() - t0;
      if (i === 0) firstStepMs = ms;
      else fastestMs = Math.min(fastestMs, ms);
      const estS = (i === 0 ? ms : fastestMs) * (warmup - 1 + timedSteps) / 1000;
      if (i === 0 && ms / 1000 > 2 * budgetS) {
        return skip(`the first step (compilation included) took ${(ms / 1000).toFixed(0)} s > 2 x ${budgetS} s budget`);
      }
      if (i > 0 && estS > budgetS) {
        return skip(`a step takes ${(fastestMs / 1000).toFixed(1)} s after compilation (first step ${(firstStepMs / 1000).toFixed(1)} s): ${warmup - 1 + timedSteps} steps would take ~${estS.toFixed(0)} s > ${budgetS} s budget`);
      }
    }

    const wallPerStep: number[] = [];
    const cpuPerStep: number[] = [];
    let tensorsAtFrom = -1;
    let driftFrom = 0;
    // Drift is counted from the end of the first timed window (warm-up done, every kernel and
    // buffer size seen once) to the end of the run.
    const markDrift = () => {
      if (tensorsAtFrom < 0) {
        tensorsAtFrom = tf.memory().numTensors;
        driftFrom = trainer.step;
      }
    };
    counters.reset();
    for (let w = 0; w < windows; w++) {
      const t0 = now();
      const c0 = o.cpuMs?.() ?? 0;
      for (let i = 0; i < window; i++) await trainer.advance();
      await trainer.readMetrics();
      wallPerStep.push((now() - t0) / window);
      if (o.cpuMs) cpuPerStep.push((o.cpuMs() - c0) / window);
      markDrift();
    }
    const counts = counters.read();
    const mm512b = await benchMatmul(512, 512, 512, o.cpuMs);
    const mmModel = await benchMatmul(...mmShape, o.cpuMs);

    // Tensor drift: keep training (untimed) toward driftSteps while the budget allows.
    const driftStart = now();
    while (trainer.step < o.driftSteps && (now() - driftStart) / 1000 + median(wallPerStep) * window / 1000 < driftBudgetS) {
      for (let i = 0; i < window; i++) await trainer.advance();
      await trainer.readMetrics();
      markDrift();
    }
    const drift = tensorsAtFrom < 0 ? 0 : tf.memory().numTensors - tensorsAtFrom;

    const ms = median(wallPerStep);
    const cpuMs = cpuPerStep.length ? median(cpuPerStep) : null;
    const matmulGflops = (peakScale * (mm512a.gflops + mm512b.gflops)) / 2;
    const gflops = flopsPerStep / ms / 1e6;
    const mmCpu = mm512a.cpuGflops !== null && mm512b.cpuGflops !== null ? (mm512a.cpuGflops + mm512b.cpuGflops) / 2 : null;
    const row: BenchRow = {
      backend,
      size,
      config,
      threads,
      parallel,
      ms_per_step: ms,
      images_per_s: (1000 * batch) / ms,
      gflops,
      matmul_gflops: matmulGflops,
      mfu: gflops / matmulGflops,
      kernels_per_step: (counts.dispatches ?? counts.ops) / timedSteps,
      readbacks_per_step: counts.readbacks / timedSteps,
      tensor_drift: drift,
      batch,
      timed_steps: timedSteps,
      params: summary.params,
      gflop_per_step: flopsPerStep / 1e9,
      cpu_ms_per_step: cpuMs,
      mfu_cpu: cpuMs !== null && mmCpu !== null ? flopsPerStep / cpuMs / 1e6 / mmCpu : null,
      matmul_model_shape: mmShape,
      matmul_model_gflops: peakScale * mmModel.gflops,
      mfu_model_shape: gflops / (peakScale * mmModel.gflops),
      ops_per_step: counts.ops / timedSteps,
      dispatches_per_step: counts.dispatches === null ? null : counts.dispatches / timedSteps,
      uploads_per_step: counts.uploads / timedSteps,
      first_step_ms: firstStepMs,
      drift_from_step: driftFrom,
      drift_to_step: trainer.step,
      tensors_at_from: tensorsAtFrom,
    };
    log(`${label}: ${ms.toFixed(1)} ms/step, MFU ${row.mfu.toFixed(2)}, drift ${drift} (steps ${driftFrom}->${trainer.step})`);
    return { row };
  } finally {
    counters.uninstall();
    trainer.dispose();
    model.dispose();
  }
}

export interface KernelTime {
  kernel: string;
  ms: number;
  count: number;
}

/** One profiled step of a bench row: where its time went, kernel by kernel. */
export interface KernelProfile {
  env: 'node' | 'chromium';
  backend: string;
  /** The row's threads (wasm: its thread count; null on GPU backends). */
  threads: number | null;
  config: string;
  size: string;
  /** Sum of every kernel's time in the step (not only the listed ones). */
  total_ms: number;
  kernels: KernelTime[];
  /** The costliest (kernel, input shapes) groups: which call sites the time is in. */
  calls: KernelTime[];
}

/** A call site's input shapes; a many-input kernel (the fused AdamW) by its first few and a count. */
function callShapes(shapes: (number[] | undefined)[]): string {
  const text = (list: (number[] | undefined)[]) => list.map((s) => `[${s?.join(',') ?? ''}]`).join(' ');
  return shapes.length <= 6 ? text(shapes) : `${text(shapes.slice(0, 4))} ... (${shapes.length} inputs)`;
}

/** Per-kernel time of one profiled training step (ms, top `top`, and the sum over all kernels), where the backend times kernels. */
export async function profileStep(cfg: ExperimentConfig, images: tf.Tensor4D, top = 15): Promise<{ totalMs: number; kernels: KernelTime[]; calls: KernelTime[] }> {
  const fitted = await obtainTokenizer(cfg, images, null);
  const model = await buildModel(cfg, fitted.tokenizer, images);
  const trainer = new Trainer(model, images);
  try {
    for (let i = 0; i < 3; i++) trainer.trainStep();
    await trainer.readMetrics();
    const backend = tf.getBackend();
    const info = await tf.profile(() => {
      trainer.trainStep();
    });
    await trainer.readMetrics();
    const byKernel = new Map<string, KernelTime>();
    const byCall = new Map<string, KernelTime>();
    const add = (by: Map<string, KernelTime>, key: string, ms: number) => {
      const e = by.get(key) ?? { kernel: key, ms: 0, count: 0 };
      e.ms += ms;
      e.count++;
      by.set(key, e);
    };
    for (const k of info.kernels) {
      if (!tf.getKernel(k.name, backend)) continue; // op wrappers (customGrad 'forward', fused op names) nest real kernels
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      add(byKernel, k.name, ms);
      add(byCall, `${k.name} ${callShapes(k.inputShapes)}`, ms);
    }
    const sorted = (by: Map<string, KernelTime>) => [...by.values()].sort((a, b) => b.ms - a.ms);
    const all = sorted(byKernel);
    return { totalMs: all.reduce((s, k) => s + k.ms, 0), kernels: all.slice(0, top), calls: sorted(byCall).slice(0, top) };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}
