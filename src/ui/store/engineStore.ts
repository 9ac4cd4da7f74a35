// Engine-level UI state: backend, dataset, errors and the log. The UI never touches tensors;
// it only sends commands (see ./events.ts for how engine events reach every store).
import { create } from 'zustand';
import { builtinDatasetShape, type BackendChoice, type DatasetId } from '../../ldae/config';
import type { EngineCommand } from '../../engine/protocol';
import type { FaultInjection } from '../../ldae/nonFinite';
import type { DatasetMeta, ImageGrid, ImageShape } from '../../types/data';
import type { AdapterInfo, BackendName } from '../../types/run';
import type { WasmThreadPlan } from '../../types/run';

export interface BackendStatus {
  backend: BackendName;
  adapter: AdapterInfo | null;
  requested: BackendChoice;
  fallbackReason: string | null;
  /** wasm: the thread count and why it is 1 where more were wanted. */
  wasmThreads: WasmThreadPlan | null;
}

export interface DatasetState {
  id: DatasetId;
  meta: DatasetMeta | null;
  samples: ImageGrid | null;
  progress: { loadedBytes: number; totalBytes: number | null } | null;
  error: string | null;
  /** performance.now() when loading ended, for the page-open-to-ready time. */
  readyAtMs: number | null;
}

export interface EngineError {
  id: number;
  message: string;
  where: string;
  fatal: boolean;
  dismissed: boolean;
}

export interface EngineState {
  backend: BackendStatus | null;
  dataset: DatasetState;
  /** Problems with the page URL (unknown ?dataset=, ?backend=, ...), shown to the user. */
  urlProblems: string[];
  /** ?fault=nan@K: every start makes step K's loss NaN (tests, demos of the guard). */
  fault: FaultInjection | null;
  errors: EngineError[];
  logs: string[];
  /** The engine worker died (script failed, or no heartbeat answer): why, until Restart. */
  crashed: string | null;
  /** The WebGPU device was lost: what happened and how the engine went on (null: never). */
  deviceLoss: { message: string; backend: BackendName | null; resumedFromStep: number | null; atStep: number } | null;
  send: (cmd: EngineCommand) => void;
  selectDataset: (id: DatasetId) => void;
  retryDataset: () => void;
  dismissError: (id: number) => void;
  dismissUrlProblems: () => void;
}

const MAX_LOG = 200;
let nextErrorId = 1;

export function emptyDataset(id: DatasetId): DatasetState {
  return { id, meta: null, samples: null, progress: { loadedBytes: 0, totalBytes: null }, error: null, readyAtMs: null };
}

export const useEngineStore = create<EngineState>()((set, get) => ({
  backend: null,
  dataset: emptyDataset('fashion-mnist'),
  urlProblems: [],
  fault: null,
  errors: [],
  logs: [],
  crashed: null,
  deviceLoss: null,
  send: () => {
    throw new Error('engine not connected');
  },
  selectDataset(id) {
    set({ dataset: emptyDataset(id) });
    get().send({ type: 'loadDataset', dataset: id });
  },
  retryDataset() {
    get().selectDataset(get().dataset.id);
  },
  dismissError(id) {
    set((s) => ({ errors: s.errors.map((e) => (e.id === id ? { ...e, dismissed: true } : e)) }));
  },
  dismissUrlProblems() {
    set({ urlProblems: [] });
  },
}));

export function addLog(message: string): void {
  useEngineStore.setState((s) => ({ logs: [...s.logs, message].slice(-MAX_LOG) }));
}

export function addError(message: string, where: string, fatal: boolean): void {
  const error: EngineError = { id: nextErrorId++, message, where, fatal, dismissed: false };
  useEngineStore.setState((s) => ({
    errors: [...s.errors, error].slice(-MAX_LOG),
    dataset: where === 'loadDataset' ? { ...s.dataset, progress: null, error: message } : s.dataset,
  }));
}

/** The loaded dataset's meta when it is `dataset`, else undefined (configProblems then uses the built-in shape, if any). */
export function loadedShape(dataset: string): ImageShape | undefined {
  const meta = useEngineStore.getState().dataset.meta;
  return meta && meta.id === dataset ? meta : undefined;
}

/** The image shape of `dataset` as far as the UI knows it: the loaded meta, the built-in shape, or null (not loaded yet). */
export function useDatasetShape(dataset: string): ImageShape | null {
  const meta = useEngineStore((s) => s.dataset.meta);
  return meta && meta.id === dataset ? meta : builtinDatasetShape(dataset);
}
