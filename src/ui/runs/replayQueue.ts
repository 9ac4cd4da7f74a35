// `Replay the paper` as a pure state machine: the seven trajectory presets run one after another
// at one step budget. Each event gives the next state and the effects to perform (start a run,
// stop the current one); the glue in replayRunner.ts performs them.
import { PRESET_IDS, type PresetId } from '../../ldae/presets';

export type ReplayItemStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface ReplayItem {
  preset: PresetId;
  /** The run's name in the runs table, "Replay 3/7: predict-z0". */
  name: string;
  status: ReplayItemStatus;
  /** The stored run's id once the engine names it (null before, or without a runs store). */
  runId: string | null;
  /** The worker reported this run training: a 'done' before that belongs to an earlier run. */
  seenRunning: boolean;
  /** Its last linear-probe test accuracy in [0, 1]. */
  linearTestAcc: number | null;
  /** Why it failed. */
  message: string | null;
}

export type ReplayPhase = 'idle' | 'running' | 'finished' | 'cancelled';

export interface ReplayState {
  phase: ReplayPhase;
  budget: number;
  items: ReplayItem[];
  /** Index of the running item; -1 when none. */
  current: number;
}

export type ReplayEvent =
  | { type: 'begin'; budget: number }
  /** The current run is training (the worker said 'running'). */
  | { type: 'training' }
  /** The engine named the current run in the runs table. */
  | { type: 'named'; runId: string }
  /** A probe of the current run. */
  | { type: 'probe'; linearTestAcc: number }
  /** The current run reached 'done'. */
  | { type: 'finished' }
  /** The current run could not start or ended in an error. */
  | { type: 'failed'; message: string }
  | { type: 'cancel' };

export type ReplayEffect = { type: 'start'; preset: PresetId; name: string; steps: number } | { type: 'stop' };

export const REPLAY_COUNT = PRESET_IDS.length;

export const idleReplay: ReplayState = { phase: 'idle', budget: 0, items: [], current: -1 };

export const replayRunName = (index: number, preset: PresetId): string => `Replay ${index + 1}/${REPLAY_COUNT}: ${preset}`;

const setItem = (s: ReplayState, i: number, patch: Partial<ReplayItem>): ReplayItem[] => s.items.map((it, j) => (j === i ? { ...it, ...patch } : it));

/** Starts item i, or finishes the queue when there is none. */
function advance(s: ReplayState, i: number): { state: ReplayState; effects: ReplayEffect[] } {
  if (i >= s.items.length) return { state: { ...s, phase: 'finished', current: -1 }, effects: [] };
  const item = s.items[i];
  return {
    state: { ...s, current: i, items: setItem(s, i, { status: 'running' }) },
    effects: [{ type: 'start', preset: item.preset, name: item.name, steps: s.budget }],
  };
}

export function replayStep(s: ReplayState, e: ReplayEvent): { state: ReplayState; effects: ReplayEffect[] } {
  const none = { state: s, effects: [] as ReplayEffect[] };
  if (e.type === 'begin') {
    if (s.phase === 'running') return none;
    if (!Number.isInteger(e.budget) || e.budget < 1) return none;
    const items: ReplayItem[] = PRESET_IDS.map((preset, i) => ({
      preset,
      name: replayRunName(i, preset),
      status: 'queued',
      runId: null,
      seenRunning: false,
      linearTestAcc: null,
      message: null,
    }));
    return advance({ phase: 'running', budget: e.budget, items, current: -1 }, 0);
  }
  if (s.phase !== 'running' || s.current < 0) return none;
  const i = s.current;
  const item = s.items[i];
  switch (e.type) {
    case 'training':
      return item.seenRunning ? none : { state: { ...s, items: setItem(s, i, { seenRunning: true }) }, effects: [] };
    case 'named':
      if (item.runId !== null || s.items.some((it) => it.runId === e.runId)) return none;
      return { state: { ...s, items: setItem(s, i, { runId: e.runId }) }, effects: [] };
    case 'probe':
      if (!item.seenRunning) return none;
      return { state: { ...s, items: setItem(s, i, { linearTestAcc: e.linearTestAcc }) }, effects: [] };
    case 'finished':
      if (!item.seenRunning) return none;
      return advance({ ...s, items: setItem(s, i, { status: 'done' }) }, i + 1);
    case 'failed':
      return advance({ ...s, items: setItem(s, i, { status: 'failed', message: e.message }) }, i + 1);
    case 'cancel':
      return {
        state: { ...s, phase: 'cancelled', current: -1, items: s.items.map((it) => (it.status === 'running' || it.status === 'queued' ? { ...it, status: 'cancelled' } : it)) },
        effects: [{ type: 'stop' }],
      };
  }
}

/** Finished presets' accuracies, for trajectoryRows. */
export function replayAccuracies(s: ReplayState): Partial<Record<PresetId, number>> {
  const out: Partial<Record<PresetId, number>> = {};
  for (const it of s.items) if (it.status === 'done' && it.linearTestAcc !== null) out[it.preset] = it.linearTestAcc;
  return out;
}
