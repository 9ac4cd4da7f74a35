import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/ldae/config';
import type { EngineCommand } from '../../src/engine/protocol';
import type { RunListEntry } from '../../src/types/runs';
import { useEngineStore } from '../../src/ui/store/engineStore';
import { initialRuns, receiveCurves, receiveRuns, setOverlay, setReference, useRunsStore } from '../../src/ui/store/runsStore';

const entry = (id: string, step = 10): RunListEntry => ({
  id,
  name: `run ${id}`,
  preset: 'ldae',
  config: DEFAULT_CONFIG,
  status: 'done',
  step,
  totalSteps: 10,
  checkpointStep: null,
  finalLoss: 1,
  linearTestAcc: null,
  rawPixelAcc: null,
  backend: 'wasm',
  startedAt: '2026-12-03T18:00:00Z',
  endedAt: null,
  wallSeconds: 1,
  fromSharedLink: false,
  imported: false,
  bytes: 1,
});
const STORAGE = { usedBytes: 10, quotaBytes: null };
let sent: EngineCommand[] = [];

beforeEach(() => {
  sent = [];
  useEngineStore.setState({ send: (c: EngineCommand) => void sent.push(c) });
  useRunsStore.setState(initialRuns, true);
});

describe('runs store', () => {
  it('selecting a stored run asks for its curves once; the live run uses the live series', () => {
    receiveRuns([entry('a'), entry('b')], STORAGE, 'b');
    setOverlay('a', true);
    setOverlay('b', true);
    expect(sent).toEqual([{ type: 'loadRunCurves', ids: ['a'] }]);
    receiveRuns([entry('a'), entry('b')], STORAGE, 'b'); // still pending: not asked again
    expect(sent).toHaveLength(1);
    receiveCurves([{ id: 'a', metrics: [{ step: 10 } as never], probes: [], baselines: null }]);
    expect(useRunsStore.getState().pendingCurves).toEqual([]);
    expect(useRunsStore.getState().selected).toEqual(['a', 'b']);
  });

  it('a run that stops being live, or grew since its curves came, is asked for again', () => {
    receiveRuns([entry('a', 4)], STORAGE, 'a');
    setOverlay('a', true);
    expect(sent).toEqual([]);
    receiveRuns([entry('a', 10)], STORAGE, null);
    expect(sent).toEqual([{ type: 'loadRunCurves', ids: ['a'] }]);
  });

  it('a deleted run leaves the overlay, the reference and the curves', () => {
    receiveRuns([entry('a'), entry('b')], STORAGE, null);
    setOverlay('a', true);
    receiveCurves([{ id: 'a', metrics: [{ step: 10 } as never], probes: [], baselines: null }]);
    setReference('a');
    receiveRuns([entry('b')], STORAGE, null);
    const s = useRunsStore.getState();
    expect(s.selected).toEqual([]);
    expect(s.referenceId).toBeNull();
    expect(s.curves).toEqual({});
  });
});
