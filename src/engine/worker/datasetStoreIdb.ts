// Browser: imported datasets in IndexedDB (database "ldae-datasets", store "datasets"), each as
// its asset bytes (src/data/format.ts: header, uint8 labels, uint8 pixels; not gzipped) in chunks
// under "asset:<id>:<n>" (Chromium refuses values over ~128 MB; CIFAR-10 is 184 MB) and a small
// description under "info:<id>", written last, so the list never reads pixels and never shows a
// half-written import.
import { createStore, delMany, get, getMany, keys, set, type UseStore } from 'idb-keyval';
import { decodeAsset, toLoadedDataset } from '../../data/format';
import type { ImportResult } from '../../data/import/types';
import type { DatasetId } from '../../ldae/config';
import type { LoadedDataset, StorageUse, StoredDatasetInfo } from '../../types/data';

const INFO = 'info:';
const ASSET = 'asset:';
/** Bytes per stored chunk: well under Chromium's limit on one IndexedDB value. */
export const CHUNK_BYTES = 32 * 1024 * 1024;

interface StoredInfo extends StoredDatasetInfo {
  chunks: number;
}

/** Views of `bytes` in pieces of at most `size` bytes (at least one piece). */
export function splitChunks(bytes: Uint8Array, size = CHUNK_BYTES): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o < bytes.length || out.length === 0; o += size) out.push(bytes.subarray(o, Math.min(bytes.length, o + size)));
  return out;
}

export function joinChunks(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

const chunkKeys = (id: DatasetId, chunks: number) => Array.from({ length: chunks }, (_, n) => `${ASSET}${id}:${n}`);

export class IdbDatasetStore {
  private readonly store: UseStore;

  constructor(dbName = 'ldae-datasets', storeName = 'datasets') {
    this.store = createStore(dbName, storeName);
  }

  /** Stores an import; the same id again replaces it. A failed write leaves no trace. */
  async save(result: ImportResult): Promise<StoredDatasetInfo> {
    const { meta } = result.dataset;
    const pieces = splitChunks(result.asset);
    const info: StoredInfo = {
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
      chunks: pieces.length,
    };
    const names = chunkKeys(meta.id, pieces.length);
    try {
      // One chunk per transaction; slice(): a stored view would carry its whole buffer along.
      for (let n = 0; n < pieces.length; n++) await set(names[n], pieces[n].slice(), this.store);
      await set(INFO + meta.id, info, this.store);
    } catch (e) {
      await delMany(names, this.store).catch(() => undefined);
      throw e;
    }
    const { chunks: _chunks, ...shown } = info;
    return shown;
  }

  /** Every stored dataset, newest first. */
  async list(): Promise<StoredDatasetInfo[]> {
    const infoKeys = (await keys<string>(this.store)).filter((k) => typeof k === 'string' && k.startsWith(INFO));
    const infos = (await getMany<StoredInfo>(infoKeys, this.store)).filter((i) => i !== undefined);
    return infos.map(({ chunks: _chunks, ...shown }) => shown).sort((a, b) => b.importedAt - a.importedAt);
  }

  async load(id: DatasetId): Promise<LoadedDataset> {
    const t0 = performance.now();
    const info = await get<StoredInfo>(INFO + id, this.store);
    if (!info) throw new Error(`the imported dataset ${id} is not stored in this browser (removed, or imported in another browser): import it again`);
    const chunks = (await getMany<Uint8Array>(chunkKeys(id, info.chunks), this.store)).filter((c): c is Uint8Array => c !== undefined);
    if (chunks.length !== info.chunks) throw new Error(`the stored dataset ${info.name} is incomplete: remove it and import it again`);
    const decoded = decodeAsset(joinChunks(chunks));
    if (decoded.header.id !== id) throw new Error(`stored dataset ${id} holds ${decoded.header.id}`);
    return toLoadedDataset(decoded, 0, performance.now() - t0);
  }

  async remove(id: DatasetId): Promise<void> {
    const info = await get<StoredInfo>(INFO + id, this.store);
    await delMany([INFO + id, ...chunkKeys(id, info?.chunks ?? 0)], this.store);
  }

  async storage(list?: StoredDatasetInfo[]): Promise<StorageUse> {
    const datasetBytes = (list ?? (await this.list())).reduce((a, i) => a + i.bytes, 0);
    const estimate = typeof navigator !== 'undefined' && navigator.storage?.estimate ? await navigator.storage.estimate().catch(() => null) : null;
    return { datasetBytes, usedBytes: estimate?.usage ?? null, quotaBytes: estimate?.quota ?? null };
  }
}
