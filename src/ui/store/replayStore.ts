// Performs `Replay the paper` (the pure machine in ../runs/replayQueue.ts): starts each preset on
// the config the replay began with, feeds the machine the engine's events, overlays the runs.
import type { ExperimentConfig } from '../../ldae/config';
import { applyPreset } from '../../ldae/presets';
import type { EngineEvent } from '../../engine/protocol';
import { replayStep, type ReplayEffect, type ReplayEvent } from '../runs/replayQueue';
import { canStart, startRun } from './actions';
import { currentProblems, useConfigStore } from './configStore';
import { useEngineStore } from './engineStore';
import { replayActive, useReplayStore } from './replayState';
import { useRunsStore } from './runsStore';

/** The config the replay began with: every preset is applied to it. */
let base: ExperimentConfig | null = null;
/** The live run when the current item started: a `runs` event naming it is not the new run. */
let liveAtStart: string | null = null;

export function dispatchReplay(e: ReplayEvent): void {
  const { state, effects } = replayStep(useReplayStore.getState(), e);
  useReplayStore.setState(state, true);
  for (const fx of effects) perform(fx);
}

function perform(fx: ReplayEffect): void {
  if (fx.type === 'stop') {
    useEngineStore.getState().send({ type: 'stop' });
    return;
  }
  const cfg: ExperimentConfig = { ...applyPreset(base!, fx.preset), steps: fx.steps };
  const problems = currentProblems(cfg);
  liveAtStart = useRunsStore.getState().liveRunId;
  // Dispatched after this effect's state is stored, so a failed start moves on to the next preset.
  if (problems.length > 0) queueMicrotask(() => dispatchReplay({ type: 'failed', message: problems.map((p) => p.message).join('; ') }));
  else if (!startRun(cfg, { preset: fx.preset, fromSharedLink: false, name: fx.name })) queueMicrotask(() => dispatchReplay({ type: 'failed', message: 'the engine or the dataset is not ready' }));
}

export function beginReplay(budget: number): void {
  base = useConfigStore.getState().config;
  if (!canStart({ ...base, steps: budget })) return;
  dispatchReplay({ type: 'begin', budget });
}

export function cancelReplay(): void {
  dispatchReplay({ type: 'cancel' });
}

/** The engine's events that move the replay on (called by events.ts for every event). */
export function replayOnEvent(e: EngineEvent): void {
  if (!replayActive()) return;
  switch (e.type) {
    case 'state':
      if (e.state === 'running') dispatchReplay({ type: 'training' });
      else if (e.state === 'done') dispatchReplay({ type: 'finished' });
      else if (e.state === 'idle') dispatchReplay({ type: 'cancel' });
      return;
    case 'probe':
      dispatchReplay({ type: 'probe', linearTestAcc: e.result.linearTestAcc });
      return;
    case 'runs': {
      if (e.liveRunId === null || e.liveRunId === liveAtStart) return;
      const s = useReplayStore.getState();
      const named = s.items[s.current]?.runId ?? null;
      dispatchReplay({ type: 'named', runId: e.liveRunId });
      const now = useReplayStore.getState().items[s.current]?.runId ?? null;
      if (named === null && now !== null) overlay(now);
      return;
    }
    case 'error':
      // Not state 'error': a failed start or run sends both, and one failure must skip one preset.
      if (e.where === 'start' || e.where === 'training') dispatchReplay({ type: 'failed', message: e.message });
      return;
  }
}

/** Each replay run joins the overlay as soon as it has a name. */
function overlay(id: string): void {
  useRunsStore.setState((s) => (s.selected.includes(id) ? s : { selected: [...s.selected, id] }));
}
