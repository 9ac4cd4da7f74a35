// The training session behind the worker: turns EngineCommands into work on the engine and posts
// EngineEvents. Training runs as an async loop that yields to the event loop between steps, so
// pause / stop / snapshot commands get through; snapshots and tokenizer previews asked for
// during training run at the next step boundary, never in the middle of a step.
import * as tf from '@tensorflow/tfjs';
import type { LoadedDataset } from '../../types/data';
import { buildModel } from '../../ldae/build';
import { obtainTokenizerCached } from '../../ldae/tokenizers/cache/cachedFit';
import { MemoryTokenizerCache } from '../../ldae/tokenizers/cache/memory';
import type { TokenizerCache } from '../../ldae/tokenizers/cache/types';
import { configProblems, type ExperimentConfig } from '../../ldae/config';
import { splitImages } from '../../ldae/deviceData';
import type { LdaeModel } from '../../ldae/ldaeModel';
import { takeSnapshot } from '../../ldae/snapshot';
import { summarizeTokenizer } from '../../ldae/tokenizerSummary';
import { Trainer } from '../../ldae/trainer';
import type { EngineCommand, EngineEvent } from '../protocol';
import type { RunState } from '../../types/run';
import { ProbeCancelled, createRunProbes, type RunProbes } from './runProbes';
import { yieldToEventLoop } from './yieldToEventLoop';

export interface TrainingRunner {
  handle(cmd: EngineCommand): Promise<void>;
  dispose(): void;
}

/** Test-split images used for tokenizer reconstructions and the denoising visualizer. */
const HELD_OUT = 1000;

interface Session {
  cfg: ExperimentConfig;
  model: LdaeModel;
  trainer: Trainer;
  state: RunState;
  pauseRequested: boolean;
  stopRequested: boolean;
  probes: RunProbes;
  /** Ends a probe evaluation between batches (stop, reset, new start, dispose). */
  cancelProbe: boolean;
}

