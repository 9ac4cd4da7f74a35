// The one seam between the UI and the training engine (a dedicated Web Worker).
// Everything the UI can ask is an EngineCommand; everything it can hear is an EngineEvent.
// Only plain data crosses it: no tensors, no classes. The data types live in src/types/.
import type { BackendChoice, DatasetId, ExperimentConfig } from '../ldae/config';
import type { ImportSide } from '../data/import/types';
import type { FaultInjection } from '../ldae/nonFinite';
import type { EngineFault } from './engineFaults';
import type { DatasetMeta, ImageGrid, StorageUse, StoredDatasetInfo } from '../types/data';
import type { WasmParallel, WasmThreadPlan } from '../types/run';
import type { RunCurves, RunListEntry, RunOrigin, RunsStorage } from '../types/runs';
import type { AdapterInfo, BackendName, Baselines, MetricsPoint, ModelSummary, ProbeResult, RunState, Snapshot, TokenizerSummary } from '../types/run';

/** One chosen file and its path inside the chosen folder ('/'-separated; the file name for loose files). */
export interface ImportFile {
  path: string;
  file: File;
}

export type ImportKind = 'image-folder' | 'cifar-10';

export type EngineCommand =
  /**
   * threads: wasm's thread count from ?threads=N (null: hardwareConcurrency, capped).
   * parallel: how wasm uses them, from ?parallel= (null: the default, batch-parallel replicas).
   * engineFault: ?fault=device-lost@K / crash@K (tests, demos of recovery).
   */
  | { type: 'init'; backend: BackendChoice; dataset: DatasetId; threads: number | null; parallel?: WasmParallel | null; engineFault?: EngineFault | null }
  /** The page's heartbeat: answered by `pong` at once, even while training (between steps). */
  | { type: 'ping'; n: number }
  | { type: 'loadDataset'; dataset: DatasetId }
  /** Image folder: the folder's files (paths below it) or one .zip; CIFAR-10: the .tar.gz or the .bin files. `source` names them. */
  | { type: 'importDataset'; kind: ImportKind; files: ImportFile[]; source: string; side: ImportSide; channels: 1 | 3 }
  | { type: 'cancelImport' }
  | { type: 'listDatasets' }
  | { type: 'removeDataset'; dataset: DatasetId }
  | { type: 'previewTokenizer'; config: ExperimentConfig }
  /** `fault` (the page's ?fault=nan@K): step K's loss becomes NaN, through the real guard (tests, demos). */
  /** `origin`: preset and shared-link flag, kept in the runs table (absent: preset from the config, not shared). */
  | { type: 'start'; config: ExperimentConfig; fault?: FaultInjection | null; origin?: RunOrigin }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'step'; count: number }
  | { type: 'stop' }
  | { type: 'reset' }
  | { type: 'snapshot'; levels: number[]; sampleSeed: number }
  | { type: 'probe' }
  // The runs table (IndexedDB, src/engine/worker/runsKeeper.ts). Each answers with a `runs` event
  // (and the ones named below); a failure is an `error` event whose `where` is the command's type.
  | { type: 'listRuns' }
  | { type: 'renameRun'; id: string; name: string }
  /** Deletes the record and the checkpoint; refused (error event) for the live run unless it is done. */
  | { type: 'deleteRun'; id: string }
  /** Answered by `runCurves`, for overlays. */
  | { type: 'loadRunCurves'; ids: string[] }
  /**
   * An interrupted, paused or imported run goes on from its checkpoint (it becomes the live run,
   * same id, to its config's steps). Needs the run's dataset loaded (else an error naming both).
   * The page hears: state 'fitting-tokenizer' (step = the checkpoint's), tokenizerReady, model,
   * then the curves so far (`metrics` with every point, `baselines`, each `probe`), then training.
   */
  | { type: 'resumeRun'; id: string }
  /** Answered by `runExported` (the live run is checkpointed first, at its next metrics window while it trains). */
  | { type: 'exportRun'; id: string }
  /** A run bundle (.zip, at most 512 MB); answered by `runImported` (then `runs`) or `runImportFailed`. */
  | { type: 'importRun'; file: File };

export type EngineEvent =
  | { type: 'ready'; backend: BackendName; adapter: AdapterInfo | null; requested: BackendChoice; fallbackReason: string | null; wasmThreads: WasmThreadPlan | null }
  | { type: 'datasetProgress'; dataset: DatasetId; loadedBytes: number; totalBytes: number | null }
  | { type: 'datasetLoaded'; meta: DatasetMeta; samples: ImageGrid }
  | { type: 'importProgress'; done: number; total: number; phase: string }
  /** The import is stored (IndexedDB); the `datasets` event with the new list came just before. */
  | { type: 'imported'; info: StoredDatasetInfo }
  /** Bad input or a failure: the message names the file or folder; nothing the app had is touched. */
  | { type: 'importFailed'; message: string; cancelled: boolean }
  | { type: 'datasets'; list: StoredDatasetInfo[]; storage: StorageUse }
  | { type: 'state'; state: RunState; step: number; totalSteps: number }
  | { type: 'tokenizerProgress'; fraction: number; reconMse: number | null }
  | { type: 'tokenizerReady'; summary: TokenizerSummary }
  | { type: 'model'; summary: ModelSummary }
  | { type: 'metrics'; points: MetricsPoint[] }
  | { type: 'probeProgress'; fraction: number }
  | { type: 'probe'; result: ProbeResult }
  | { type: 'baselines'; baselines: Baselines }
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'log'; message: string }
  | { type: 'pong'; n: number }
  /**
   * A metrics window's loss or gradient norm was NaN or infinite: the run is paused at the last good
   * state (`toStep`; weights, optimizer, data order) and Resume continues from there.
   */
  | { type: 'rolledBack'; badStep: number; toStep: number; cause: string; message: string }
  | { type: 'error'; message: string; where: string; fatal: boolean }
  /**
   * The stored runs, newest first, with the live run as it is in memory; liveRunId is the run this
   * worker is training (null: none). Posted after every runs command, at a run's start, state
   * changes, probes and end, and at most every 3 s while it trains. Runs that could not be stored
   * (runStoreProblem) are listed with bytes 0.
   */
  | { type: 'runs'; list: RunListEntry[]; storage: RunsStorage; liveRunId: string | null }
  | { type: 'runCurves'; curves: RunCurves[] }
  /** fileName: `<run name>-step<k>.zip`; the bytes' buffer is transferred, not copied. */
  | { type: 'runExported'; id: string; fileName: string; bytes: Uint8Array }
  | { type: 'runImported'; id: string }
  /** A corrupt bundle, an unknown or newer format, a config that does not validate, shapes that do not fit. Nothing stored changed. */
  | { type: 'runImportFailed'; message: string }
  /** IndexedDB unavailable (private mode) or quota exceeded: the run keeps training in memory and is not stored. Posted once per worker. */
  | { type: 'runStoreProblem'; message: string }
  /**
   * The WebGPU device was lost (driver reset, GPU process crash). `backend` is what the engine runs
   * on now (webgpu re-initialised, or wasm when that failed); resumedFromStep: the checkpoint the
   * run went on from (null: nothing to resume).
   */
  | { type: 'deviceLost'; message: string; backend: BackendName | null; resumedFromStep: number | null };
