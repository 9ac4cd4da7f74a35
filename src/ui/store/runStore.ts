// The training run: its state, the config it runs with, progress of its phases and the latest
// throughput numbers (for the status bar).
import { create } from 'zustand';
import type { ExperimentConfig } from '../../ldae/config';
import type { MetricsPoint, ModelSummary, RunState } from '../../types/run';

export interface RunStoreState {
  state: RunState;
  step: number;
  totalSteps: number;
  /** The config the current run was started with (null before the first start or after Reset). */
  runConfig: ExperimentConfig | null;
  model: ModelSummary | null;
  /** Tokenizer fitting progress in [0, 1] (null when not fitting). */
  tokenizerProgress: { fraction: number; reconMse: number | null } | null;
  /** Probe evaluation progress in [0, 1] (null when not probing). */
  probeProgress: number | null;
  latest: MetricsPoint | null;
  /** The last non-finite loss of this run and the step it was rolled back to (null: none). */
  rollback: { badStep: number; toStep: number; cause: string; message: string } | null;
}

export const initialRun: RunStoreState = {
  state: 'idle',
  step: 0,
  totalSteps: 0,
  runConfig: null,
  model: null,
  tokenizerProgress: null,
  probeProgress: null,
  latest: null,
  rollback: null,
};

export const useRunStore = create<RunStoreState>()(() => initialRun);

/** A session exists on the engine side: it can be paused, resumed, stepped or snapshotted. */
export function hasSession(s: Pick<RunStoreState, 'state' | 'runConfig' | 'model'>): boolean {
  return s.runConfig !== null && s.model !== null && (s.state === 'running' || s.state === 'paused' || s.state === 'probing' || s.state === 'done');
}
