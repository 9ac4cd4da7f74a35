// Worker: runs one import at a time (image folder, zip, CIFAR-10 archive) from the files the page
// chose, reports progress, stores the result in IndexedDB and answers with the new list. Cancel
// aborts it between files. A failure touches nothing: the loaded dataset and any run go on.
import { extension } from '../../data/import/archives';
import { importCifar10 } from '../../data/import/cifar';
import { importImageFolder, importImageZip } from '../../data/import/folder';
import { ImportCancelled, ImportError, type ImportEntry, type ImportOptions, type ImportResult } from '../../data/import/types';
import type { LoadedDataset } from '../../types/data';
import type { IdbDatasetStore } from './datasetStoreIdb';
import { browserImageDecoder } from './imageDecoderBrowser';
import type { EngineCommand, EngineEvent, ImportFile } from '../protocol';
import { yieldToEventLoop } from './yieldToEventLoop';

const PROGRESS_INTERVAL_MS = 100;

function fileEntry({ path, file }: ImportFile): ImportEntry {
  return { path, size: file.size, read: async () => new Uint8Array(await file.arrayBuffer()) };
}

function runImport(cmd: Extract<EngineCommand, { type: 'importDataset' }>, opts: ImportOptions): Promise<ImportResult> {
  const entries = cmd.files.map(fileEntry);
  if (cmd.kind === 'cifar-10') return importCifar10(entries, opts);
  if (cmd.files.length === 1 && extension(cmd.files[0].path) === 'zip') {
    return entries[0].read().then((bytes) => importImageZip(bytes, cmd.source, browserImageDecoder, opts));
  }
  return importImageFolder(entries, cmd.source, browserImageDecoder, opts);
}

export interface DatasetImporter {
  /** Imports and stores; every outcome is posted (datasets + imported, or importFailed). */
  run(cmd: Extract<EngineCommand, { type: 'importDataset' }>): Promise<void>;
  cancel(): void;
}

/**
 * `keep` gets the stored dataset before the page hears of it, so the loadDataset the page sends
 * next finds it in memory; `postList` posts the stored list.
 */
export function createDatasetImporter(
  post: (e: EngineEvent) => void,
  store: IdbDatasetStore,
  keep: (dataset: LoadedDataset) => void,
  postList: () => Promise<void>,
): DatasetImporter {
  let controller: AbortController | null = null;
  return {
    async run(cmd) {
      if (controller) {
        post({ type: 'importFailed', message: 'an import is already running: wait for it or cancel it', cancelled: false });
        return;
      }
      const current = new AbortController();
      controller = current;
      let lastPost = 0;
      const opts: ImportOptions = {
        side: cmd.side,
        channels: cmd.channels,
        signal: current.signal,
        async onProgress(done, total, phase) {
          const now = performance.now();
          if (now - lastPost >= PROGRESS_INTERVAL_MS || done === total) {
            lastPost = now;
            post({ type: 'importProgress', done, total, phase });
          }
          // Lets 'cancelImport' (and training commands) in between files.
          await yieldToEventLoop();
        },
      };
      try {
        post({ type: 'importProgress', done: 0, total: 1, phase: 'reading the files' });
        const result = await runImport(cmd, opts);
        if (current.signal.aborted) throw new ImportCancelled();
        post({ type: 'importProgress', done: 1, total: 1, phase: 'storing in this browser' });
        const info = await store.save(result);
        keep(result.dataset);
        // The list first: when the page hears 'imported' and selects the dataset, the selector has it.
        await postList();
        post({ type: 'imported', info });
      } catch (e) {
        const cancelled = e instanceof ImportCancelled;
        const known = e instanceof ImportError || cancelled;
        const message = known ? (e as Error).message : `${cmd.source}: the import failed (${e instanceof Error ? e.message : String(e)})`;
        post({ type: 'importFailed', message, cancelled });
      } finally {
        controller = null;
      }
    },
    cancel() {
      controller?.abort();
    },
  };
}
