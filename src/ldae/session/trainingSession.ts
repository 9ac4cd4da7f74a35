// One training run, the same for the worker and the CLI: the tokenizer (fitted or restored), the
// model, the trainer, the probe schedule and the baselines, the denoising snapshots, and the
// non-finite guard with its last good state. The drivers only decide when to call what: the
// worker around its command queue (src/engine/worker/trainingRunner.ts), the CLI straight through
// (src/cli/runExperiment.ts).
import type * as tf from '@tensorflow/tfjs';
import type { LoadedDataset } from '../../types/data';
import type { MetricsPoint, ProbeResult, Snapshot, TokenizerSummary } from '../../types/run';
import { buildModel, obtainTokenizer } from '../build';
import type { ExperimentConfig } from '../config';
import type { LdaeModel } from '../ldaeModel';
import { NonFiniteLossError, isFiniteWindow, likelyCause, type FaultInjection } from '../nonFinite';
import type { BaselineCache, BaselineMeasurements } from '../probe';
import { takeSnapshot } from '../snapshot';
import { summarizeTokenizer } from '../tokenizerSummary';
import { restoreTokenizer } from '../tokenizers';
import { obtainTokenizerCached } from '../tokenizers/cache/cachedFit';
import type { TokenizerCache } from '../tokenizers/cache/types';
import type { SerializedTokenizer, TokenizerFitProgress } from '../tokenizers/types';
import { Trainer, disposeTrainerState, type TrainerPosition, type TrainerState } from '../trainer';
import { applyTrainerState, trainerStateTensors } from '../bundle/trainerStateTensors';
import type { NamedTensor } from '../checkpoint/safetensors';
import type { ShardFactory } from '../parallel/shards';
import { createSessionProbes, type Cancelled, type SessionProbes } from './sessionProbes';

export interface SessionOptions {
  cfg: ExperimentConfig;
  dataset: LoadedDataset;
  /** Training images [count, H, W, C] on the device (not owned). */
  train: tf.Tensor4D;
  /** Held-out test images for the tokenizer summary and the snapshots (not owned). */
  heldOut: tf.Tensor4D;
  /** Where fitted tokenizers are kept; none = always fit. */
  tokenizerCache?: TokenizerCache | null;
  baselineCache?: BaselineCache;
  /** Tests and demos: step K's loss is NaN (`nan@K`), through the real guard. */
  fault?: FaultInjection | null;
  /** Keep the state of the last finite metrics window for the rollback (default true). */
  keepLastGood?: boolean;
  onTokenizerProgress?: (p: TokenizerFitProgress) => void;
  onProbeProgress?: (fraction: number) => void;
  /** Go on from a saved state (a run bundle): its tokenizer is restored, not fitted. */
  resume?: SavedTrainerState | null;
  /**
   * Batch-parallel training: `count` gradient shards compute slices of each batch (Trainer.useShards).
   * With `onFailure`, shards that cannot start are reported there and the run trains on this
   * replica alone; without it, their error fails the open.
   */
  shards?: { factory: ShardFactory; count: number; onFailure?: (reason: string) => void } | null;
}

/** A trainer's state off the device: what a run bundle stores and `resume` takes. */
export interface SavedTrainerState {
  position: TrainerPosition;
  tokenizer: SerializedTokenizer;
  tensors: NamedTensor[];
}

/** Why `train` returned. */
export type TrainEnd = 'reached' | 'paused' | 'stopped' | 'probe-due' | 'non-finite';

export interface TrainControl {
  /** Checked before each step: end now, without a probe. */
  stopped(): boolean;
  /** Checked before each step: end now; a due probe was taken first. */
  paused(): boolean;
  /** After each step (the worker yields to its event loop and runs queued work here). */
  betweenSteps?(): Promise<void>;
  /** Each finite metrics window, with the number of steps in it. */
  onMetrics(point: MetricsPoint, steps: number): void;
}

export class TrainingSession {
  readonly probes: SessionProbes;
  /** The last non-finite window and what it rolled back to; set when `train` returned 'non-finite'. */
  lastFault: NonFiniteLossError | null = null;
  /** The last finite metrics window (null before the first). */
  lastGoodWindow: MetricsPoint | null = null;
  private lastGood: TrainerState;
  private readonly keepLastGood: boolean;

  private constructor(
    private readonly o: SessionOptions,
    readonly model: LdaeModel,
    readonly trainer: Trainer,
    readonly tokenizerSummary: TokenizerSummary,
  ) {
    this.probes = createSessionProbes(o.cfg, o.dataset, { baselineCache: o.baselineCache, onProgress: o.onProbeProgress });
    this.keepLastGood = o.keepLastGood ?? true;
    this.lastGood = trainer.captureState();
  }

