// Routes every engine event to the store slice it concerns, and connects the engine client.
import { BUILTIN_DATASET_SHAPES, type BackendChoice, type DatasetId, type ExperimentConfig } from '../../ldae/config';
import { configForShape } from '../../ldae/colourDefaults';
import type { ImageShape } from '../../types/data';
import type { EngineClient } from '../../engine/client/engineClient';
import type { EngineEvent } from '../../engine/protocol';
import type { FaultInjection } from '../../ldae/nonFinite';
import type { WasmParallel } from '../../types/run';
import type { EngineFault } from '../../engine/engineFaults';
import { chooseDataset, previewSettled, requestSnapshot, startSnapshotTimer } from './actions';
import type { PresetId } from '../../ldae/presets';
import { downloadFile } from './downloadFile';
import { useImportStore } from './importStore';
import { syncConfigToUrl, useConfigStore } from './configStore';
import { addError, addLog, emptyDataset, useEngineStore } from './engineStore';
import { FLUSHES_PER_SECOND, clearMetrics, pushBaselines, pushMetrics, pushProbe } from './metricsStore';
import { hasSession, initialRun, useRunStore, type RunStoreState } from './runStore';
import { cancelReplay, replayOnEvent } from './replayStore';
import { receiveCurves, receiveRuns, useRunsStore } from './runsStore';
import { useSnapshotStore } from './snapshotStore';
import { useTokenizerStore } from './tokenizerStore';

let pendingRun: Partial<RunStoreState> | null = null;
/** Shape of the dataset loaded last (the defaults were made for grey 28x28 before any). */
let lastShape: ImageShape = BUILTIN_DATASET_SHAPES['fashion-mnist'];
let runTimer: ReturnType<typeof setTimeout> | null = null;

function flushRun(): void {
  if (runTimer !== null) clearTimeout(runTimer);
  runTimer = null;
  if (pendingRun) useRunStore.setState(pendingRun);
  pendingRun = null;
}

function throttledRun(patch: Partial<RunStoreState>): void {
  pendingRun = { ...pendingRun, ...patch };
  runTimer ??= setTimeout(flushRun, 1000 / FLUSHES_PER_SECOND);
}

function onEvent(e: EngineEvent): void {
  route(e);
  // After the stores: a replay that starts its next run must not be overwritten by this event.
  replayOnEvent(e);
}

function route(e: EngineEvent): void {
  switch (e.type) {
    case 'ready':
      useEngineStore.setState({ backend: { backend: e.backend, adapter: e.adapter, requested: e.requested, fallbackReason: e.fallbackReason, wasmThreads: e.wasmThreads } });
      return;
    case 'datasetProgress':
      useEngineStore.setState((s) =>
        s.dataset.id === e.dataset ? { dataset: { ...s.dataset, progress: { loadedBytes: e.loadedBytes, totalBytes: e.totalBytes } } } : s,
      );
      return;
    case 'datasetLoaded': {
      useEngineStore.setState((s) => ({
        dataset: { ...s.dataset, id: e.meta.id, meta: e.meta, samples: e.samples, progress: null, error: null, readyAtMs: performance.now() },
      }));
      // A new image shape (e.g. 32x32x3) gets its patch size and d (colourDefaults) unless the user chose valid ones.
      const { config, setConfig } = useConfigStore.getState();
      const next = configForShape(config, lastShape, e.meta);
      lastShape = { height: e.meta.height, width: e.meta.width, channels: e.meta.channels };
      if (next !== config) setConfig({ patchSize: next.patchSize, latentDim: next.latentDim });
      return;
    }
    case 'importProgress':
      useImportStore.setState((s) => (s.progress ? { progress: { ...s.progress, done: e.done, total: e.total, phase: e.phase } } : s));
      return;
    case 'imported': {
      useImportStore.setState({ progress: null, error: null, last: { name: e.info.name, report: e.info.imported } });
      // Straight to the new dataset unless a run holds the current one.
      const run = useRunStore.getState();
      if (!hasSession(run) && run.state !== 'fitting-tokenizer') chooseDataset(e.info.id);
      return;
    }
    case 'importFailed':
      useImportStore.setState({ progress: null, error: e.cancelled ? null : e.message, cancelled: e.cancelled });
      return;
    case 'datasets':
      useImportStore.setState({ stored: e.list, storage: e.storage });
      return;
    case 'state':
      // Step-only updates (one per metrics flush) are batched like the charts.
      if (e.state === useRunStore.getState().state && e.state === 'running') {
        throttledRun({ step: e.step, totalSteps: e.totalSteps || useRunStore.getState().totalSteps });
        return;
      }
      flushRun();
      useRunStore.setState((s) => ({
        state: e.state,
        step: e.step,
        totalSteps: e.totalSteps || s.totalSteps,
        tokenizerProgress: e.state === 'fitting-tokenizer' ? (s.tokenizerProgress ?? { fraction: 0, reconMse: null }) : null,
        probeProgress: e.state === 'probing' ? (s.probeProgress ?? 0) : null,
        ...(e.state === 'idle' ? { runConfig: null, model: null } : {}),
      }));
      return;
    case 'tokenizerProgress':
      useRunStore.setState({ tokenizerProgress: { fraction: e.fraction, reconMse: e.reconMse } });
      return;
    case 'tokenizerReady':
      useTokenizerStore.setState({ summary: e.summary });
      useRunStore.setState({ tokenizerProgress: null });
      previewSettled();
      return;
    case 'model':
      useRunStore.setState({ model: e.summary });
      return;
    case 'metrics': {
      pushMetrics(e.points);
      const last = e.points[e.points.length - 1];
      if (last) throttledRun({ latest: last });
      return;
    }
    case 'probeProgress':
      useRunStore.setState({ probeProgress: e.fraction });
      return;
    case 'probe':
      pushProbe(e.result);
      useRunStore.setState({ probeProgress: null });
      return;
    case 'baselines':
      pushBaselines(e.baselines);
      return;
    case 'snapshot':
      useSnapshotStore.setState((s) => ({ snapshot: e.snapshot, inFlight: false, lastDurationMs: performance.now() - s.requestedAt }));
      if (useSnapshotStore.getState().wantAnother) requestSnapshot();
      return;
    case 'log':
      addLog(e.message);
      return;
    case 'rolledBack':
      flushRun();
      useRunStore.setState({ rollback: { badStep: e.badStep, toStep: e.toStep, cause: e.cause, message: e.message }, step: e.toStep });
      return;
    case 'runs':
      receiveRuns(e.list, e.storage, e.liveRunId);
      return;
    case 'runCurves':
      receiveCurves(e.curves);
      return;
    case 'runExported':
      useRunsStore.setState({ exporting: null });
      downloadFile(e.bytes, e.fileName);
      return;
    case 'runImported':
      useRunsStore.setState({ importing: false, importError: null, lastImportedId: e.id });
      return;
    case 'runImportFailed':
      useRunsStore.setState({ importing: false, importError: e.message });
      return;
    case 'runStoreProblem':
      useRunsStore.setState({ storeProblem: e.message, storeProblemDismissed: false });
      return;
    case 'deviceLost': {
      flushRun();
      const atStep = useRunStore.getState().step;
      useEngineStore.setState({ deviceLoss: { message: e.message, backend: e.backend, resumedFromStep: e.resumedFromStep, atStep } });
      // The resumed run sends its curves again, up to the checkpoint.
      if (e.resumedFromStep !== null) clearMetrics(true);
      return;
    }
    case 'pong':
      return;
    case 'error':
      if (e.where === 'exportRun') useRunsStore.setState({ exporting: null });
      if (e.where === 'importRun') useRunsStore.setState({ importing: false, importError: e.message });
      addError(e.message, e.where, e.fatal);
      if (e.where === 'snapshot') useSnapshotStore.setState({ inFlight: false, wantAnother: false });
      if (e.where === 'previewTokenizer') previewSettled();
      if (e.where === 'start') useRunStore.setState((s) => (s.model ? s : { state: 'idle', runConfig: null, tokenizerProgress: null }));
      if (e.where === 'pause' || e.where === 'resume' || e.where === 'step') return;
      useRunStore.setState({ tokenizerProgress: null, probeProgress: null });
      return;
  }
}

