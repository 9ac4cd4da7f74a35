// The runs table's keeper: records the live run (from the events the runner posts, written
// throttled and at every state change, probe and end), writes its checkpoints, answers the runs
// commands (list, rename, delete, curves, export, import) and posts `runs` after each change.
// When IndexedDB is unavailable or full it says so once (runStoreProblem) and the run goes on in
// memory. One keeper lives as long as the worker; the training runner calls it.
import { BundleError } from '../../ldae/bundle/runBundle';
import type { TrainingSession } from '../../ldae/session/trainingSession';
import type { ImageShape } from '../../types/data';
import type { RunCurves, RunListEntry, RunsStorage } from '../../types/runs';
import type { EngineCommand, EngineEvent } from '../protocol';
import { LiveRunRecord, listEntry } from './liveRunRecord';
import { CheckpointClock, CHECKPOINT_INTERVAL_MS, checkpointBytes, readCheckpoint, recordForCheckpoint, storeCheckpoint, withRecord, type WrittenCheckpoint } from './runCheckpoint';
import { checkedImport } from './runBundleImport';
import { webRunLocks, type RunLocks } from './runLocks';
import { isQuotaExceeded, recordBytes, storeProblemMessage, type CheckpointInfo, type RunsStore, type StoredRun, type StoredRunWithCheckpoint } from './runsDb';

/** At most one throttled record write (and `runs` event) per this many ms while a run trains. */
export const RECORD_WRITE_INTERVAL_MS = 3000;

export type RunsCommand = Extract<EngineCommand, { type: 'listRuns' | 'renameRun' | 'deleteRun' | 'loadRunCurves' | 'exportRun' | 'importRun' }>;

/** What the runner tells the keeper about its live session when a command needs it. */
export interface LiveContext {
  /** A checkpoint of the live run at the next step boundary (null: it has no session). */
  checkpointLive(): Promise<WrittenCheckpoint | null>;
  /** The live run is training, paused or probing (it cannot be deleted). */
  liveBusy(): boolean;
  /** The image shape of a dataset id, for checking imported weights (null: unknown here). */
  imageShapeOf(dataset: string): ImageShape | null;
}

export interface RunsKeeperOptions {
  /** null: IndexedDB is unavailable (`problem` says why); runs are kept in memory only. */
  store: RunsStore | null;
  problem?: unknown;
  post: (e: EngineEvent) => void;
  recordWriteIntervalMs?: number;
  checkpointIntervalMs?: number;
  /** Which runs other tabs train (default: Web Locks where the browser has them). */
  locks?: RunLocks;
}

/** One stored run, its curves reduced to the last point: enough for its row. */
interface Row {
  run: StoredRun;
  checkpoint: CheckpointInfo | null;
  recordBytes: number;
}

const rowOf = (s: StoredRunWithCheckpoint): Row => ({ ...s, run: slim(s.run) });
const slim = (run: StoredRun): StoredRun => ({ ...run, record: { ...run.record, metrics: run.record.metrics.slice(-1), probes: run.record.probes.slice(-1) } });

export class RunsKeeper {
  private store: RunsStore | null;
  private readonly post: (e: EngineEvent) => void;
  private readonly locks: RunLocks;
  private live: LiveRunRecord | null = null;
  /** False once a write of the live run failed for lack of storage: it stays in memory. */
  private liveStored = true;
  private liveCheckpoint: CheckpointInfo | null = null;
  /** The last checkpoint encoded (stored or not). */
  private lastCheckpoint: { id: string; step: number } | null = null;
  private problemPosted = false;
  /** Why there is no store, reported when the first run begins or the list is asked for. */
  private pendingProblem: unknown = null;
  private rows: Map<string, Row> | null = null;
  /** Runs of this page that could not be stored (listed with 0 bytes). */
  private readonly memoryOnly = new Set<string>();
  private writes: Promise<void> = Promise.resolve();
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private lastSave = -Infinity;
  private readonly writeInterval: number;
  private clock: CheckpointClock;
  private readonly checkpointInterval: number;
  /** Checkpoints asked for while training (export): written at the next window boundary. */
  private requests: ((w: WrittenCheckpoint | null) => void)[] = [];

  constructor(o: RunsKeeperOptions) {
    this.store = o.store;
    this.post = o.post;
    this.locks = o.locks ?? webRunLocks();
    this.writeInterval = o.recordWriteIntervalMs ?? RECORD_WRITE_INTERVAL_MS;
    this.checkpointInterval = o.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS;
    this.clock = new CheckpointClock(this.checkpointInterval);
    if (!o.store) this.pendingProblem = o.problem ?? new Error('no store');
  }

  get liveRunId(): string | null {
    return this.live?.id ?? null;
  }

