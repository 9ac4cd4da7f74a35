// Checkpoints of runs: the live session's state (weights, AdamW moments, EMA, step, data position)
// with its record as run bundle bytes, and back. Callable on their own: the runs keeper writes
// them on a wall-time schedule, on pause and at the end; device-loss recovery reads them back.
import { BundleError, runBundleFromBytes, runBundleToBytes, type RunBundle, type RunRecord } from '../../ldae/bundle/runBundle';
import type { TrainingSession } from '../../ldae/session/trainingSession';
import type { RunsStore, StoredRun } from './runsDb';

/** Wall time between scheduled checkpoints of a running run. */
export const CHECKPOINT_INTERVAL_MS = 15_000;

export interface WrittenCheckpoint {
  step: number;
  bytes: Uint8Array;
  /** Reading the state off the device and zipping it. */
  encodeMs: number;
}

/** The session's state at this step boundary as a run bundle (call with no metrics pending). */
export async function checkpointBytes(session: TrainingSession, record: RunRecord): Promise<WrittenCheckpoint> {
  const t0 = performance.now();
  const saved = await session.savedState();
  const bytes = runBundleToBytes({ record: { ...record, step: saved.position.step }, ...saved });
  return { step: saved.position.step, bytes, encodeMs: performance.now() - t0 };
}

/** Writes the checkpoint and, in the same transaction, the run's record. */
export async function storeCheckpoint(store: RunsStore, run: StoredRun, written: WrittenCheckpoint): Promise<void> {
  await store.putCheckpoint(run.id, written.step, written.bytes, run);
}

/** The run's checkpoint as a bundle; null when none is stored; BundleError when it is unreadable. */
export async function readCheckpoint(store: RunsStore, id: string): Promise<{ bundle: RunBundle; bytes: Uint8Array } | null> {
  const stored = await store.getCheckpoint(id);
  if (!stored) return null;
  try {
    return { bundle: runBundleFromBytes(stored.bytes), bytes: stored.bytes };
  } catch (e) {
    if (e instanceof BundleError) throw new BundleError(`the stored checkpoint of this run is unreadable: ${e.message}`);
    throw e;
  }
}

/**
 * The record to go with a stored checkpoint: the run's current one (a later name, the final
 * probe) when it stands at the checkpoint's step, else the checkpoint's own with the current name.
 */
export function recordForCheckpoint(current: RunRecord, bundle: RunBundle): RunRecord {
  if (current.step === bundle.position.step) return { ...current };
  return { ...bundle.record, name: current.name };
}

/** The bundle bytes with another record in its manifest (weights and tokenizer as they were). */
export function withRecord(bundle: RunBundle, record: RunRecord): Uint8Array {
  return runBundleToBytes({ ...bundle, record: { ...record, step: bundle.position.step } });
}

/** When the next scheduled checkpoint is due: the first step boundary CHECKPOINT_INTERVAL_MS after the last. */
export class CheckpointClock {
  private last: number;

  constructor(
    private readonly intervalMs = CHECKPOINT_INTERVAL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.last = now();
  }

  due(): boolean {
    return this.now() - this.last >= this.intervalMs;
  }

  mark(): void {
    this.last = this.now();
  }
}
