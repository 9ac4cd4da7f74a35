// One training run of the CLI, on the core's TrainingSession (the worker's run loop too): the
// model line, the baselines before the first step (cached in .cache/baselines), a JSON line per
// metrics window and per probe, the checkpoint with --save-checkpoint, the end-of-run evaluation
// and the summary. The single run, the tokenizer sweep and the generic sweep all train through here.
import * as tf from '@tensorflow/tfjs';
import type { LoadedDataset } from '../types/data';
import type { MetricsPoint, ProbeResult } from '../types/run';
import { checkpointOf } from '../ldae/checkpoint/checkpoint';
import type { ExperimentConfig } from '../ldae/config';
import { splitImages } from '../ldae/deviceData';
import type { FaultInjection } from '../ldae/nonFinite';
import { createBaselineCache } from '../ldae/probe';
import { TrainingSession, type TrainEnd } from '../ldae/session/trainingSession';
import type { TokenizerCache } from '../ldae/tokenizers/cache/types';
import { FileBaselineStore } from '../node/baselineStoreFile';
import { writeCheckpointFile } from '../node/checkpointFile';
import { datasetBlock } from './datasetFlags';
import type { RunBundle, RunRecord } from '../ldae/bundle/runBundle';
import { baselinesOf } from '../ldae/session/sessionProbes';
import { writeRunBundleFile } from '../node/runBundleFile';
import { nodeWorkerShards } from '../node/gradientShardsNode';
import { baselineFields, probeFields } from './probeLines';

export type Emit = (line: Record<string, unknown>) => void;