  /** Reports a storage problem once; the live run is kept in memory from now on. Other errors are rethrown. */
  private storageFailed(e: unknown): void {
    const unavailable = !isQuotaExceeded(e) && (this.store === null || isUnavailable(e));
    if (!isQuotaExceeded(e) && !unavailable) throw e;
    this.liveStored = false;
    if (this.live) this.memoryOnly.add(this.live.id);
    if (unavailable) this.store = null;
    if (this.problemPosted) return;
    this.problemPosted = true;
    this.post({ type: 'runStoreProblem', message: storeProblemMessage(e) });
  }

  private reportPendingProblem(): void {
    if (this.pendingProblem === null) return;
    const p = this.pendingProblem;
    this.pendingProblem = null;
    this.storageFailed(p);
  }

  /** Runs store work in order; a storage problem is reported, not thrown. */
  private write(fn: (store: RunsStore) => Promise<void>): Promise<void> {
    const next = this.writes.then(async () => {
      if (!this.store) return;
      try {
        await fn(this.store);
      } catch (e) {
        try {
          this.storageFailed(e);
        } catch (other) {
          this.post({ type: 'error', message: `runs table: ${other instanceof Error ? other.message : String(other)}`, where: 'runs', fatal: false });
        }
      }
    });
    this.writes = next.catch(() => undefined);
    return next;
  }

  /** Every write asked for so far has finished. */
  flushed(): Promise<void> {
    return this.writes;
  }

  // ---- the live run ----

  /** `record` becomes the live run (a new one, or a stored one resumed) and is written at once. */
  beginLive(record: LiveRunRecord, checkpoint: CheckpointInfo | null = null): void {
    this.cancelSave();
    if (this.live) this.locks.release(this.live.id);
    this.live = record;
    this.locks.hold(record.id);
    this.liveStored = true;
    this.memoryOnly.delete(record.id);
    this.liveCheckpoint = checkpoint;
    this.clock = new CheckpointClock(this.checkpointInterval);
    this.reportPendingProblem();
    this.inBackground(this.saveLive());
  }

  /** Work nobody awaits: a failure is an error event, never an unhandled rejection. */
  private inBackground(p: Promise<void>): void {
    p.catch((e) => this.post({ type: 'error', message: `runs table: ${e instanceof Error ? e.message : String(e)}`, where: 'runs', fatal: false }));
  }

  isLive(record: LiveRunRecord): boolean {
    return this.live === record;
  }

  /** The live run ends (reset, new start, another dataset): its last state is written; it is no longer live. Nothing when `record` is not the live one. */
  async endLive(record: LiveRunRecord): Promise<void> {
    const live = this.live;
    if (!live || live !== record) return;
    this.cancelSave();
    for (const r of this.requests.splice(0)) r(null);
    await this.saveLive();
    if (this.live === live) this.live = null;
    this.locks.release(live.id);
    await this.postRuns();
  }

  /** Every event the runner of `record` posts passes here, after the page got it (ignored once another run is live). */
  observe(e: EngineEvent, record: LiveRunRecord): void {
    if (this.live !== record) return;
    const change = record.observe(e);
    if (change === 'state' || change === 'probe') this.inBackground(this.saveLive());
    else if (change === 'data') this.scheduleSave();
  }

  private cancelSave(): void {
    if (this.saveTimer !== null) clearTimeout(this.saveTimer);
    this.saveTimer = null;
  }