  /** Fits or restores the tokenizer, summarises it on the held-out images and builds the model at its seeded init. */
  static async open(o: SessionOptions): Promise<TrainingSession> {
    const fitted = o.resume
      ? await obtainTokenizer(o.cfg, o.train, o.resume.tokenizer)
      : o.tokenizerCache
        ? await obtainTokenizerCached(o.cfg, o.train, o.tokenizerCache, o.onTokenizerProgress)
        : await obtainTokenizer(o.cfg, o.train, null, o.onTokenizerProgress);
    let model: LdaeModel | null = null;
    try {
      const summary = await summarizeTokenizer(fitted.tokenizer, o.heldOut, fitted.fitSeconds, fitted.fromCache);
      model = await buildModel(o.cfg, fitted.tokenizer, o.train);
      const trainer = new Trainer(model, o.train, o.fault ?? null);
      try {
        if (o.resume) applyTrainerState(trainer, o.resume.tensors, o.resume.position);
        if (o.shards && o.shards.count > 0) {
          try {
            await trainer.useShards(o.shards.factory, o.shards.count);
          } catch (e) {
            if (!o.shards.onFailure) throw e;
            o.shards.onFailure(e instanceof Error ? e.message : String(e));
          }
        }
      } catch (e) {
        trainer.dispose();
        throw e;
      }
      return new TrainingSession(o, model, trainer, summary);
    } catch (e) {
      if (model) model.dispose();
      else fitted.tokenizer.dispose();
      throw e;
    }
  }

  get cfg(): ExperimentConfig {
    return this.o.cfg;
  }

  get step(): number {
    return this.trainer.step;
  }

  /**
   * Trains towards `untilStep` (at most cfg.steps). Returns at `untilStep`, when the control stops
   * or pauses it, before a scheduled or requested probe ('probe-due': probe, then call again), or
   * at a non-finite metrics window, after rolling back to the last good state ('non-finite':
   * `lastFault` says what happened). Metrics are flushed before it returns.
   */
  async train(untilStep: number, control: TrainControl): Promise<TrainEnd> {
    const { trainer, cfg } = this;
    const until = Math.min(untilStep, cfg.steps);
    trainer.resetClock();
    while (trainer.step < until) {
      if (control.stopped() || control.paused()) return (await this.flush(control)) ?? (control.stopped() ? 'stopped' : 'paused');
      await trainer.advance();
      if (trainer.pendingSteps >= cfg.metricsEvery || trainer.step === until) {
        const bad = await this.flush(control);
        if (bad) return bad;
      }
      await control.betweenSteps?.();
      if (!control.stopped() && trainer.step < cfg.steps && this.probes.due(trainer.step)) return (await this.flush(control)) ?? 'probe-due';
    }
    return (await this.flush(control)) ?? 'reached';
  }

  /** Reads the pending metrics window; a non-finite one rolls back and returns 'non-finite'. */
  private async flush(control: TrainControl): Promise<'non-finite' | null> {
    const steps = this.trainer.pendingSteps;
    const point = await this.trainer.readMetrics();
    if (!point) return null;
    if (!isFiniteWindow(point)) {
      const injected = this.o.fault != null && this.o.fault.nanAtStep <= point.step;
      this.lastFault = new NonFiniteLossError(point, this.keepLastGood ? this.lastGoodWindow : null, likelyCause(this.cfg, injected));
      this.trainer.restoreState(this.lastGood);
      return 'non-finite';
    }
    this.lastGoodWindow = point;
    if (this.keepLastGood) {
      disposeTrainerState(this.lastGood);
      this.lastGood = this.trainer.captureState();
    }
    control.onMetrics(point, steps);
    this.trainer.resetClock();
    return null;
  }

  /** Raw-pixel, random-init and latent baselines (cached); the random init is this model before its first step, else a fresh one. */
  baselines(cancelled?: Cancelled): Promise<BaselineMeasurements> {
    const randomInit = async () =>
      this.trainer.step === 0 && this.trainer.optimizer.steps === 0
        ? { model: this.model, owned: false }
        : { model: await buildModel(this.cfg, restoreTokenizer(this.model.tokenizer.serialize()), this.o.train), owned: true };
    return this.probes.baselines(randomInit, this.model.tokenizer, cancelled);
  }

  /** One evaluation at the current step (through the EMA when there is one). */
  probe(cancelled?: Cancelled): Promise<ProbeResult> {
    return this.probes.evaluate(this.model, this.trainer.step, this.trainer.ema, cancelled);
  }

  /** The trainer's state off the device, at this step boundary (for a run bundle). */
  async savedState(): Promise<SavedTrainerState> {
    return { position: this.trainer.position, tokenizer: this.model.tokenizer.serialize(), tensors: await trainerStateTensors(this.trainer) };
  }

  snapshot(levels: number[], sampleSeed: number): Promise<Snapshot> {
    return takeSnapshot(this.model, this.o.heldOut, levels, sampleSeed, this.trainer.step);
  }

  dispose(): void {
    disposeTrainerState(this.lastGood);
    this.trainer.dispose();
    this.model.dispose();
  }
}
