// Imported datasets as the UI knows them: the stored list (IndexedDB, owned by the worker), the
// import in progress, the last report or failure, and the import options.
import { create } from 'zustand';
import type { ImportSide } from '../../data/import/types';
import type { ImportKind, ImportFile } from '../../engine/protocol';
import type { DatasetId } from '../../ldae/config';
import type { ImportReport, StorageUse, StoredDatasetInfo } from '../../types/data';
import { useEngineStore } from './engineStore';

export interface ImportState {
  stored: StoredDatasetInfo[];
  storage: StorageUse | null;
  /** Non-null while an import runs. */
  progress: { done: number; total: number; phase: string; source: string } | null;
  /** The last import's failure (bad input: names the file or folder), or null. */
  error: string | null;
  /** The last import's outcome. */
  last: { name: string; report: ImportReport } | null;
  cancelled: boolean;
  side: ImportSide;
  channels: 1 | 3;
}

export const useImportStore = create<ImportState>()(() => ({
  stored: [],
  storage: null,
  progress: null,
  error: null,
  last: null,
  cancelled: false,
  side: 32,
  channels: 3,
}));

const send = (...args: Parameters<ReturnType<typeof useEngineStore.getState>['send']>) => useEngineStore.getState().send(...args);

export function startImport(kind: ImportKind, files: ImportFile[], source: string): void {
  if (useImportStore.getState().progress) return;
  const { side, channels } = useImportStore.getState();
  useImportStore.setState({ progress: { done: 0, total: 1, phase: 'starting', source }, error: null, last: null, cancelled: false });
  send({ type: 'importDataset', kind, files, source, side, channels });
}

export function cancelImport(): void {
  if (useImportStore.getState().progress) send({ type: 'cancelImport' });
}

export function removeStoredDataset(id: DatasetId): void {
  send({ type: 'removeDataset', dataset: id });
}

