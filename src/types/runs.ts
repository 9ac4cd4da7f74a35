// The runs table: every run the page made or imported, kept in IndexedDB by the worker.
// Plain data only; the protocol (src/engine/protocol.ts) carries these.
import type { ExperimentConfig } from '../ldae/config';
import type { Baselines, MetricsPoint, ProbeResult } from './run';

/**
 * Where a stored run stands. 'running': the live run of this page; a record left 'running' by a
 * page that went away (reload, closed tab, crash) is listed as 'interrupted' and can be resumed
 * from its checkpoint.
 */
export type StoredRunStatus = 'running' | 'paused' | 'done' | 'interrupted' | 'error';

/** How the page started a run; stored with it. */
export interface RunOrigin {
  preset: string;
  /**
   * The page was opened from a shared link: ?preset= (Copy link) or ?hide= (a classroom link).
   * Config keys alone do not count: the page writes them into its own address bar.
   */
  fromSharedLink: boolean;
  /** A name chosen up front (Replay the paper names its runs); else the worker makes one. */
  name?: string;
}

/** One row of the runs table: the key numbers, not the curves. */
export interface RunListEntry {
  id: string;
  name: string;
  preset: string;
  config: ExperimentConfig;
  status: StoredRunStatus;
  step: number;
  totalSteps: number;
  /** Step of the stored checkpoint (weights, optimizer, data position); null: none stored. */
  checkpointStep: number | null;
  finalLoss: number | null;
  /** The last probe's linear test accuracy, and the raw-pixel baseline's. */
  linearTestAcc: number | null;
  rawPixelAcc: number | null;
  backend: string;
  startedAt: string;
  endedAt: string | null;
  wallSeconds: number;
  fromSharedLink: boolean;
  /** Came in through Import run. */
  imported: boolean;
  /** Bytes this run takes in IndexedDB (record and checkpoint). */
  bytes: number;
}

/** One run's curves, for overlaying runs on the charts. */
export interface RunCurves {
  id: string;
  metrics: MetricsPoint[];
  probes: ProbeResult[];
  baselines: Baselines | null;
}

export interface RunsStorage {
  usedBytes: number;
  /** navigator.storage.estimate() where available. */
  quotaBytes: number | null;
}
