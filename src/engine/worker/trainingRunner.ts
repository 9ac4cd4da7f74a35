// The worker's command handler: turns EngineCommands into work on the core's TrainingSession and
// posts EngineEvents. Training runs as an async loop that yields to the event loop between steps,
// so pause / stop / snapshot commands get through; snapshots and tokenizer previews asked for
// during training run at the next step boundary, never in the middle of a step. With a runs
// keeper (runsKeeper.ts) every run is recorded and checkpointed, and stored runs can be resumed.
import type { ShardFactory } from '../../ldae/parallel/shards';
import * as tf from '@tensorflow/tfjs';
import type { ImageShape, LoadedDataset } from '../../types/data';
import type { RunOrigin } from '../../types/runs';
import { obtainTokenizerCached } from '../../ldae/tokenizers/cache/cachedFit';
import { MemoryTokenizerCache } from '../../ldae/tokenizers/cache/memory';
import type { TokenizerCache } from '../../ldae/tokenizers/cache/types';
import { builtinDatasetShape, configProblems, type ExperimentConfig } from '../../ldae/config';
import { matchingPreset } from '../../ldae/presets';
import { splitImages } from '../../ldae/deviceData';
import type { FaultInjection } from '../../ldae/nonFinite';
import { ProbeCancelled, baselinesOf } from '../../ldae/session/sessionProbes';
import { TrainingSession, type SavedTrainerState, type TrainControl } from '../../ldae/session/trainingSession';
import { summarizeTokenizer } from '../../ldae/tokenizerSummary';
import type { EngineCommand, EngineEvent } from '../protocol';
import type { RunState } from '../../types/run';
import { yieldToEventLoop } from './yieldToEventLoop';
import { LiveRunRecord } from './liveRunRecord';
import type { WrittenCheckpoint } from './runCheckpoint';
import { newRunId, type LiveContext, type RunsKeeper } from './runsKeeper';

export interface TrainingRunner {
  handle(cmd: EngineCommand): Promise<void>;
  /**
   * Writes a checkpoint of the live run at the next step boundary (now when no loop runs) and
   * returns it; null without a live run or a runs keeper. For device-loss recovery and exports.
   */
  checkpointLiveRun(): Promise<WrittenCheckpoint | null>;
  /**
   * The device under this runner was lost: stop, free what can be freed, and record nothing more
   * (what the dead session still does is fallout of the loss, not the run's history). `lost`: the
   * record of the run it trained, still the keeper's live run, for a new runner to take over
   * (resumeRun) or for the keeper to end (null: none); `done`: the loop has ended.
   */
  abandon(): { lost: LiveRunRecord | null; done: Promise<void> };
  /** The id of the run this runner trains (null: none, or no runs keeper). */
  liveRunId(): string | null;
  /** Ends the live run (its last state is written when there is a runs keeper); resolves when done. */
  dispose(): Promise<void>;
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
  /** A resumed run that trains on the first N images only: its own copy, disposed with the run. */
  ownTrain: tf.Tensor4D | null;
}

export interface RunnerOptions {
  /** Fitted tokenizers: IndexedDB in the worker, memory in tests. */
  tokenizerCache?: TokenizerCache;
  /** Records runs, writes checkpoints, answers the runs commands; none: runs are not kept. */
  runs?: RunsKeeper | null;
  /** Image shapes of datasets other than the loaded and built-in ones (imported ones), for Import run. */
  imageShapeOf?: (dataset: string) => ImageShape | null;
  /** Batch-parallel training: `count` gradient shards besides the runner's own replica (wasm). */
  shards?: { factory: ShardFactory; count: number } | null;
}

