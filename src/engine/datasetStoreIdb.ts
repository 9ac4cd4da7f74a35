// Browser: imported datasets in IndexedDB (database "ldae-datasets", store "datasets"), each as
// its asset bytes (src/data/format.ts: header, uint8 labels, uint8 pixels; not gzipped) under
// "asset:<id>" and a small description under "info:<id>" so the list never reads the pixels.
import { createStore, delMany, get, getMany, keys, setMany, type UseStore } from 'idb-keyval';
import { decodeAsset, toLoadedDataset } from '../data/format';
import type { ImportResult } from '../data/import/types';
import type { DatasetId } from '../ldae/config';
import type { LoadedDataset, StorageUse, StoredDatasetInfo } from '../types/data';

const INFO = 'info:';
const ASSET = 'asset:';

export class IdbDatasetStore {
  private readonly store: UseStore;

  constructor(dbName = 'ldae-datasets', storeName = 'datasets') {
    this.store = createStore(dbName, storeName);
  }

  /** Stores an import (one transaction: both keys or neither); the same id again replaces it. */
  async save(result: ImportResult): Promise<StoredDatasetInfo> {
    const { meta } = result.dataset;
    const info: StoredDatasetInfo = {
      id: meta.id,
      name: meta.name,
      height: meta.height,
      width: meta.width,
      channels: meta.channels,
      classNames: meta.classNames,
      trainCount: meta.trainCount,
      testCount: meta.testCount,
      bytes: result.asset.byteLength,
      importedAt: Date.now(),
      imported: result.report,
    };
    await setMany(
      [
        [INFO + meta.id, info],
        [ASSET + meta.id, result.asset],
      ],
      this.store,
    );
    return info;
  }

  /** Every stored dataset, newest first. */
  async list(): Promise<StoredDatasetInfo[]> {
    const infoKeys = (await keys<string>(this.store)).filter((k) => typeof k === 'string' && k.startsWith(INFO));
    const infos = (await getMany<StoredDatasetInfo>(infoKeys, this.store)).filter((i) => i !== undefined);
    return infos.sort((a, b) => b.importedAt - a.importedAt);
  }

  async load(id: DatasetId): Promise<LoadedDataset> {
    const t0 = performance.now();
    const asset = await get<Uint8Array>(ASSET + id, this.store);
    if (!asset) throw new Error(`the imported dataset ${id} is not stored in this browser (removed, or imported in another browser): import it again`);
    const decoded = decodeAsset(asset);
    if (decoded.header.id !== id) throw new Error(`stored dataset ${id} holds ${decoded.header.id}`);
    return toLoadedDataset(decoded, 0, performance.now() - t0);
  }

  async remove(id: DatasetId): Promise<void> {
    await delMany([INFO + id, ASSET + id], this.store);
  }

  async storage(list?: StoredDatasetInfo[]): Promise<StorageUse> {
    const datasetBytes = (list ?? (await this.list())).reduce((a, i) => a + i.bytes, 0);
    const estimate = typeof navigator !== 'undefined' && navigator.storage?.estimate ? await navigator.storage.estimate().catch(() => null) : null;
    return { datasetBytes, usedBytes: estimate?.usage ?? null, quotaBytes: estimate?.quota ?? null };
  }
}
