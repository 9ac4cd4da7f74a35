// The worker's command handler: turns EngineCommands into work on the core's TrainingSession and
// posts EngineEvents. Training runs as an async loop that yields to the event loop between steps,
// so pause / stop / snapshot commands get through; snapshots and tokenizer previews asked for
// during training run at the next step boundary, never in the middle of a step.
import * as tf from '@tensorflow/tfjs';
import type { LoadedDataset } from '../../types/data';
import { obtainTokenizerCached } from '../../ldae/tokenizers/cache/cachedFit';
import { MemoryTokenizerCache } from '../../ldae/tokenizers/cache/memory';
import type { TokenizerCache } from '../../ldae/tokenizers/cache/types';
import { configProblems, type ExperimentConfig } from '../../ldae/config';
import { splitImages } from '../../ldae/deviceData';
import type { FaultInjection } from '../../ldae/nonFinite';
import { ProbeCancelled, baselinesOf } from '../../ldae/session/sessionProbes';
import { TrainingSession, type TrainControl } from '../../ldae/session/trainingSession';
import { summarizeTokenizer } from '../../ldae/tokenizerSummary';
import type { EngineCommand, EngineEvent } from '../protocol';
import type { RunState } from '../../types/run';
import { yieldToEventLoop } from './yieldToEventLoop';

export interface TrainingRunner {
  handle(cmd: EngineCommand): Promise<void>;
  /** Stops the run and frees its tensors; resolves once the training loop has ended. */
  dispose(): Promise<void>;
  /** The id of the run this runner trains (in the runs table), null when none. */
  liveRunId(): string | null;
  /**
   * After a device loss, on a fresh backend: resumes run `id` from its stored checkpoint and
   * resolves to the step it went on from, or null when there is nothing to resume.
   */
  resumeAfterLoss(id: string): Promise<number | null>;
}

/** Test-split images used for tokenizer reconstructions and the denoising visualizer. */
const HELD_OUT = 1000;

/** The session and what the command handler knows about it. */
interface Run {
  session: TrainingSession;
  state: RunState;
  pauseRequested: boolean;
  stopRequested: boolean;
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
  let run: Run | null = null;
  let loop: Promise<void> | null = null;
  /** Work that must not interleave with a training step; drained at step boundaries. */
  const tasks: (() => Promise<void>)[] = [];
  let serial: Promise<void> = Promise.resolve();

  const images = () => (trainImages ??= splitImages(dataset.train, dataset.meta));
  const testImages = () => (heldOut ??= splitImages(dataset.test, dataset.meta, HELD_OUT));

  function postState(state: RunState): void {
    if (run) run.state = state;
    post({ type: 'state', state, step: run?.session.step ?? 0, totalSteps: run?.session.cfg.steps ?? 0 });
  }

  /** Runs fn now when no training loop is running, else at the next step boundary; one at a time. */
  function exclusive(fn: () => Promise<void>): Promise<void> {
    if (loop) {
      return new Promise((resolve, reject) => tasks.push(() => fn().then(resolve, reject)));
    }
    const next = serial.then(fn);
    serial = next.catch(() => undefined);
    return next;
  }

  async function drainTasks(): Promise<void> {
    while (tasks.length > 0) await tasks.shift()!();
  }

