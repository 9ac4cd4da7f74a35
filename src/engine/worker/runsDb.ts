// Browser: the runs table in IndexedDB (database "ldae-runs", store "runs"), apart from the
// datasets and tokenizers. Each run is a small record under "run:<id>" (config, curves,
// summaries, status) and, separately, its checkpoint: a run bundle's bytes (runBundle.ts) in
// chunks under "chunk:<id>:<n>" described by "ckpt:<id>". A checkpoint is replaced in one
// transaction (chunks, description, leftover chunks deleted), so a failed write keeps the old one.
import { createStore, get, getMany, keys, promisifyRequest, set, type UseStore } from 'idb-keyval';
import type { RunRecord } from '../../ldae/bundle/runBundle';
import type { RunsStorage, StoredRunStatus } from '../../types/runs';
import { CHUNK_BYTES, joinChunks, splitChunks } from './datasetStoreIdb';

/** A run as stored: its record and where it stands. */
export interface StoredRun {
  id: string;
  record: RunRecord;
  /** As written; a 'running' run that is not this worker's live run is listed as 'interrupted'. */
  status: StoredRunStatus;
  imported: boolean;
}

export interface CheckpointInfo {
  id: string;
  step: number;
  bytes: number;
  chunks: number;
  writtenAt: string;
}

export interface StoredRunWithCheckpoint {
  run: StoredRun;
  checkpoint: CheckpointInfo | null;
  /** Approximate bytes of the record (its JSON). */
  recordBytes: number;
}

/** What the runs keeper needs from storage; IdbRunsStore in the worker, others in tests. */
export interface RunsStore {
  putRun(run: StoredRun): Promise<void>;
  getRun(id: string): Promise<StoredRun | null>;
  listRuns(): Promise<StoredRunWithCheckpoint[]>;
  /** Replaces the run's checkpoint; with `run`, the record is written in the same transaction. */
  putCheckpoint(id: string, step: number, bytes: Uint8Array, run?: StoredRun): Promise<CheckpointInfo>;
  getCheckpoint(id: string): Promise<{ info: CheckpointInfo; bytes: Uint8Array } | null>;
  /** The record and the checkpoint. */
  deleteRun(id: string): Promise<void>;
  storage(usedBytes: number): Promise<RunsStorage>;
}

const RUN = 'run:';
const CKPT = 'ckpt:';
const CHUNK = 'chunk:';
const chunkKey = (id: string, n: number) => `${CHUNK}${id}:${n}`;
/**
 * About the bytes a record takes (its JSON): the curves from their first point, the rest exactly,
 * so a long run's row is not serialised whole every few seconds.
 */
export function recordBytes(run: StoredRun): number {
  const { metrics, probes } = run.record;
  const per = (xs: unknown[]) => (xs.length === 0 ? 0 : xs.length * (JSON.stringify(xs[0]).length + 1));
  return JSON.stringify({ ...run, record: { ...run.record, metrics: [], probes: [] } }).length + per(metrics) + per(probes);
}

export class IdbRunsStore implements RunsStore {
  private readonly store: UseStore;

  /** Throws when there is no IndexedDB at all (openRunsStore turns that into a message). */
  constructor(dbName = 'ldae-runs', storeName = 'runs') {
    this.store = createStore(dbName, storeName);
  }

  putRun(run: StoredRun): Promise<void> {
    return set(RUN + run.id, run, this.store);
  }

  async getRun(id: string): Promise<StoredRun | null> {
    return (await get<StoredRun>(RUN + id, this.store)) ?? null;
  }

  async listRuns(): Promise<StoredRunWithCheckpoint[]> {
    const all = await keys<string>(this.store);
    const runKeys = all.filter((k) => typeof k === 'string' && k.startsWith(RUN));
    const runs = (await getMany<StoredRun>(runKeys, this.store)).filter((r): r is StoredRun => r !== undefined);
    const infos = await getMany<CheckpointInfo>(runs.map((r) => CKPT + r.id), this.store);
    return runs.map((run, i) => ({ run, checkpoint: infos[i] ?? null, recordBytes: recordBytes(run) }));
  }

  async putCheckpoint(id: string, step: number, bytes: Uint8Array, run?: StoredRun): Promise<CheckpointInfo> {
    const pieces = splitChunks(bytes, CHUNK_BYTES);
    const info: CheckpointInfo = { id, step, bytes: bytes.byteLength, chunks: pieces.length, writtenAt: new Date().toISOString() };
    const old = await get<CheckpointInfo>(CKPT + id, this.store);
    await this.store('readwrite', (s) => {
      // slice(): a stored view would carry its whole buffer along.
      pieces.forEach((p, n) => s.put(p.byteLength === p.buffer.byteLength ? p : p.slice(), chunkKey(id, n)));
      for (let n = pieces.length; n < (old?.chunks ?? 0); n++) s.delete(chunkKey(id, n));
      s.put(info, CKPT + id);
      if (run) s.put(run, RUN + run.id);
      return promisifyRequest(s.transaction);
    });
    return info;
  }

  async getCheckpoint(id: string): Promise<{ info: CheckpointInfo; bytes: Uint8Array } | null> {
    const info = await get<CheckpointInfo>(CKPT + id, this.store);
    if (!info) return null;
    const chunks = (await getMany<Uint8Array>(Array.from({ length: info.chunks }, (_, n) => chunkKey(id, n)), this.store)).filter(
      (c): c is Uint8Array => c !== undefined,
    );
    if (chunks.length !== info.chunks) throw new Error(`the stored checkpoint of run ${id} is incomplete`);
    return { info, bytes: joinChunks(chunks) };
  }

  async deleteRun(id: string): Promise<void> {
    const info = await get<CheckpointInfo>(CKPT + id, this.store);
    await this.store('readwrite', (s) => {
      for (let n = 0; n < (info?.chunks ?? 0); n++) s.delete(chunkKey(id, n));
      s.delete(CKPT + id);
      s.delete(RUN + id);
      return promisifyRequest(s.transaction);
    });
  }

  async storage(usedBytes: number): Promise<RunsStorage> {
    const estimate = typeof navigator !== 'undefined' && navigator.storage?.estimate ? await navigator.storage.estimate().catch(() => null) : null;
    return { usedBytes, quotaBytes: estimate?.quota ?? null };
  }
}

/** The store, or why there is none (no IndexedDB in this context, e.g. some private modes). */
export function openRunsStore(): { store: RunsStore | null; problem: unknown } {
  if (typeof indexedDB === 'undefined') return { store: null, problem: new Error('IndexedDB is not defined') };
  try {
    return { store: new IdbRunsStore(), problem: null };
  } catch (e) {
    return { store: null, problem: e };
  }
}

export function isQuotaExceeded(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || (e as { code?: unknown } | null)?.code === 22;
}

/** One sentence for runStoreProblem. */
export function storeProblemMessage(e: unknown): string {
  const tail = 'the run keeps training in memory and is not stored';
  if (isQuotaExceeded(e)) return `Runs cannot be stored: the browser's storage quota is exceeded (delete runs or imported datasets to free space); ${tail}.`;
  const why = e instanceof Error ? e.message || e.name : String(e);
  return `Runs cannot be stored: IndexedDB is unavailable here (private browsing, or storage blocked: ${why}); ${tail}.`;
}