/** `tokenizerCache` keeps fitted tokenizers: IndexedDB in the worker, memory in tests. */
export function createTrainingRunner(
  post: (e: EngineEvent) => void,
  dataset: LoadedDataset,
  tokenizerCache: TokenizerCache = new MemoryTokenizerCache(),
): TrainingRunner {
  let trainImages: tf.Tensor4D | null = null;
  let heldOut: tf.Tensor4D | null = null;
  let session: Session | null = null;
  let loop: Promise<void> | null = null;
  /** Work that must not interleave with a training step; drained at step boundaries. */
  const tasks: (() => Promise<void>)[] = [];
  let serial: Promise<void> = Promise.resolve();

  const images = () => (trainImages ??= splitImages(dataset.train, dataset.meta));
  const testImages = () => (heldOut ??= splitImages(dataset.test, dataset.meta, HELD_OUT));

  function postState(state: RunState): void {
    if (session) session.state = state;
    post({ type: 'state', state, step: session?.trainer.step ?? 0, totalSteps: session?.cfg.steps ?? 0 });
  }

  /** Runs fn now when no training loop is running, else at the next step boundary; one at a time. */
  function exclusive(fn: () => Promise<void>): Promise<void> {
    if (loop) {
      return new Promise((resolve, reject) => tasks.push(() => fn().then(resolve, reject)));
    }
    const run = serial.then(fn);
    serial = run.catch(() => undefined);
    return run;
  }

  async function drainTasks(): Promise<void> {
    while (tasks.length > 0) await tasks.shift()!();
  }

  function checkConfig(cfg: ExperimentConfig): void {
    const problems = configProblems(cfg, dataset.meta);
    if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('; '));
    if (cfg.dataset !== dataset.meta.id) throw new Error(`config asks for ${cfg.dataset} but ${dataset.meta.id} is loaded`);
  }

  /** Fits (or restores from the tokenizer cache) the tokenizer and posts its summary. */
  async function tokenizerFor(cfg: ExperimentConfig) {
    const fitted = await obtainTokenizerCached(cfg, images(), tokenizerCache, (p) => post({ type: 'tokenizerProgress', ...p }));
    post({ type: 'tokenizerReady', summary: await summarizeTokenizer(fitted.tokenizer, testImages(), fitted.fitSeconds, fitted.fromCache) });
    return fitted.tokenizer;
  }

  async function stopLoop(): Promise<void> {
    if (session) {
      session.stopRequested = true;
      session.cancelProbe = true;
    }
    await loop;
  }

  function disposeSession(): void {
    if (!session) return;
    session.trainer.dispose();
    session.model.dispose();
    session = null;
  }

  async function start(cfg: ExperimentConfig): Promise<void> {
    checkConfig(cfg);
    await stopLoop();
    disposeSession();
    post({ type: 'state', state: 'fitting-tokenizer', step: 0, totalSteps: cfg.steps });
    let model: LdaeModel;
    try {
      model = await buildModel(cfg, await tokenizerFor(cfg), images());
    } catch (e) {
      post({ type: 'state', state: 'error', step: 0, totalSteps: cfg.steps });
      throw e;
    }
    session = {
      cfg,
      model,
      trainer: new Trainer(model, images()),
      state: 'paused',
      pauseRequested: false,
      stopRequested: false,
      probes: createRunProbes(cfg, dataset, post),
      cancelProbe: false,
    };
    post({ type: 'model', summary: model.summary() });
    runLoop(session, cfg.steps);
  }

  /** Starts the training loop up to `untilStep` in the background; errors become events. */
  function runLoop(s: Session, untilStep: number): void {
    s.pauseRequested = false;
    loop = (async () => {
      let final: RunState;
      try {
        final = await trainLoop(s, untilStep);
      } catch (e) {
        final = 'error';
        post({ type: 'error', message: e instanceof Error ? e.message : String(e), where: 'training', fatal: false });
      }
      loop = null;
      // Tasks queued while the loop was ending run now, in order.
      for (const task of tasks.splice(0)) void exclusive(task);
      if (session === s) postState(final);
    })();
  }

  /** Trains until untilStep, a pause or a stop; returns the state to report. */
  async function trainLoop(s: Session, untilStep: number): Promise<RunState> {
    const { trainer, cfg } = s;
    trainer.resetClock();
    postState('running');
    while (!s.stopRequested && !s.pauseRequested && trainer.step < untilStep) {
      trainer.trainStep();
      if (trainer.pendingSteps >= cfg.metricsEvery || trainer.step === untilStep) await flushMetrics(s);
      // Always yield: on wasm/cpu a readback resolves as a microtask, so with metricsEvery = 1
      // pause / snapshot messages would otherwise never be delivered.
      await yieldToEventLoop();
      await drainTasks();
      if (!s.stopRequested && s.probes.due(trainer.step)) {
        await flushMetrics(s);
        await runProbe(s);
        if (!s.stopRequested && !s.pauseRequested && trainer.step < untilStep) postState('running');
        trainer.resetClock();
      }
    }
    await flushMetrics(s);
    // A probe asked for while the loop was pausing, or the end-of-run evaluation after a step command.
    if (!s.stopRequested && s.probes.due(trainer.step) && (s.probes.requested || trainer.step >= cfg.steps)) await runProbe(s);
    await drainTasks();
    return s.stopRequested || trainer.step >= cfg.steps ? 'done' : 'paused';
  }

  /** The session's model as it was before its first step: same config, same seed, fresh weights. */
  async function randomInitModel(cfg: ExperimentConfig): Promise<LdaeModel> {
    const { tokenizer } = await obtainTokenizerCached(cfg, images(), tokenizerCache);
    return buildModel(cfg, tokenizer, images());
  }

  /**
   * Baselines before the first evaluation, so training starts at once. A failure is reported with
   * where 'probe' and pauses the run; it is not retried, so training can go on.
   */
  async function runBaselines(s: Session): Promise<void> {
    postState('probing');
    s.cancelProbe = false;
    try {
      post({ type: 'baselines', baselines: await s.probes.baselines(() => randomInitModel(s.cfg), () => s.cancelProbe, s.model.tokenizer) });
    } catch (e) {
      s.probes.baselinesTried = false; // a cancelled try (stop, reset) does not count
      if (!(e instanceof ProbeCancelled)) probeFailed(s, e);
    }
  }

  /** One evaluation at the current step; a failure pauses the run and loses nothing else. */
  async function runProbe(s: Session): Promise<void> {
    if (!s.probes.baselinesTried) await runBaselines(s);
    if (s.stopRequested || s.cancelProbe) return;
    postState('probing');
    s.cancelProbe = false;
    try {
      post({ type: 'probe', result: await s.probes.evaluate(s.model, s.trainer.step, () => s.cancelProbe, s.trainer.ema) });
    } catch (e) {
      if (!(e instanceof ProbeCancelled)) probeFailed(s, e);
    }
  }

  function probeFailed(s: Session, e: unknown): void {
    s.probes.baselinesTried = true;
    s.pauseRequested = true;
    post({ type: 'error', message: `probe: ${e instanceof Error ? e.message : String(e)}`, where: 'probe', fatal: false });
  }

  async function flushMetrics(s: Session): Promise<void> {
    const point = await s.trainer.readMetrics();
    if (!point) return;
    post({ type: 'metrics', points: [point] });
    post({ type: 'state', state: 'running', step: s.trainer.step, totalSteps: s.cfg.steps });
    s.trainer.resetClock();
  }

  function requireSession(what: string): Session {
    if (!session) throw new Error(`cannot ${what}: no training session (send start first)`);
    return session;
  }

  return {
    async handle(cmd) {
      switch (cmd.type) {
        case 'previewTokenizer':
          checkConfig(cmd.config);
          return exclusive(async () => {
            (await tokenizerFor(cmd.config)).dispose();
          });
        case 'start':
          checkConfig(cmd.config);
          // Stop a running loop first: start cannot wait for the loop from inside it.
          await stopLoop();
          return exclusive(() => start(cmd.config));
        case 'pause':
          if (session && loop) session.pauseRequested = true;
          return;
        case 'resume': {
          const s = requireSession('resume');
          if (!loop && s.state === 'paused') runLoop(s, s.cfg.steps);
          return;
        }
        case 'step': {
          const s = requireSession('step');
          if (loop) throw new Error('cannot step while training runs: pause first');
          if (s.state !== 'paused') throw new Error(`cannot step a session that is ${s.state}`);
          runLoop(s, Math.min(s.cfg.steps, s.trainer.step + Math.max(1, Math.floor(cmd.count))));
          return;
        }
        case 'stop':
          if (session) session.cancelProbe = true;
          if (session && loop) session.stopRequested = true;
          else if (session && session.state === 'paused') postState('done');
          return;
        case 'reset':
          await stopLoop();
          return exclusive(async () => {
            disposeSession();
            post({ type: 'state', state: 'idle', step: 0, totalSteps: 0 });
          });
        case 'snapshot': {
          const s = requireSession('snapshot');
          return exclusive(async () => {
            if (session !== s) return;
            post({ type: 'snapshot', snapshot: await takeSnapshot(s.model, testImages(), cmd.levels, cmd.sampleSeed, s.trainer.step) });
          });
        }
        case 'probe': {
          const s = requireSession('probe');
          if (loop) {
            s.probes.requested = true;
            return;
          }
          s.probes.requested = true;
          return exclusive(async () => {
            if (session !== s || !s.probes.requested) return;
            const previous = s.state;
            await runProbe(s);
            s.pauseRequested = false;
            if (session === s) postState(previous);
          });
        }
        case 'init':
        case 'loadDataset':
          throw new Error(`${cmd.type} is handled by the worker, not the training runner`);
      }
    },
    dispose() {
      if (session) {
        session.stopRequested = true;
        session.cancelProbe = true;
      }
      const done = loop ?? Promise.resolve();
      void done.then(() => {
        disposeSession();
        trainImages?.dispose();
        heldOut?.dispose();
        trainImages = heldOut = null;
      });
    },
  };
}
