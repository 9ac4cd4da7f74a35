// The experiment loop of the CLI: fit the tokenizer, build the model, train, and emit one
// JSON-ready object per metrics window and a summary. Same engine code as the worker.
import * as tf from '@tensorflow/tfjs';
import type { LoadedDataset } from '../types/data';
import { buildModel, obtainTokenizer } from '../ldae/build';
import { obtainTokenizerCached } from '../ldae/tokenizers/cache/cachedFit';
import type { TokenizerCache } from '../ldae/tokenizers/cache/types';
import type { ExperimentConfig } from '../ldae/config';
import type { WeightsEma } from '../ldae/ema';
import { splitImages } from '../ldae/deviceData';
import type { LdaeModel } from '../ldae/ldaeModel';
import { summarizeTokenizer } from '../ldae/tokenizerSummary';
import { Trainer } from '../ldae/trainer';
import { NonFiniteLossError, isFiniteWindow, likelyCause, type FaultInjection } from '../ldae/nonFinite';
import type { MetricsPoint } from '../types/run';
import { datasetBlock } from './datasetFlags';

export type Emit = (line: Record<string, unknown>) => void;

export interface ExperimentHooks {
  /** On the built model before its first step (e.g. the random-init probe baseline); may emit lines. */
  beforeTraining?(model: LdaeModel, emit: Emit): Promise<void>;
  /** After each metrics window (e.g. a probe every K steps); may emit lines. Not counted as training time.
   *  `ema`: the trainer's EMA of the weights (emaDecay > 0), else null. */
  afterWindow?(step: number, model: LdaeModel, emit: Emit, ema: WeightsEma | null): Promise<void>;
  /** Extra summary fields computed on the trained model (e.g. probe accuracy, baselines). */
  summaryFields?(model: LdaeModel, step: number, emit: Emit, ema: WeightsEma | null): Promise<Record<string, unknown>>;
}

export interface ExperimentRun {
  preset: string;
  config: ExperimentConfig;
  backend: string;
  /** Use only the first N training images (0 = all). */
  trainImages: number;
  /** Where fitted tokenizers are kept between runs (the CLI: .cache/tokenizers); none = always fit. */
  tokenizerCache?: TokenizerCache;
  /** --fault nan@K: step K's loss is NaN (the guard below stops the run). */
  fault?: FaultInjection | null;
}

const HELD_OUT_FOR_TOKENIZER = 1000;

const metricsLine = (m: MetricsPoint) => ({
  type: 'metrics',
  step: m.step,
  loss: m.loss,
  lr: m.lr,
  grad_norm: m.gradNorm,
  ms_per_step: m.msPerStep,
  images_per_s: m.imagesPerSec,
  num_tensors: m.numTensors,
});

