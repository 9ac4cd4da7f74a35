// The engine worker: hosts tfjs, chooses the backend, loads the dataset and hands training
// commands to the training runner. Talks to the UI only through protocol.ts messages.
// Every exception becomes an `error` event; the worker never dies silently.
import { builtinDatasetShape, isBuiltinDatasetId, type BuiltinDatasetId, type DatasetId } from '../../ldae/config';
import { loadDatasetBrowser } from '../../data/loadBrowser';
import { sampleGrid } from '../../data/split';
import type { ImageShape, LoadedDataset } from '../../types/data';
import { selectBackend, type BackendSelection } from './backend';
import { workerShards } from './gradientShards';
import type { WasmParallel, WasmThreadPlan } from '../../backends/wasmThreadPlan';
import type { EngineCommand, EngineEvent } from '../protocol';
import type { EngineFault } from '../engineFaults';
import type { MetricsPoint } from '../../types/run';
import { currentGpuDevice, replaceWebGpuBackend, watchDeviceLoss, type DeviceLossInfo } from './deviceLoss';

import { createTrainingRunner, type TrainingRunner } from './trainingRunner';
import { IdbTokenizerCache } from './tokenizerCacheIdb';
import { IdbDatasetStore } from './datasetStoreIdb';
import { createDatasetImporter } from './datasetImport';
import { openRunsStore } from './runsDb';
import { RunsKeeper, type LiveContext, type RunsCommand } from './runsKeeper';

/** Fitted tokenizers persist across page loads in IndexedDB. */
const tokenizerCache = new IdbTokenizerCache();
/** So do imported datasets. */
const datasetStore = new IdbDatasetStore();

/** And the runs table: records and checkpoints (runsDb.ts); without IndexedDB, runs live in memory. */
const runsStore = openRunsStore();
const runsKeeper = new RunsKeeper({ store: runsStore.store, problem: runsStore.problem, post });
/** Shapes of the stored imported datasets, for checking imported runs' weights. */
const storedShapes = new Map<string, ImageShape>();

const SAMPLES_PER_CLASS = 4;
const PROGRESS_INTERVAL_MS = 50;

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(e: EngineEvent): void {
  if (e.type === 'runExported') {
    // Hand the bundle's buffer over instead of copying it (a view gets a buffer of its own first).
    const whole = e.bytes.byteOffset === 0 && e.bytes.byteLength === e.bytes.buffer.byteLength ? e.bytes : e.bytes.slice();
    scope.postMessage({ ...e, bytes: whole }, [whole.buffer]);
    return;
  }
  scope.postMessage(e);
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  if (typeof e === 'string') return e;
  if (typeof ErrorEvent !== 'undefined' && e instanceof ErrorEvent) return e.message || `error in ${e.filename || 'a script'}`;
  if (typeof Event !== 'undefined' && e instanceof Event) return `${e.type} event from ${String((e.target as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'unknown')}`;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}

function reportError(where: string, e: unknown, fatal = false): void {
  post({ type: 'error', message: describe(e), where, fatal });
}

scope.addEventListener('error', (ev) => {
  ev.preventDefault();
  reportError('worker', ev.error ?? ev.message);
});
scope.addEventListener('unhandledrejection', (ev) => {
  ev.preventDefault();
  reportError('worker (unhandled rejection)', ev.reason);
});

let backendReady = false;
let dataset: LoadedDataset | null = null;
let runner: TrainingRunner | null = null;
/** init and loadDataset run one after another; runner commands wait for them. */
let setup: Promise<void> = Promise.resolve();
/** The dataset imported last, until it is loaded (saves reading it back from IndexedDB). */
let justImported: LoadedDataset | null = null;
/** ?threads=N and ?parallel= from init, reused when the backend is chosen again after a device loss. */
let wasmThreadsWanted: number | null = null;
let wasmParallelWanted: WasmParallel | null = null;
/** The wasm plan of the chosen backend: batch-parallel runners get its shards. */
let wasmPlan: WasmThreadPlan | null = null;
/** ?fault=device-lost@K / crash@K: fires once, at the first metrics window reaching step K. */
let engineFault: EngineFault | null = null;
/** Bumped when a runner is abandoned (device lost): what an old runner still posts is only logged. */
let generation = 0;
let stopWatchingDevice: () => void = () => undefined;
/** How long to wait for a runner of a lost device to end its loop before going on without it. */
const ABANDON_TIMEOUT_MS = 15_000;

async function postDatasetList(): Promise<void> {
  const list = await datasetStore.list();
  for (const d of list) storedShapes.set(d.id, { height: d.height, width: d.width, channels: d.channels });
  post({ type: 'datasets', list, storage: await datasetStore.storage(list) });
}

