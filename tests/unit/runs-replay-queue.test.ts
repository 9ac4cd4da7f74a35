import { describe, expect, it } from 'vitest';
import { PRESET_IDS } from '../../src/ldae/presets';
import { trajectoryRows } from '../../src/ldae/trajectoryTable';
import { idleReplay, replayAccuracies, replayStep, type ReplayEvent, type ReplayState } from '../../src/ui/runs/replayQueue';

function run(events: ReplayEvent[], from: ReplayState = idleReplay) {
  let state = from;
  const effects = [];
  for (const e of events) {
    const out = replayStep(state, e);
    state = out.state;
    effects.push(...out.effects);
  }
  return { state, effects };
}

/** One preset trained to the end with a final probe. */
const finishOne = (runId: string, acc: number): ReplayEvent[] => [{ type: 'training' }, { type: 'named', runId }, { type: 'probe', linearTestAcc: acc }, { type: 'finished' }];

describe('Replay the paper: the queue state machine', () => {
  it('begin starts the first preset with the budget and a name "Replay 1/7: ..."', () => {
    const { state, effects } = run([{ type: 'begin', budget: 40 }]);
    expect(state.phase).toBe('running');
    expect(state.current).toBe(0);
    expect(state.items.map((i) => i.preset)).toEqual([...PRESET_IDS]);
    expect(effects).toEqual([{ type: 'start', preset: 'dit-baseline', name: 'Replay 1/7: dit-baseline', steps: 40 }]);
    expect(state.items[2].name).toBe('Replay 3/7: predict-z0');
  });

  it('rejects a budget that is not a positive integer', () => {
    expect(run([{ type: 'begin', budget: 0 }]).state).toBe(idleReplay);
    expect(run([{ type: 'begin', budget: 2.5 }]).state).toBe(idleReplay);
  });

  it('the next preset starts only when the previous reaches done, and seven runs finish the queue', () => {
    const events: ReplayEvent[] = [{ type: 'begin', budget: 5 }];
    PRESET_IDS.forEach((_, i) => events.push(...finishOne(`r${i}`, 0.1 * (i + 1))));
    const { state, effects } = run(events);
    expect(effects.map((e) => (e.type === 'start' ? e.preset : e.type))).toEqual([...PRESET_IDS]);
    expect(state.phase).toBe('finished');
    expect(state.current).toBe(-1);
    expect(state.items.every((i) => i.status === 'done')).toBe(true);
    expect(state.items.map((i) => i.runId)).toEqual(PRESET_IDS.map((_, i) => `r${i}`));
    const rows = trajectoryRows(replayAccuracies(state));
    expect(rows[0].ours).toBeCloseTo(10);
    expect(rows[1].oursChange).toBeCloseTo(10);
    expect(rows[6].paper).toBe(64.5);
  });

  it('a done before the new run trained (the old run stopping) does not advance the queue', () => {
    const { state, effects } = run([{ type: 'begin', budget: 5 }, { type: 'finished' }, { type: 'probe', linearTestAcc: 0.9 }]);
    expect(state.current).toBe(0);
    expect(state.items[0].status).toBe('running');
    expect(state.items[0].linearTestAcc).toBeNull();
    expect(effects).toHaveLength(1);
  });

  it('a run that fails is marked with its message and the queue goes on', () => {
    const { state, effects } = run([{ type: 'begin', budget: 5 }, { type: 'training' }, { type: 'failed', message: 'boom' }]);
    expect(state.items[0]).toMatchObject({ status: 'failed', message: 'boom' });
    expect(state.current).toBe(1);
    expect(effects[1]).toMatchObject({ type: 'start', preset: 'linear-gamma' });
    expect(replayAccuracies(state)).toEqual({});
  });

  it('cancel stops the current run and the queue; later events change nothing', () => {
    const mid = run([{ type: 'begin', budget: 5 }, ...finishOne('a', 0.5), { type: 'training' }]);
    const { state, effects } = run([{ type: 'cancel' }, { type: 'finished' }, { type: 'named', runId: 'x' }], mid.state);
    expect(effects).toEqual([{ type: 'stop' }]);
    expect(state.phase).toBe('cancelled');
    expect(state.items.map((i) => i.status)).toEqual(['done', 'cancelled', 'cancelled', 'cancelled', 'cancelled', 'cancelled', 'cancelled']);
    expect(replayAccuracies(state)).toEqual({ 'dit-baseline': 0.5 });
  });

  it('a run id already used by an earlier item is not taken for the current one', () => {
    const { state } = run([{ type: 'begin', budget: 5 }, ...finishOne('a', 0.5), { type: 'named', runId: 'a' }]);
    expect(state.items[1].runId).toBeNull();
  });

  it('begin while a replay runs is ignored', () => {
    const first = run([{ type: 'begin', budget: 5 }]);
    const again = replayStep(first.state, { type: 'begin', budget: 9 });
    expect(again.state).toBe(first.state);
    expect(again.effects).toEqual([]);
  });
});