  function checkConfig(cfg: ExperimentConfig): void {
    const problems = configProblems(cfg, dataset.meta);
    if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('; '));
    if (cfg.dataset !== dataset.meta.id) throw new Error(`config asks for ${cfg.dataset} but ${dataset.meta.id} is loaded`);
  }

  const tokenizerProgress = (p: { fraction: number; reconMse: number | null }) => post({ type: 'tokenizerProgress', ...p });

  async function stopLoop(): Promise<void> {
    if (run) {
      run.stopRequested = true;
      run.cancelProbe = true;
    }
    await loop;
  }

  function disposeRun(): void {
    run?.session.dispose();
    run = null;
  }

  async function start(cfg: ExperimentConfig, fault: FaultInjection | null): Promise<void> {
    checkConfig(cfg);
    await stopLoop();
    disposeRun();
    post({ type: 'state', state: 'fitting-tokenizer', step: 0, totalSteps: cfg.steps });
    let session: TrainingSession;
    try {
      session = await TrainingSession.open({
        cfg,
        dataset,
        train: images(),
        heldOut: testImages(),
        tokenizerCache,
        fault,
        onTokenizerProgress: tokenizerProgress,
        onProbeProgress: (fraction) => post({ type: 'probeProgress', fraction }),
      });
    } catch (e) {
      post({ type: 'state', state: 'error', step: 0, totalSteps: cfg.steps });
      throw e;
    }
    post({ type: 'tokenizerReady', summary: session.tokenizerSummary });
    run = { session, state: 'paused', pauseRequested: false, stopRequested: false, cancelProbe: false };
    post({ type: 'model', summary: session.model.summary() });
    runLoop(run, cfg.steps);
  }

  /** Starts the training loop up to `untilStep` in the background; errors become events. */
  function runLoop(r: Run, untilStep: number): void {
    r.pauseRequested = false;
    loop = (async () => {
      let final: RunState;
      try {
        final = await trainLoop(r, untilStep);
      } catch (e) {
        final = 'error';
        post({ type: 'error', message: e instanceof Error ? e.message : String(e), where: 'training', fatal: false });
      }
      loop = null;
      // Tasks queued while the loop was ending run now, in order.
      for (const task of tasks.splice(0)) void exclusive(task);
      if (run === r) postState(final);
    })();
  }

  /** Trains until untilStep, a pause, a stop or a non-finite loss; returns the state to report. */
  async function trainLoop(r: Run, untilStep: number): Promise<RunState> {
    const { session } = r;
    const cfg = session.cfg;
    const control: TrainControl = {
      stopped: () => r.stopRequested,
      paused: () => r.pauseRequested,
      async betweenSteps() {
        // Always yield: on wasm/cpu a readback resolves as a microtask, so with metricsEvery = 1
        // pause / snapshot messages would otherwise never be delivered.
        await yieldToEventLoop();
        await drainTasks();
      },
      onMetrics(point) {
        post({ type: 'metrics', points: [point] });
        post({ type: 'state', state: 'running', step: point.step, totalSteps: cfg.steps });
      },
    };
    postState('running');
    for (;;) {
      const end = await session.train(untilStep, control);
      if (end === 'non-finite') {
        const fault = session.lastFault!;
        post({ type: 'rolledBack', badStep: fault.window.step, toStep: fault.restoredStep, cause: fault.cause, message: fault.message });
        await drainTasks();
        return 'paused';
      }
      if (end !== 'probe-due') break;
      await runProbe(r);
      if (!r.stopRequested && !r.pauseRequested && session.step < untilStep) postState('running');
    }
    // A probe asked for while the loop was pausing, or the end-of-run evaluation.
    if (!r.stopRequested && session.probes.due(session.step) && (session.probes.requested || session.step >= cfg.steps)) await runProbe(r);
    await drainTasks();
    return r.stopRequested || session.step >= cfg.steps ? 'done' : 'paused';
  }

  /**
   * Baselines before the first evaluation, so training starts at once. A failure is reported with
   * where 'probe' and pauses the run; it is not retried, so training can go on.
   */
  async function runBaselines(r: Run): Promise<void> {
    postState('probing');
    r.cancelProbe = false;
    try {
      post({ type: 'baselines', baselines: baselinesOf(await r.session.baselines(() => r.cancelProbe)) });
    } catch (e) {
      r.session.probes.baselinesTried = false; // a cancelled try (stop, reset) does not count
      if (!(e instanceof ProbeCancelled)) probeFailed(r, e);
    }
  }

  /** One evaluation at the current step; a failure pauses the run and loses nothing else. */
  async function runProbe(r: Run): Promise<void> {
    if (!r.session.probes.baselinesTried) await runBaselines(r);
    if (r.stopRequested || r.cancelProbe) return;
    postState('probing');
    r.cancelProbe = false;
    try {
      post({ type: 'probe', result: await r.session.probe(() => r.cancelProbe) });
    } catch (e) {
      if (!(e instanceof ProbeCancelled)) probeFailed(r, e);
    }
  }

  function probeFailed(r: Run, e: unknown): void {
    r.session.probes.baselinesTried = true;
    r.pauseRequested = true;
    post({ type: 'error', message: `probe: ${e instanceof Error ? e.message : String(e)}`, where: 'probe', fatal: false });
  }

  function requireRun(what: string): Run {
    if (!run) throw new Error(`cannot ${what}: no training session (send start first)`);
    return run;
  }

  return {
    async handle(cmd) {
      switch (cmd.type) {
        case 'previewTokenizer':
          checkConfig(cmd.config);
          return exclusive(async () => {
            const fitted = await obtainTokenizerCached(cmd.config, images(), tokenizerCache, tokenizerProgress);
            try {
              post({ type: 'tokenizerReady', summary: await summarizeTokenizer(fitted.tokenizer, testImages(), fitted.fitSeconds, fitted.fromCache) });
            } finally {
              fitted.tokenizer.dispose();
            }
          });
        case 'start':
          checkConfig(cmd.config);
          // Stop a running loop first: start cannot wait for the loop from inside it.
          await stopLoop();
          return exclusive(() => start(cmd.config, cmd.fault ?? null));
        case 'pause':
          if (run && loop) run.pauseRequested = true;
          return;
        case 'resume': {
          const r = requireRun('resume');
          if (!loop && r.state === 'paused') runLoop(r, r.session.cfg.steps);
          return;
        }
        case 'step': {
          const r = requireRun('step');
          if (loop) throw new Error('cannot step while training runs: pause first');
          if (r.state !== 'paused') throw new Error(`cannot step a session that is ${r.state}`);
          runLoop(r, Math.min(r.session.cfg.steps, r.session.step + Math.max(1, Math.floor(cmd.count))));
          return;
        }
        case 'stop':
          if (run) run.cancelProbe = true;
          if (run && loop) run.stopRequested = true;
          else if (run && run.state === 'paused') postState('done');
          return;
        case 'reset':
          await stopLoop();
          return exclusive(async () => {
            disposeRun();
            post({ type: 'state', state: 'idle', step: 0, totalSteps: 0 });
          });
        case 'snapshot': {
          const r = requireRun('snapshot');
          return exclusive(async () => {
            if (run !== r) return;
            post({ type: 'snapshot', snapshot: await r.session.snapshot(cmd.levels, cmd.sampleSeed) });
          });
        }
        case 'probe': {
          const r = requireRun('probe');
          r.session.probes.requested = true;
          if (loop) return;
          return exclusive(async () => {
            if (run !== r || !r.session.probes.requested) return;
            const previous = r.state;
            await runProbe(r);
            r.pauseRequested = false;
            if (run === r) postState(previous);
          });
        }
        case 'init':
        case 'ping':
        case 'loadDataset':
        case 'importDataset':
        case 'cancelImport':
        case 'listDatasets':
        case 'removeDataset':
          throw new Error(`${cmd.type} is handled by the worker, not the training runner`);
      }
    },
    // Filled in with the runs table and its checkpoints (issue 13).
    liveRunId: () => null,
    resumeAfterLoss: async () => null,
    dispose() {
      if (run) {
        run.stopRequested = true;
        run.cancelProbe = true;
      }
      const done = loop ?? Promise.resolve();
      return done.then(() => {
        disposeRun();
        trainImages?.dispose();
        heldOut?.dispose();
        trainImages = heldOut = null;
      });
    },
  };
}