export async function runExperiment(run: ExperimentRun, data: LoadedDataset, emit: Emit, hooks: ExperimentHooks = {}): Promise<Record<string, unknown>> {
  const cfg = run.config;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const train = splitImages(data.train, data.meta, run.trainImages > 0 ? run.trainImages : data.train.count);
  const heldOut = splitImages(data.test, data.meta, HELD_OUT_FOR_TOKENIZER);
  const fitted = run.tokenizerCache ? await obtainTokenizerCached(cfg, train, run.tokenizerCache) : await obtainTokenizer(cfg, train, null);
  const tokSummary = await summarizeTokenizer(fitted.tokenizer, heldOut, fitted.fitSeconds, fitted.fromCache);
  heldOut.dispose();
  const model = await buildModel(cfg, fitted.tokenizer, train);
  const summary = model.summary();
  emit({
    type: 'model',
    preset: run.preset,
    params: summary.params,
    flops_per_image: summary.flopsPerImage,
    tokens: summary.tokens,
    width: summary.width,
    depth: summary.depth,
    tokenizer: { kind: tokSummary.kind, d: tokSummary.latentDim, D: tokSummary.patchDim, variance_kept: tokSummary.varianceKept, recon_mse: tokSummary.reconMse },
  });

  // Before the Trainer exists: its speed clock starts at construction.
  await hooks.beforeTraining?.(model, emit);
  const trainer = new Trainer(model, train, run.fault ?? null);
  let lastGood: MetricsPoint | null = null;
  const trainCpu0 = process.cpuUsage();
  let hookCpuSeconds = 0;
  const windows: { steps: number; seconds: number; loss: number }[] = [];
  let trainSeconds = 0;
  try {
    while (trainer.step < cfg.steps) {
      trainer.trainStep();
      if (trainer.pendingSteps >= cfg.metricsEvery || trainer.step === cfg.steps) {
        const steps = trainer.pendingSteps;
        const m = await trainer.readMetrics();
        if (!m) continue;
        if (!isFiniteWindow(m)) {
          // The weights are no longer finite: no probe; the last good window is what is left.
          emit(metricsLine(m));
          const error = new NonFiniteLossError(m, lastGood, likelyCause(cfg, run.fault?.nanAtStep !== undefined && run.fault.nanAtStep <= m.step));
          emit({
            type: 'summary',
            preset: run.preset,
            config: cfg,
            dataset: datasetBlock(data.meta),
            backend: run.backend,
            stopped: 'non-finite loss',
            steps: lastGood?.step ?? 0,
            final_loss: lastGood?.loss ?? null,
            first_loss: windows[0]?.loss ?? null,
            non_finite: { step: m.step, loss: String(m.loss), grad_norm: String(m.gradNorm), cause: error.cause },
            train_seconds: trainSeconds,
            wall_seconds: (performance.now() - t0) / 1000,
          });
          throw error;
        }
        lastGood = m;
        const seconds = (m.msPerStep * steps) / 1000;
        trainSeconds += seconds;
        windows.push({ steps, seconds, loss: m.loss });
        emit(metricsLine(m));
        if (hooks.afterWindow) {
          const hookCpu0 = process.cpuUsage();
          await hooks.afterWindow(trainer.step, model, emit, trainer.ema);
          hookCpuSeconds += cpuSeconds(process.cpuUsage(hookCpu0));
        }
        trainer.resetClock();
      }
    }
    // Steady-state speed: leave out the first window (kernel compilation, warm-up) when there are others.
    const steady = windows.length > 1 ? windows.slice(1) : windows;
    const steadySteps = steady.reduce((s, w) => s + w.steps, 0);
    const steadySeconds = steady.reduce((s, w) => s + w.seconds, 0);
    const batch = Math.min(cfg.batchSize, train.shape[0]);
    const trainCpuSeconds = cpuSeconds(process.cpuUsage(trainCpu0)) - hookCpuSeconds;
    const extra = (await hooks.summaryFields?.(model, trainer.step, emit, trainer.ema)) ?? {};
    return {
      type: 'summary',
      preset: run.preset,
      config: cfg,
      dataset: datasetBlock(data.meta),
      backend: run.backend,
      steps: trainer.step,
      images_per_s: (steadySteps * batch) / steadySeconds,
      ms_per_step: (steadySeconds * 1000) / steadySteps,
      images_per_s_overall: (trainer.step * batch) / trainSeconds,
      final_loss: windows.at(-1)?.loss ?? null,
      first_loss: windows[0]?.loss ?? null,
      params: summary.params,
      flops_per_image: summary.flopsPerImage,
      forward_flops_per_image: summary.forwardFlopsPerImage,
      train_images: train.shape[0],
      tokenizer: {
        kind: tokSummary.kind,
        latent_dim: tokSummary.latentDim,
        patch_dim: tokSummary.patchDim,
        variance_kept: tokSummary.varianceKept,
        recon_mse: tokSummary.reconMse,
        recon_psnr: tokSummary.reconPsnr,
        // Restore time when from_cache (the original fit time is not stored in the cache).
        fit_seconds: tokSummary.fitSeconds,
        from_cache: tokSummary.fromCache,
      },
      train_seconds: trainSeconds,
      wall_seconds: (performance.now() - t0) / 1000,
      // CPU time of this process (all phases): on a shared machine, wall-clock speed understates the engine.
      process_cpu_seconds: cpuSeconds(process.cpuUsage(cpu0)),
      train_cpu_seconds: trainCpuSeconds,
      num_tensors: tf.memory().numTensors,
      ...extra,
    };
  } finally {
    trainer.dispose();
    model.dispose();
    train.dispose();
  }
}

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}