const importer = createDatasetImporter(post, datasetStore, (d) => (justImported = d), postDatasetList);

function backendChosen(sel: BackendSelection): void {
  backendReady = true;
  wasmPlan = sel.backend === 'wasm' ? sel.wasmThreads : null;
  post({ type: 'ready', backend: sel.backend, adapter: sel.adapter, requested: sel.requested, fallbackReason: sel.fallbackReason, wasmThreads: sel.wasmThreads });
  for (const note of sel.notes) post({ type: 'log', message: note });
  for (const failure of sel.failures) post({ type: 'log', message: `backend not used: ${failure}` });
  stopWatchingDevice();
  stopWatchingDevice = watchDeviceLoss(onDeviceLost);
}

async function init(cmd: Extract<EngineCommand, { type: 'init' }>): Promise<void> {
  wasmThreadsWanted = cmd.threads;
  wasmParallelWanted = cmd.parallel ?? null;
  engineFault = cmd.engineFault ?? null;
  backendChosen(await selectBackend(cmd.backend, { threads: cmd.threads, parallel: wasmParallelWanted }));
  await loadDataset(cmd.dataset);
}

/** The training runner's events, dropped (errors logged) once the runner has been abandoned. */
function runnerPost(gen: number): (e: EngineEvent) => void {
  return (e) => {
    if (gen !== generation) {
      if (e.type === 'error' || e.type === 'log') post({ type: 'log', message: `(run on the lost device) ${e.message}` });
      return;
    }
    post(e);
    if (e.type === 'metrics') injectEngineFault(e.points);
  };
}

function newRunner(loaded: LoadedDataset): TrainingRunner {
  const shards = wasmPlan?.parallel === 'batch' && wasmPlan.threads > 1 ? { factory: workerShards, count: wasmPlan.threads - 1 } : null;
  return createTrainingRunner(runnerPost(generation), loaded, { tokenizerCache, runs: runsKeeper, imageShapeOf: (id) => storedShapes.get(id) ?? null, shards });
}

/** The step of run `id`'s stored checkpoint, null when it has none. */
async function checkpointStepOf(id: string): Promise<number | null> {
  const { list } = await runsKeeper.list(true);
  return list.find((r) => r.id === id)?.checkpointStep ?? null;
}

function injectEngineFault(points: MetricsPoint[]): void {
  const last = points[points.length - 1];
  if (!engineFault || !last || last.step < engineFault.atStep) return;
  const fault = engineFault;
  engineFault = null;
  if (fault.kind === 'crash') {
    // As an out-of-memory kill would: no message, no more answers; the page's heartbeat notices.
    scope.close();
    return;
  }
  const device = currentGpuDevice();
  if (!device) {
    post({ type: 'log', message: `?fault=device-lost@${fault.atStep} ignored: the backend is not webgpu` });
    return;
  }
  post({ type: 'log', message: `fault injection: destroying the WebGPU device after step ${last.step}` });
  device.destroy();
}

/**
 * The GPU device is gone and every tensor on it with it. The run is abandoned, tfjs gets a new
 * webgpu backend (wasm when that fails), a new runner is made for the loaded dataset (its images
 * are kept in CPU memory), and the live run resumes from its last checkpoint.
 */
function onDeviceLost(info: DeviceLossInfo): void {
  // After any init or dataset load under way; runner commands wait for it.
  setup = setup.then(() => recoverFromDeviceLoss(info)).catch((e) => reportError('device loss recovery', e, true));
}

async function recoverFromDeviceLoss(info: DeviceLossInfo): Promise<void> {
  const lostMessage = `the WebGPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''})`;
  post({ type: 'log', message: lostMessage });
  generation++;
  const old = runner;
  runner = null;
  const { lost, done } = old?.abandon() ?? { lost: null, done: Promise.resolve() };
  await Promise.race([done.catch(() => undefined), new Promise((r) => setTimeout(r, ABANDON_TIMEOUT_MS))]);
  const resumeId = lost?.id ?? null;
  /** Not resumed: the run ends as it was stored, listed interrupted with its checkpoint. */
  const endLost = async () => {
    if (lost) await runsKeeper.endLive(lost);
  };
  replaceWebGpuBackend();
  const sel = await selectBackend('webgpu', { threads: wasmThreadsWanted, parallel: wasmParallelWanted, order: ['webgpu', 'wasm', 'cpu'] });
  backendChosen(sel);
  if (!dataset) {
    await endLost();
    post({ type: 'deviceLost', message: lostMessage, backend: sel.backend, resumedFromStep: null });
    return;
  }
  runner = newRunner(dataset);
  const resumedFromStep = resumeId === null ? null : await checkpointStepOf(resumeId);
  // Told first: the page clears the run's charts, which the resume sends again up to the checkpoint.
  post({ type: 'deviceLost', message: lostMessage, backend: sel.backend, resumedFromStep });
  if (resumeId !== null && resumedFromStep !== null) {
    try {
      await runner.handle({ type: 'resumeRun', id: resumeId });
      return;
    } catch (e) {
      reportError('resumeRun', e);
    }
  }
  await endLost();
  post({ type: 'state', state: 'idle', step: 0, totalSteps: 0 });
}