export interface EngineStart {
  config: ExperimentConfig;
  backend: BackendChoice;
  dataset: DatasetId;
  urlProblems: string[];
  fault?: FaultInjection | null;
  /** ?fault=device-lost@K / crash@K: sent with the first init only. */
  engineFault?: EngineFault | null;
  threads?: number | null;
  /** ?parallel=kernels|batch (null: the engine's default). */
  parallel?: WasmParallel | null;
  /** The page was opened from a shared link (its runs say so). */
  fromSharedLink?: boolean;
  /** ?preset=: shown as the chosen preset. */
  preset?: PresetId | null;
}

let restartEngineFn: (() => void) | null = null;

/** After a worker crash: a fresh worker on the same backend choice and dataset; the charts stay. */
export function restartEngine(): void {
  restartEngineFn?.();
}

/** Wires a client into the stores and starts the engine. */
export function connectEngine(client: EngineClient, start: EngineStart): void {
  useConfigStore.setState({ config: start.config, chosenPreset: start.preset ?? null });
  useRunsStore.setState({ fromSharedLink: start.fromSharedLink ?? false });
  useEngineStore.setState({ send: client.send, dataset: emptyDataset(start.dataset), urlProblems: start.urlProblems, fault: start.fault ?? null });
  client.subscribe(onEvent);
  client.onCrash((reason) => {
    flushRun();
    useEngineStore.setState({ crashed: reason });
    const run = useRunStore.getState();
    if (run.state !== 'idle') useRunStore.setState({ state: 'error' });
    cancelReplay(); // its run died with the worker; the stored runs stay
  });
  const init = (engineFault: EngineFault | null) => {
    client.send({ type: 'init', backend: start.backend, dataset: useEngineStore.getState().dataset.id, threads: start.threads ?? null, parallel: start.parallel ?? null, engineFault });
    client.send({ type: 'listDatasets' });
    client.send({ type: 'listRuns' });
  };
  restartEngineFn = () => {
    client.restart();
    useEngineStore.setState((s) => ({ crashed: null, backend: null, dataset: emptyDataset(s.dataset.id) }));
    useRunStore.setState({ ...initialRun });
    useSnapshotStore.setState({ inFlight: false, wantAnother: false });
    init(null);
  };
  syncConfigToUrl();
  startSnapshotTimer();
  init(start.engineFault ?? null);
}
