// Shared by the runs-table tests: an in-memory IndexedDB (fake-indexeddb), a keeper per "page
// load", the micro config, and helpers on the recorded events.
import 'fake-indexeddb/auto';
import type { EngineEvent } from '../../src/engine/protocol';
import { IdbRunsStore, type RunsStore } from '../../src/engine/worker/runsDb';
import { RunsKeeper } from '../../src/engine/worker/runsKeeper';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import type { RunListEntry } from '../../src/types/runs';

export const microCfg: ExperimentConfig = {
  ...DEFAULT_CONFIG,
  modelSize: 'micro',
  batchSize: 8,
  steps: 40,
  metricsEvery: 5,
  tokenizerSamples: 2000,
  warmupSteps: 5,
  probeEvery: 0,
  probeTrainSize: 100,
  probeTestSize: 50,
  emaDecay: 0.9,
  augmentShift: 2,
};

let dbCount = 0;
/** A fresh database name per test: stores made with the same name see the same data (a reload). */
export const newDbName = () => `ldae-runs-test-${++dbCount}-${Date.now()}`;

export function keeperOn(store: RunsStore | null, post: (e: EngineEvent) => void, o: { problem?: unknown; checkpointIntervalMs?: number } = {}) {
  return new RunsKeeper({ store, post, ...o });
}

export const openStore = (name: string) => new IdbRunsStore(name);

/** The last `runs` event's list. */
export function lastRuns(events: EngineEvent[]): { list: RunListEntry[]; liveRunId: string | null } {
  const e = events.filter((x): x is Extract<EngineEvent, { type: 'runs' }> => x.type === 'runs').at(-1);
  if (!e) throw new Error('no runs event');
  return { list: e.list, liveRunId: e.liveRunId };
}

export const lossesAfter = (events: EngineEvent[], step: number) =>
  events.flatMap((e) => (e.type === 'metrics' ? e.points : [])).filter((p) => p.step > step).map((p) => [p.step, p.loss]);

/** Resolves once `cond()` holds (polled; 60 s limit). */
export async function waitFor(cond: () => boolean, what = 'a condition'): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > 60_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const hasRuns = (events: EngineEvent[], pred: (list: RunListEntry[]) => boolean) => () =>
  events.some((e) => e.type === 'runs' && pred(e.list));
