// UI state fed by engine events. The UI never touches tensors; it only sends commands.
import { create } from 'zustand';
import type { BackendChoice, DatasetId } from '../../ldae/config';
import type { EngineClient } from '../../engine/client';
import type { AdapterInfo, BackendName, DatasetMeta, EngineCommand, EngineEvent, ImageGrid } from '../../engine/protocol';

export interface BackendStatus {
  backend: BackendName;
  adapter: AdapterInfo | null;
  requested: BackendChoice;
  fallbackReason: string | null;
}

export interface DatasetState {
  id: DatasetId;
  meta: DatasetMeta | null;
  samples: ImageGrid | null;
  progress: { loadedBytes: number; totalBytes: number | null } | null;
  error: string | null;
  /** performance.now() when loading started / ended, for the page-open-to-ready time. */
  readyAtMs: number | null;
}

export interface EngineError {
  message: string;
  where: string;
  fatal: boolean;
}

export interface EngineState {
  backend: BackendStatus | null;
  dataset: DatasetState;
  /** Problems with the page URL (unknown ?dataset=, ?backend=, ...), shown to the user. */
  urlProblems: string[];
  errors: EngineError[];
  logs: string[];
  send: (cmd: EngineCommand) => void;
  selectDataset: (id: DatasetId) => void;
  retryDataset: () => void;
}

const MAX_LOG = 200;

function emptyDataset(id: DatasetId): DatasetState {
  return { id, meta: null, samples: null, progress: { loadedBytes: 0, totalBytes: null }, error: null, readyAtMs: null };
}

export const useEngineStore = create<EngineState>()((set, get) => ({
  backend: null,
  dataset: emptyDataset('fashion-mnist'),
  urlProblems: [],
  errors: [],
  logs: [],
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
}));

function onEvent(e: EngineEvent): void {
  const set = useEngineStore.setState;
  switch (e.type) {
    case 'ready':
      set({ backend: { backend: e.backend, adapter: e.adapter, requested: e.requested, fallbackReason: e.fallbackReason } });
      return;
    case 'datasetProgress':
      set((s) => (s.dataset.id === e.dataset ? { dataset: { ...s.dataset, progress: { loadedBytes: e.loadedBytes, totalBytes: e.totalBytes } } } : s));
      return;
    case 'datasetLoaded':
      set((s) => ({ dataset: { ...s.dataset, id: e.meta.id, meta: e.meta, samples: e.samples, progress: null, error: null, readyAtMs: performance.now() } }));
      return;
    case 'log':
      set((s) => ({ logs: [...s.logs, e.message].slice(-MAX_LOG) }));
      return;
    case 'error':
      set((s) => ({
        errors: [...s.errors, { message: e.message, where: e.where, fatal: e.fatal }].slice(-MAX_LOG),
        dataset: e.where === 'loadDataset' ? { ...s.dataset, progress: null, error: e.message } : s.dataset,
      }));
      return;
    default:
      return; // training events: handled by the training UI
  }
}

/** Wires a client into the store and starts the engine. */
export function connectEngine(client: EngineClient, start: { backend: BackendChoice; dataset: DatasetId; urlProblems: string[] }): void {
  useEngineStore.setState({ send: client.send, dataset: emptyDataset(start.dataset), urlProblems: start.urlProblems });
  client.subscribe(onEvent);
  client.send({ type: 'init', backend: start.backend, dataset: start.dataset });
}
