// The one seam between the UI and the training engine (a dedicated Web Worker).
// Everything the UI can ask is an EngineCommand; everything it can hear is an EngineEvent.
// Only plain data crosses it: no tensors, no classes. The data types live in src/types/.
import type { BackendChoice, DatasetId, ExperimentConfig } from '../ldae/config';
import type { ImportSide } from '../data/import/types';
import type { FaultInjection } from '../ldae/nonFinite';
import type { DatasetMeta, ImageGrid, StorageUse, StoredDatasetInfo } from '../types/data';
import type { WasmThreadPlan } from '../types/run';
import type { AdapterInfo, BackendName, Baselines, MetricsPoint, ModelSummary, ProbeResult, RunState, Snapshot, TokenizerSummary } from '../types/run';

/** One chosen file and its path inside the chosen folder ('/'-separated; the file name for loose files). */
export interface ImportFile {
  path: string;
  file: File;
}

export type ImportKind = 'image-folder' | 'cifar-10';

export type EngineCommand =
  /** threads: wasm's thread count from ?threads=N (null: hardwareConcurrency, capped). */
  | { type: 'init'; backend: BackendChoice; dataset: DatasetId; threads: number | null }
  | { type: 'loadDataset'; dataset: DatasetId }
  /** Image folder: the folder's files (paths below it) or one .zip; CIFAR-10: the .tar.gz or the .bin files. `source` names them. */
  | { type: 'importDataset'; kind: ImportKind; files: ImportFile[]; source: string; side: ImportSide; channels: 1 | 3 }
  | { type: 'cancelImport' }
  | { type: 'listDatasets' }
  | { type: 'removeDataset'; dataset: DatasetId }
  | { type: 'previewTokenizer'; config: ExperimentConfig }
  /** `fault` (the page's ?fault=nan@K): step K's loss becomes NaN, through the real guard (tests, demos). */
  | { type: 'start'; config: ExperimentConfig; fault?: FaultInjection | null }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'step'; count: number }
  | { type: 'stop' }
  | { type: 'reset' }
  | { type: 'snapshot'; levels: number[]; sampleSeed: number }
  | { type: 'probe' };

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
  /**
   * A metrics window's loss or gradient norm was NaN or infinite: the run is paused at the last good
   * state (`toStep`; weights, optimizer, data order) and Resume continues from there.
   */
  | { type: 'rolledBack'; badStep: number; toStep: number; cause: string; message: string }
  | { type: 'error'; message: string; where: string; fatal: boolean };
