// The engine worker: hosts tfjs, chooses the backend, loads the dataset and hands training
// commands to the training runner. Talks to the UI only through protocol.ts messages.
// Every exception becomes an `error` event; the worker never dies silently.
import { builtinDatasetShape, isBuiltinDatasetId, type BuiltinDatasetId, type DatasetId } from '../../ldae/config';
import { loadDatasetBrowser } from '../../data/loadBrowser';
import { sampleGrid } from '../../data/split';
import type { ImageShape, LoadedDataset } from '../../types/data';
import { selectBackend } from './backend';
import type { EngineCommand, EngineEvent } from '../protocol';

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

async function postDatasetList(): Promise<void> {
  const list = await datasetStore.list();
  for (const d of list) storedShapes.set(d.id, { height: d.height, width: d.width, channels: d.channels });
  post({ type: 'datasets', list, storage: await datasetStore.storage(list) });
}

const importer = createDatasetImporter(post, datasetStore, (d) => (justImported = d), postDatasetList);

async function init(cmd: Extract<EngineCommand, { type: 'init' }>): Promise<void> {
  const sel = await selectBackend(cmd.backend, { threads: cmd.threads });
  backendReady = true;
  post({ type: 'ready', backend: sel.backend, adapter: sel.adapter, requested: sel.requested, fallbackReason: sel.fallbackReason, wasmThreads: sel.wasmThreads });
  for (const note of sel.notes) post({ type: 'log', message: note });
  for (const failure of sel.failures) post({ type: 'log', message: `backend not used: ${failure}` });
  await loadDataset(cmd.dataset);
}

async function loadDataset(id: DatasetId): Promise<void> {
  if (!backendReady) throw new Error('loadDataset before init');
  runner?.dispose();
  runner = null;
  dataset = null;
  const loaded = isBuiltinDatasetId(id) ? await fetchBuiltin(id) : await loadImported(id);
  dataset = loaded;
  const samples = sampleGrid(loaded.test, loaded.meta, loaded.meta.classNames.length, SAMPLES_PER_CLASS);
  post({ type: 'datasetLoaded', meta: loaded.meta, samples });
  runner = createTrainingRunner(post, loaded, { tokenizerCache, runs: runsKeeper, imageShapeOf: (id) => storedShapes.get(id) ?? null });
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