export function createTrainingRunner(pagePost: (e: EngineEvent) => void, dataset: LoadedDataset, opts: RunnerOptions = {}): TrainingRunner {
  const tokenizerCache = opts.tokenizerCache ?? new MemoryTokenizerCache();
  const runs = opts.runs ?? null;
  /** The page hears every event first; then the runs keeper records it. */
  const post = (e: EngineEvent) => {
    pagePost(e);
    if (myLive) runs?.observe(e, myLive);
  };
  /** The record of the run this runner began or resumed (another runner may have made another live since). */
  let myLive: LiveRunRecord | null = null;
  /** The keeper, while this runner's run is its live run. */
  const keeperOfMine = (): RunsKeeper | null => (runs && myLive && runs.isLive(myLive) ? runs : null);
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
    // The dataset first: another dataset's config fails the shape checks for reasons that are not its own.
    if (cfg.dataset !== dataset.meta.id) throw new Error(`config asks for ${cfg.dataset} but ${dataset.meta.id} is loaded`);
    const problems = configProblems(cfg, dataset.meta);
    if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('; '));
  }

  const tokenizerProgress = (p: { fraction: number; reconMse: number | null }) => post({ type: 'tokenizerProgress', ...p });

  async function stopLoop(): Promise<void> {
    if (run) {
      run.stopRequested = true;
      run.cancelProbe = true;
    }
    await loop;
  }

  async function disposeRun(): Promise<void> {
    run?.session.dispose();
    run?.ownTrain?.dispose();
    run = null;
    if (myLive) await runs?.endLive(myLive);
    myLive = null;
  }

  async function start(cfg: ExperimentConfig, fault: FaultInjection | null, origin: RunOrigin | null): Promise<void> {
    checkConfig(cfg);
    await stopLoop();
    await disposeRun();
    const preset = origin?.preset ?? matchingPreset(cfg) ?? 'custom';
    myLive = LiveRunRecord.fresh(newRunId(), {
      name: origin?.name ?? defaultRunName(preset, cfg),
      preset,
      config: cfg,
      trainImages: dataset.train.count,
      backend: tf.getBackend(),
      fromSharedLink: origin?.fromSharedLink ?? false,
    });
    runs?.beginLive(myLive);
    post({ type: 'state', state: 'fitting-tokenizer', step: 0, totalSteps: cfg.steps });
    const session = await openSession(cfg, { fault, train: images() });
    run = { session, state: 'paused', pauseRequested: false, stopRequested: false, cancelProbe: false, ownTrain: null };
    post({ type: 'model', summary: session.model.summary() });
    runLoop(run, cfg.steps);
  }

  async function openSession(cfg: ExperimentConfig, o: { fault?: FaultInjection | null; train: tf.Tensor4D; resume?: SavedTrainerState }): Promise<TrainingSession> {
    let session: TrainingSession;
    try {
      session = await TrainingSession.open({
        cfg,
        dataset,
        train: o.train,
        heldOut: testImages(),
        tokenizerCache,
        fault: o.fault ?? null,
        resume: o.resume ?? null,
        onTokenizerProgress: tokenizerProgress,
        onProbeProgress: (fraction) => post({ type: 'probeProgress', fraction }),
        shards: opts.shards
          ? {
              ...opts.shards,
              onFailure: (reason) =>
                post({ type: 'error', where: 'batch-parallel', fatal: false, message: `batch-parallel training could not start its ${opts.shards!.count + 1} replicas (${reason}): this run trains on one thread` }),
            }
          : null,
      });
    } catch (e) {
      post({ type: 'state', state: 'error', step: o.resume?.position.step ?? 0, totalSteps: cfg.steps });
      throw e;
    }
    post({ type: 'tokenizerReady', summary: session.tokenizerSummary });
    return session;
  }

  /** A stored run goes on from its checkpoint as the live run, under its id, to its config's steps. */
  async function resumeStored(keeper: RunsKeeper, id: string): Promise<void> {
    const { run: stored, bundle, info } = await keeper.loadForResume(id);
    const cfg = bundle.record.config;
    const name = stored.record.name;
    if (cfg.dataset !== dataset.meta.id) throw new Error(`run "${name}" was trained on ${cfg.dataset} but ${dataset.meta.name} (${dataset.meta.id}) is loaded: load ${cfg.dataset} to resume it`);
    const problems = configProblems(cfg, dataset.meta);
    if (problems.length > 0) throw new Error(`run "${name}" cannot resume on ${dataset.meta.name}: ${problems.map((p) => p.message).join('; ')}`);
    const count = bundle.record.trainImages;
    if (count > dataset.train.count) throw new Error(`run "${name}" trained on ${count} images but ${dataset.meta.name} has ${dataset.train.count}`);
    await stopLoop();
    await disposeRun();
    const record = { ...bundle.record, metrics: [...bundle.record.metrics], probes: [...bundle.record.probes], name, fromSharedLink: stored.record.fromSharedLink, environment: { ...bundle.record.environment, backend: tf.getBackend() } };
    if (!record.fromSharedLink) delete record.fromSharedLink;
    myLive = new LiveRunRecord(id, record, 'running', stored.imported);
    keeper.beginLive(myLive, info);
    post({ type: 'state', state: 'fitting-tokenizer', step: bundle.position.step, totalSteps: cfg.steps });
    const ownTrain = count < dataset.train.count ? splitImages(dataset.train, dataset.meta, count) : null;
    let session: TrainingSession;
    try {
      session = await openSession(cfg, { train: ownTrain ?? images(), resume: bundle });
    } catch (e) {
      ownTrain?.dispose();
      throw e;
    }
    run = { session, state: 'paused', pauseRequested: false, stopRequested: false, cancelProbe: false, ownTrain };
    post({ type: 'model', summary: session.model.summary() });
    // The curves so far, for the page's charts (already in the record: not recorded again).
    if (record.metrics.length > 0) pagePost({ type: 'metrics', points: [...record.metrics] });
    if (record.baselines) pagePost({ type: 'baselines', baselines: record.baselines });
    for (const result of record.probes) pagePost({ type: 'probe', result });
    if (session.step >= cfg.steps) postState('done');
    else runLoop(run, cfg.steps);
  }

  /** A checkpoint of the live run: at the next window boundary while training, else now. */
  function checkpointLive(): Promise<WrittenCheckpoint | null> {
    const keeper = keeperOfMine();
    if (!keeper || !run) return Promise.resolve(null);
    const r = run;
    if (loop) return keeper.nextCheckpoint();
    let written: WrittenCheckpoint | null = null;
    return exclusive(async () => {
      if (run === r && keeperOfMine()) written = await keeper.writeLiveCheckpoint(r.session);
    }).then(() => written);
  }

  const liveContext: LiveContext = {
    checkpointLive,
    liveBusy: () => run !== null && run.state !== 'done' && run.state !== 'error',
    imageShapeOf: (id) => (id === dataset.meta.id ? dataset.meta : builtinDatasetShape(id) ?? opts.imageShapeOf?.(id) ?? null),
  };

  /** Starts the training loop up to `untilStep` in the background; errors become events. */
  function runLoop(r: Run, untilStep: number): void {
    r.pauseRequested = false;
    loop = (async () => {
      let final: RunState;
      try {
        final = await trainLoop(r, untilStep);
        // On pause, at the end and after a rollback: the run can go on from here after a reload.
        if (run === r) await keeperOfMine()?.checkpointAtRest(r.session);
      } catch (e) {
        final = 'error';
        keeperOfMine()?.cancelCheckpointRequests();
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
        if (run === r) await keeperOfMine()?.betweenSteps(session);
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

  function requireRuns(what: string): RunsKeeper {
    if (!runs) throw new Error(`cannot ${what}: this engine keeps no runs table`);
    return runs;
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
          return exclusive(() => start(cmd.config, cmd.fault ?? null, cmd.origin ?? null));
        case 'resumeRun': {
          const keeper = requireRuns(cmd.type);
          await stopLoop();
          return exclusive(() => resumeStored(keeper, cmd.id));
        }
        case 'listRuns':
        case 'renameRun':
        case 'deleteRun':
        case 'loadRunCurves':
        case 'exportRun':
          return requireRuns(cmd.type).handle(cmd, liveContext);
        case 'importRun': {
          // Builds a model to check the shapes: at a step boundary, like the other side work.
          const keeper = requireRuns(cmd.type);
          return exclusive(() => keeper.handle(cmd, liveContext));
        }
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
            await disposeRun();
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
    checkpointLiveRun: checkpointLive,
    abandon() {
      const lost = myLive && runs?.isLive(myLive) ? myLive : null;
      myLive = null;
      return { lost, done: this.dispose() };
    },
    liveRunId: () => (run && keeperOfMine() ? myLive!.id : null),
    dispose() {
      if (run) {
        run.stopRequested = true;
        run.cancelProbe = true;
      }
      const done = loop ?? Promise.resolve();
      return done.then(async () => {
        await disposeRun();
        trainImages?.dispose();
        heldOut?.dispose();
        trainImages = heldOut = null;
      });
    },
  };
}

function defaultRunName(preset: string, cfg: ExperimentConfig): string {
  const time = new Date().toISOString().slice(11, 19);
  return `${preset} ${cfg.modelSize} seed ${cfg.seed} ${time}`;
}
