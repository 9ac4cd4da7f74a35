// The state of `Replay the paper` (driven by replayStore.ts), apart so that actions.ts can read it.
import { create } from 'zustand';
import { idleReplay, type ReplayState } from '../runs/replayQueue';

export const useReplayStore = create<ReplayState>()(() => idleReplay);

export const replayActive = (s: ReplayState = useReplayStore.getState()): boolean => s.phase === 'running';