export interface ExperimentRun {
  preset: string;
  config: ExperimentConfig;
  backend: string;
  /** Use only the first N training images (0 = all). */
  trainImages: number;
  /** --threads N > 1: N batch-parallel wasm replicas (this thread and N - 1 worker threads). */
  threads?: number;
  /** Where fitted tokenizers are kept between runs (the CLI: .cache/tokenizers); none = always fit. */
  tokenizerCache?: TokenizerCache;
  /** --fault nan@K: step K's loss is NaN (the session's guard stops the run). */
  fault?: FaultInjection | null;
  /** Write the trained model here at the end of training (before the final probe). */
  saveCheckpoint?: string;
  /** --stop-at K: end at step K as a pause would (no end-of-run probe); the schedules still span config.steps. */
  stopAt?: number;
  /** --export FILE: write the run bundle when the run ends. */
  exportTo?: string | null;
  /** --resume FILE: go on from this bundle (its config and training images are the run's). */
  resume?: { file: string; bundle: RunBundle } | null;
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

const neverStop = () => false;

export async function runExperiment(run: ExperimentRun, data: LoadedDataset, emit: Emit): Promise<Record<string, unknown>> {
  const cfg = run.config;
  const threads = run.threads ?? 1;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const startedAt = new Date().toISOString();
  const prior = run.resume?.bundle.record ?? null;
  const train = splitImages(data.train, data.meta, run.trainImages > 0 ? run.trainImages : data.train.count);
  const heldOut = splitImages(data.test, data.meta, HELD_OUT_FOR_TOKENIZER);
  let session: TrainingSession | null = null;
  try {
    session = await TrainingSession.open({
      cfg,
      dataset: data,
      train,
      heldOut,
      tokenizerCache: run.tokenizerCache ?? null,
      baselineCache: createBaselineCache(new FileBaselineStore()),
      fault: run.fault ?? null,
      resume: run.resume?.bundle ?? null,
      shards: threads > 1 ? { factory: nodeWorkerShards, count: threads - 1 } : null,
    });
    const s = session;
    const tok = s.tokenizerSummary;
    const summary = s.model.summary();
    emit({
      type: 'model',
      preset: run.preset,
      params: summary.params,
      flops_per_image: summary.flopsPerImage,
      tokens: summary.tokens,
      width: summary.width,
      depth: summary.depth,
      tokenizer: { kind: tok.kind, d: tok.latentDim, D: tok.patchDim, variance_kept: tok.varianceKept, recon_mse: tok.reconMse },
    });
    const baselines = await s.baselines();
    emit({ type: 'baselines', ...baselineFields(baselines) });

    const trainCpu0 = process.cpuUsage();
    let probeCpuSeconds = 0;
    let probeSeconds = 0;
    let lastProbe: ProbeResult | null = null;
    const probes: ProbeResult[] = [...(prior?.probes ?? [])];
    const points: MetricsPoint[] = [...(prior?.metrics ?? [])];
    const probe = async () => {
      const cpu = process.cpuUsage();
      const r = await s.probe();
      probeCpuSeconds += cpuSeconds(process.cpuUsage(cpu));
      probeSeconds += r.seconds;
      lastProbe = r;
      probes.push(r);
      emit({ type: 'probe', ...probeFields(r) });
      return r;
    };
    const windows: { steps: number; seconds: number; loss: number }[] = [];
    let trainSeconds = 0;
    const control = {
      stopped: neverStop,
      paused: neverStop,
      onMetrics(m: MetricsPoint, steps: number) {
        const seconds = (m.msPerStep * steps) / 1000;
        trainSeconds += seconds;
        windows.push({ steps, seconds, loss: m.loss });
        points.push(m);
        emit(metricsLine(m));
      },
    };
    const until = run.stopAt ?? cfg.steps;
    let end: TrainEnd;
    while ((end = await s.train(until, control)) === 'probe-due') await probe();
    if (end === 'non-finite') {
      // The weights are no longer finite: no probe; the last good window is what is left.
      const error = s.lastFault!;
      const m = error.window;
      emit(metricsLine(m));
      emit({
        type: 'summary',
        preset: run.preset,
        config: cfg,
        dataset: datasetBlock(data.meta),
        backend: run.backend,
        stopped: 'non-finite loss',
        steps: error.restoredStep,
        final_loss: error.lastGood?.loss ?? null,
        first_loss: windows[0]?.loss ?? null,
        non_finite: { step: m.step, loss: String(m.loss), grad_norm: String(m.gradNorm), cause: error.cause, rolled_back_to: error.restoredStep },
        train_seconds: trainSeconds,
        wall_seconds: (performance.now() - t0) / 1000,
      });
      throw error;
    }
    const step = s.step;
    const trainCpuSeconds = cpuSeconds(process.cpuUsage(trainCpu0)) - probeCpuSeconds;
    // The checkpoint before the final probe: a failing probe must not lose the trained model.
    let checkpoint: Record<string, unknown> | null = null;
    if (run.saveCheckpoint) {
      const w0 = performance.now();
      const bytes = await writeCheckpointFile(run.saveCheckpoint, await checkpointOf(s.model, step, { preset: run.preset, trainImages: train.shape[0] }));
      checkpoint = { file: run.saveCheckpoint, step, bytes, seconds: (performance.now() - w0) / 1000 };
    }
    // --stop-at ends as a pause would: no end-of-run evaluation.
    const stoppedEarly = step < cfg.steps;
    const final: ProbeResult | null = stoppedEarly ? null : s.probes.due(step) ? await probe() : lastProbe;
    let exported: Record<string, unknown> | null = null;
    if (run.exportTo) {
      const e0 = performance.now();
      const record: RunRecord = {
        name: prior?.name ?? `${run.preset} seed ${cfg.seed}`,
        preset: run.preset,
        config: cfg,
        state: stoppedEarly ? 'paused' : 'done',
        step,
        trainImages: train.shape[0],
        metrics: points,
        probes,
        baselines: baselinesOf(baselines),
        tokenizer: tok,
        model: summary,
        environment: { backend: run.backend, runtime: `node ${process.version}` },
        startedAt: prior?.startedAt || startedAt,
        endedAt: stoppedEarly ? null : new Date().toISOString(),
        wallSeconds: (prior?.wallSeconds ?? 0) + trainSeconds + probeSeconds,
      };
      const bytes = await writeRunBundleFile(run.exportTo, { record, ...(await s.savedState()) });
      exported = { file: run.exportTo, step, state: record.state, bytes, seconds: (performance.now() - e0) / 1000 };
    }
    // Steady-state speed: leave out the first window (kernel compilation, warm-up) when there are others.
    const steady = windows.length > 1 ? windows.slice(1) : windows;
    const steadySteps = steady.reduce((n, w) => n + w.steps, 0);
    const steadySeconds = steady.reduce((n, w) => n + w.seconds, 0);
    const batch = Math.min(cfg.batchSize, train.shape[0]);
    return {
      type: 'summary',
      preset: run.preset,
      config: cfg,
      dataset: datasetBlock(data.meta),
      backend: run.backend,
      threads,
      steps: step,
      images_per_s: (steadySteps * batch) / steadySeconds,
      ms_per_step: (steadySeconds * 1000) / steadySteps,
      images_per_s_overall: (step * batch) / trainSeconds,
      final_loss: windows.at(-1)?.loss ?? null,
      first_loss: windows[0]?.loss ?? null,
      params: summary.params,
      flops_per_image: summary.flopsPerImage,
      forward_flops_per_image: summary.forwardFlopsPerImage,
      train_images: train.shape[0],
      tokenizer: {
        kind: tok.kind,
        latent_dim: tok.latentDim,
        patch_dim: tok.patchDim,
        variance_kept: tok.varianceKept,
        recon_mse: tok.reconMse,
        recon_psnr: tok.reconPsnr,
        // Restore time when from_cache (the original fit time is not stored in the cache).
        fit_seconds: tok.fitSeconds,
        from_cache: tok.fromCache,
      },
      train_seconds: trainSeconds,
      wall_seconds: (performance.now() - t0) / 1000,
      // CPU time of this process (all phases): on a shared machine, wall-clock speed understates the engine.
      process_cpu_seconds: cpuSeconds(process.cpuUsage(cpu0)),
      train_cpu_seconds: trainCpuSeconds,
      num_tensors: tf.memory().numTensors,
      ...(checkpoint ? { checkpoint } : {}),
      ...(stoppedEarly ? { stopped: 'stop-at' } : {}),
      ...(run.resume ? { resumed_from: { file: run.resume.file, step: run.resume.bundle.position.step } } : {}),
      ...(exported ? { export: exported } : {}),
      ...(final ? { probe: probeFields(final) } : {}),
      probe_seconds_total: probeSeconds,
      probe_sets: { train: s.probes.sets().train.count, test: s.probes.sets().test.count, t: cfg.probeT },
      baselines: baselineFields(baselines),
    };
  } finally {
    session?.dispose();
    heldOut.dispose();
    train.dispose();
  }
}

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}