async function loadDataset(id: DatasetId): Promise<void> {
  if (!backendReady) throw new Error('loadDataset before init');
  void runner?.dispose();
  runner = null;
  dataset = null;
  const loaded = isBuiltinDatasetId(id) ? await fetchBuiltin(id) : await loadImported(id);
  dataset = loaded;
  const samples = sampleGrid(loaded.test, loaded.meta, loaded.meta.classNames.length, SAMPLES_PER_CLASS);
  post({ type: 'datasetLoaded', meta: loaded.meta, samples });
  runner = newRunner(loaded);
}

function fetchBuiltin(id: BuiltinDatasetId): Promise<LoadedDataset> {
  let lastPost = 0;
  const baseUrl = new URL(import.meta.env.BASE_URL, scope.location.origin).href;
  return loadDatasetBrowser(id, baseUrl, (loadedBytes, totalBytes) => {
    const now = performance.now();
    if (now - lastPost < PROGRESS_INTERVAL_MS && loadedBytes !== totalBytes) return;
    lastPost = now;
    post({ type: 'datasetProgress', dataset: id, loadedBytes, totalBytes });
  });
}

async function loadImported(id: DatasetId): Promise<LoadedDataset> {
  const recent = justImported;
  justImported = null;
  if (recent && recent.meta.id === id) return recent;
  return datasetStore.load(id);
}

async function removeDataset(id: DatasetId): Promise<void> {
  if (dataset?.meta.id === id) throw new Error(`${dataset.meta.name} is the loaded dataset: choose another one before removing it`);
  if (justImported?.meta.id === id) justImported = null;
  await datasetStore.remove(id);
  await postDatasetList();
}

/** Runs commands that need no training session go straight to the keeper while no dataset is loaded. */
const noSession: LiveContext = {
  checkpointLive: async () => null,
  liveBusy: () => false,
  imageShapeOf: (id) => builtinDatasetShape(id) ?? storedShapes.get(id) ?? null,
};

async function handleRunsCommand(cmd: RunsCommand): Promise<void> {
  if (runner) return runner.handle(cmd);
  await runsKeeper.handle(cmd, noSession);
}

async function forwardToRunner(cmd: EngineCommand): Promise<void> {
  await setup;
  if (!dataset || !runner) throw new Error(`cannot ${cmd.type}: no dataset loaded`);
  await runner.handle(cmd);
}

function handle(cmd: EngineCommand): void {
  switch (cmd.type) {
    case 'ping':
      post({ type: 'pong', n: cmd.n });
      return;
    case 'init':
      setup = setup.then(() => init(cmd)).catch((e) => reportError(backendReady ? 'loadDataset' : 'init', e, !backendReady));
      return;
    case 'loadDataset':
      setup = setup.then(() => loadDataset(cmd.dataset)).catch((e) => reportError('loadDataset', e));
      return;
    // Imports and the stored list run beside training and loading: they touch neither.
    case 'importDataset':
      importer.run(cmd).catch((e) => reportError('importDataset', e));
      return;
    case 'cancelImport':
      importer.cancel();
      return;
    case 'listDatasets':
      postDatasetList().catch((e) => reportError('listDatasets', e));
      return;
    case 'removeDataset':
      removeDataset(cmd.dataset).catch((e) => reportError('removeDataset', e));
      return;
    case 'listRuns':
    case 'renameRun':
    case 'deleteRun':
    case 'loadRunCurves':
    case 'exportRun':
    case 'importRun':
      handleRunsCommand(cmd).catch((e) => reportError(cmd.type, e));
      return;
    default:
      forwardToRunner(cmd).catch((e) => reportError(cmd.type, e));
  }
}

scope.addEventListener('message', (ev: MessageEvent<EngineCommand>) => {
  try {
    handle(ev.data);
  } catch (e) {
    reportError('message', e);
  }
});
