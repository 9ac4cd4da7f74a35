// Denoising-visualizer state: the latest snapshot from the engine, which images it shows
// (sampleSeed), the custom noise level and whether a request is on its way.
import { create } from 'zustand';
import type { Snapshot } from '../../types/run';

/** Rows of the visualizer (the custom level comes last). */
export const FIXED_LEVELS = [0.1, 0.3, 0.6, 0.9] as const;

export interface SnapshotState {
  snapshot: Snapshot | null;
  sampleSeed: number;
  customT: number;
  inFlight: boolean;
  /** Asked for while one was in flight (new images or custom level): ask again when it arrives. */
  wantAnother: boolean;
  /** performance.now() of the last request. */
  requestedAt: number;
  /** How long the last snapshot took from request to arrival (it runs between training steps). */
  lastDurationMs: number;
}

export const useSnapshotStore = create<SnapshotState>()(() => ({
  snapshot: null,
  sampleSeed: 1,
  customT: 0.5,
  inFlight: false,
  wantAnother: false,
  requestedAt: 0,
  lastDurationMs: 0,
}));

export function snapshotLevels(customT: number): number[] {
  return [...FIXED_LEVELS, customT];
}
