import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/ldae/config';
import type { MetricsPoint, ProbeResult } from '../../src/types/run';
import type { RunCurves, RunListEntry } from '../../src/types/runs';
import { OVERLAY_COLOURS, overlaySeries, overlayTableRows } from '../../src/ui/charts/overlaySeries';
import { canResume, formatBytes, statusText } from '../../src/ui/runs/runFormat';

const entry = (id: string, name: string): RunListEntry => ({
  id,
  name,
  preset: 'ldae',
  config: DEFAULT_CONFIG,
  status: 'done',
  step: 10,
  totalSteps: 10,
  checkpointStep: 10,
  finalLoss: 0.5,
  linearTestAcc: 0.7,
  rawPixelAcc: 0.8,
  backend: 'wasm',
  startedAt: '2026-12-03T18:00:00Z',
  endedAt: null,
  wallSeconds: 3,
  fromSharedLink: false,
  imported: false,
  bytes: 2048,
});
const point = (step: number, loss: number) => ({ step, loss }) as MetricsPoint;
const probe = (step: number, linearTestAcc: number) => ({ step, linearTestAcc }) as ProbeResult;
const curves = (id: string, metrics: MetricsPoint[], probes: ProbeResult[] = []): RunCurves => ({ id, metrics, probes, baselines: null });

describe('overlaid runs on the charts', () => {
  const list = [entry('a', 'first'), entry('b', 'second'), entry('c', 'live one')];
  const stored = { a: curves('a', [point(5, 1), point(10, 0.5)], [probe(10, 0.6)]), b: curves('b', [point(5, 2), point(10, Number.NaN)]) };

  it('one series per selected run, in selection order, each its own colour; the live run from the live series', () => {
    const s = overlaySeries(['b', 'a', 'c'], list, stored, { id: 'c', metrics: [point(1, 3)], probes: [] });
    expect(s.map((x) => x.name)).toEqual(['second', 'first', 'live one']);
    expect(new Set(s.map((x) => x.colour)).size).toBe(3);
    expect(s[0].loss).toEqual([{ step: 5, loss: 2 }]); // the NaN point is left out
    expect(s[1].probes).toEqual([{ step: 10, linearTestAcc: 0.6 }]);
    expect(s[2].loss).toEqual([{ step: 1, loss: 3 }]);
  });

  it('past eight runs the colours come round again with a dash', () => {
    const many = Array.from({ length: 9 }, (_, i) => entry(`r${i}`, `run ${i}`));
    const s = overlaySeries(many.map((r) => r.id), many, {}, { id: null, metrics: [], probes: [] });
    expect(s[8].colour).toBe(OVERLAY_COLOURS[0]);
    expect(s[8].dash).toBeDefined();
    expect(s[0].dash).toBeUndefined();
  });

  it('a deleted run is dropped; the data table has a row per step any run has', () => {
    const s = overlaySeries(['a', 'gone', 'b'], list, stored, { id: null, metrics: [], probes: [] });
    expect(s).toHaveLength(2);
    const rows = overlayTableRows(s);
    expect(rows.map((r) => r.step)).toEqual([5, 10]);
    expect(rows[1].values).toEqual([
      { loss: 0.5, linearTestAcc: 0.6 },
      { loss: undefined, linearTestAcc: undefined },
    ]);
  });
});

describe('runs table numbers', () => {
  it('an interrupted run reads "interrupted at step k" (its checkpoint) and can be resumed', () => {
    const r = { ...entry('a', 'x'), status: 'interrupted' as const, step: 27, checkpointStep: 20 };
    expect(statusText(r)).toBe('interrupted at step 20');
    expect(canResume(r)).toBe(true);
    expect(canResume({ ...r, checkpointStep: null })).toBe(false);
    expect(canResume({ ...r, status: 'done' })).toBe(false);
  });

  it('sizes', () => {
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
  });
});