  private scheduleSave(): void {
    if (this.saveTimer !== null) return;
    const wait = Math.max(0, this.lastSave + this.writeInterval - performance.now());
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.inBackground(this.saveLive());
    }, wait);
  }

  /** Writes the live record now (unless storage failed for it), then posts `runs`. */
  private async saveLive(): Promise<void> {
    const live = this.live;
    if (!live) return;
    this.cancelSave();
    this.lastSave = performance.now();
    const stored = live.stored();
    if (this.liveStored) await this.write((s) => s.putRun(stored));
    this.rows?.set(live.id, { run: slim(stored), checkpoint: this.liveCheckpoint, recordBytes: recordBytes(stored) });
    await this.postRuns();
  }

  /**
   * Writes a checkpoint of the live run now, at a step boundary with no metrics pending: the
   * session's state and the record, in one transaction. Returns it (also when it could not be
   * stored: export still works); null when there is no live run.
   */
  async writeLiveCheckpoint(session: TrainingSession): Promise<WrittenCheckpoint | null> {
    const live = this.live;
    if (!live) return null;
    const written = await checkpointBytes(session, live.record);
    this.clock.mark();
    this.lastCheckpoint = { id: live.id, step: written.step };
    const stored = live.stored();
    stored.record.step = written.step;
    if (this.liveStored) {
      await this.write(async (s) => {
        await storeCheckpoint(s, stored, written);
        if (this.live === live) this.liveCheckpoint = { id: live.id, step: written.step, bytes: written.bytes.byteLength, chunks: 0, writtenAt: new Date().toISOString() };
      });
    }
    for (const r of this.requests.splice(0)) r(written);
    if (this.live === live) await this.saveLive();
    return written;
  }

  /**
   * When the loop stops (pause, end, rollback): a checkpoint, unless the last one of this run is
   * at this very step (the state is the same) and nobody waits for one.
   */
  async checkpointAtRest(session: TrainingSession): Promise<void> {
    const live = this.live;
    if (!live) return;
    if (this.requests.length === 0 && this.lastCheckpoint?.id === live.id && this.lastCheckpoint.step === session.step) return;
    await this.writeLiveCheckpoint(session);
  }

  /** Between steps: a checkpoint when one is due (wall time) or asked for, at a metrics-window boundary. */
  async betweenSteps(session: TrainingSession): Promise<void> {
    if (!this.live || session.trainer.pendingSteps > 0) return;
    if (this.requests.length > 0 || this.clock.due()) await this.writeLiveCheckpoint(session);
  }

  /** A run ended in an error: no checkpoint comes for those who asked. */
  cancelCheckpointRequests(): void {
    for (const r of this.requests.splice(0)) r(null);
  }

  /** A checkpoint at the next window boundary of the running loop (the runner calls betweenSteps or writeLiveCheckpoint). */
  nextCheckpoint(): Promise<WrittenCheckpoint | null> {
    return new Promise((resolve) => this.requests.push(resolve));
  }

  // ---- stored runs ----

  private async loadRows(fresh = false): Promise<Map<string, Row>> {
    if (this.rows && !fresh) return this.rows;
    const rows = new Map<string, Row>();
    if (this.store) {
      try {
        for (const s of await this.store.listRuns()) rows.set(s.run.id, rowOf(s));
      } catch (e) {
        this.storageFailed(e);
      }
    }
    const live = this.live;
    if (live) {
      const stored = live.stored();
      rows.set(live.id, { run: slim(stored), checkpoint: this.liveCheckpoint, recordBytes: recordBytes(stored) });
    }
    this.rows = rows;
    return rows;
  }

  async list(fresh = false): Promise<{ list: RunListEntry[]; storage: RunsStorage }> {
    const rows = [...(await this.loadRows(fresh)).values()];
    const stored = (r: Row) => (this.memoryOnly.has(r.run.id) ? 0 : r.recordBytes + (r.checkpoint?.bytes ?? 0));
    const elsewhere = await this.locks.heldElsewhere();
    const list = rows.map((r) => listEntry(r.run, r.checkpoint, stored(r), this.liveRunId, elsewhere)).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    const usedBytes = list.reduce((a, e) => a + e.bytes, 0);
    const storage = this.store ? await this.store.storage(usedBytes) : { usedBytes, quotaBytes: null };
    return { list, storage };
  }

  async postRuns(fresh = false): Promise<void> {
    const { list, storage } = await this.list(fresh);
    this.post({ type: 'runs', list, storage, liveRunId: this.liveRunId });
  }

  /** The stored run (the live one from memory); Error naming the id when there is none. */
  async getRun(id: string): Promise<StoredRun> {
    if (this.live?.id === id) return this.live.stored();
    let run: StoredRun | null = null;
    if (this.store) {
      try {
        run = await this.store.getRun(id);
      } catch (e) {
        this.storageFailed(e);
      }
    }
    if (!run) throw new Error(`run ${id} is not stored in this browser (deleted, or stored in another browser)`);
    return run;
  }

  /** The run and its checkpoint as a bundle, for resumeRun and device-loss recovery. */
  async loadForResume(id: string) {
    const run = await this.getRun(id);
    await this.refuseIfElsewhere(run, 'resume it there or close that tab first');
    const found = this.store ? await readCheckpoint(this.store, id) : null;
    if (!found) throw new Error(`run "${run.record.name}" has no stored checkpoint to resume from`);
    const bundle = { ...found.bundle, record: recordForCheckpoint(run.record, found.bundle) };
    return { run, bundle, bytes: found.bytes, info: (await this.loadRows()).get(id)?.checkpoint ?? null };
  }

  private async refuseIfElsewhere(run: StoredRun, what: string): Promise<void> {
    if (run.id !== this.live?.id && (await this.locks.heldElsewhere()).has(run.id)) throw new Error(`run "${run.record.name}" is training in another tab: ${what}`);
  }

  async handle(cmd: RunsCommand, ctx: LiveContext): Promise<void> {
    switch (cmd.type) {
      case 'listRuns':
        this.reportPendingProblem();
        return this.postRuns(true);
      case 'renameRun':
        return this.rename(cmd.id, cmd.name);
      case 'deleteRun':
        return this.delete(cmd.id, ctx);
      case 'loadRunCurves':
        return this.curves(cmd.ids);
      case 'exportRun':
        return this.exportRun(cmd.id, ctx);
      case 'importRun':
        return this.importRun(cmd.file, ctx);
    }
  }

  private async rename(id: string, name: string): Promise<void> {
    const trimmed = name.trim();
    if (!trimmed) throw new Error('a run name cannot be empty');
    if (this.live?.id === id) {
      this.live.record.name = trimmed;
      return this.saveLive();
    }
    const run = await this.getRun(id);
    const renamed = { ...run, record: { ...run.record, name: trimmed } };
    await this.write((s) => s.putRun(renamed));
    const row = this.rows?.get(id);
    if (row) row.run = slim(renamed);
    await this.postRuns();
  }

  private async delete(id: string, ctx: LiveContext): Promise<void> {
    if (this.live?.id === id) {
      if (ctx.liveBusy()) throw new Error(`run "${this.live.record.name}" is the live run: stop or reset it before deleting it`);
      this.cancelSave();
      this.locks.release(id);
      this.live = null;
    } else {
      await this.refuseIfElsewhere(await this.getRun(id), 'delete it there or close that tab first');
    }
    await this.writes;
    if (this.store) {
      try {
        await this.store.deleteRun(id);
      } catch (e) {
        this.storageFailed(e);
      }
    }
    this.rows?.delete(id);
    await this.postRuns();
  }

  private async curves(ids: string[]): Promise<void> {
    const curves: RunCurves[] = [];
    for (const id of ids) {
      const run = await this.getRun(id);
      curves.push({ id, metrics: run.record.metrics, probes: run.record.probes, baselines: run.record.baselines });
    }
    this.post({ type: 'runCurves', curves });
  }

  private async exportRun(id: string, ctx: LiveContext): Promise<void> {
    let bytes: Uint8Array;
    let step: number;
    const run = await this.getRun(id);
    const written = this.live?.id === id ? await ctx.checkpointLive() : null;
    if (written) {
      // A copy: the page gets the buffer transferred, and another export may wait on the same checkpoint.
      bytes = written.bytes.slice();
      step = written.step;
    } else {
      const found = this.store ? await readCheckpoint(this.store, id) : null;
      if (!found) throw new Error(`run "${run.record.name}" has no stored checkpoint to export`);
      bytes = withRecord(found.bundle, recordForCheckpoint(run.record, found.bundle));
      step = found.bundle.position.step;
    }
    this.post({ type: 'runExported', id, fileName: bundleFileName(run.record.name, step), bytes });
  }

  private async importRun(file: File, ctx: LiveContext): Promise<void> {
    let checked;
    try {
      checked = await checkedImport(file, ctx.imageShapeOf);
    } catch (e) {
      if (e instanceof BundleError) return this.post({ type: 'runImportFailed', message: e.message });
      throw e;
    }
    if (!this.store) {
      this.reportPendingProblem();
      return this.post({ type: 'runImportFailed', message: `${file.name}: cannot import: runs cannot be stored in this browser (IndexedDB is unavailable)` });
    }
    const { bundle, bytes } = checked;
    const run: StoredRun = { id: newRunId(), record: bundle.record, status: bundle.record.state, imported: true };
    try {
      await this.writes;
      await this.store.putCheckpoint(run.id, bundle.position.step, bytes, run);
    } catch (e) {
      const message = isQuotaExceeded(e) ? "the browser's storage quota is exceeded: delete runs or imported datasets to free space" : `it could not be stored (${e instanceof Error ? e.message : String(e)})`;
      return this.post({ type: 'runImportFailed', message: `${file.name}: not imported: ${message}` });
    }
    await this.loadRows(true);
    this.post({ type: 'runImported', id: run.id });
    await this.postRuns();
  }

  dispose(): void {
    this.cancelSave();
  }
}

function isUnavailable(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'InvalidStateError' || name === 'UnknownError' || name === 'SecurityError' || name === 'NotFoundError' || e instanceof ReferenceError;
}

export function newRunId(): string {
  const random = typeof crypto !== 'undefined' && crypto.randomUUID ? crypto.randomUUID().slice(0, 8) : Math.floor(Math.random() * 1e9).toString(36);
  return `run-${Date.now().toString(36)}-${random}`;
}

/** `<run name>-step<k>.zip`, the name made safe for file systems. */
export function bundleFileName(name: string, step: number): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
  return `${safe}-step${step}.zip`;
}
