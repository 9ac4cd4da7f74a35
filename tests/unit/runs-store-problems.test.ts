// The runs table without storage (Node: wasm): no IndexedDB at all (private mode), one that
// fails when opened, and one whose writes hit the quota. Each is one runStoreProblem sentence; the
// run trains on to the end in memory and is still listed (as not stored); nothing else breaks.
import { beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/protocol';
import { openRunsStore, type RunsStore } from '../../src/engine/worker/runsDb';
import { createTrainingRunner } from '../../src/engine/worker/trainingRunner';
import { setupNodeBackend } from '../../src/node/backend';
import type { LoadedDataset } from '../../src/types/data';
import { fashionSlice, isState, recorder } from './runnerHelpers';
import { hasRuns, keeperOn, lastRuns, microCfg, newDbName, openStore, waitFor } from './runsHelpers';

let data: LoadedDataset;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  data = await fashionSlice(512, 64);
});

const problems = (events: EngineEvent[]) => events.flatMap((e) => (e.type === 'runStoreProblem' ? [e.message] : []));

/** Trains microCfg to the end with this keeper; returns the events. */
async function trainWith(store: RunsStore | null, problem?: unknown) {
  const { events, post, next } = recorder();
  const runner = createTrainingRunner(post, data, { runs: keeperOn(store, post, { problem, checkpointIntervalMs: 0 }) });
  const done = next(isState('done'));
  await runner.handle({ type: 'start', config: microCfg });
  await done;
  await waitFor(hasRuns(events, (l) => l[0]?.status === 'done'), 'the run listed as done');
  await runner.handle({ type: 'listRuns' });
  await runner.dispose();
  const steps = events.flatMap((e) => (e.type === 'metrics' ? e.points.map((p) => p.step) : []));
  expect(steps.at(-1)).toBe(40);
  expect(events.filter((e) => e.type === 'error')).toEqual([]);
  return events;
}

/** Every method rejects with `error` (after `okCalls` successful writes when given). */
function failingStore(error: () => unknown, inner?: RunsStore): RunsStore {
  const fail = () => Promise.reject(error());
  return {
    putRun: (run) => fail().catch((e) => (inner && !isQuota(e) ? inner.putRun(run) : Promise.reject(e))),
    getRun: (id) => (inner ? inner.getRun(id) : fail()),
    listRuns: () => (inner ? inner.listRuns() : fail()),
    putCheckpoint: () => fail(),
    getCheckpoint: (id) => (inner ? inner.getCheckpoint(id) : fail()),
    deleteRun: (id) => (inner ? inner.deleteRun(id) : fail()),
    storage: (used) => Promise.resolve({ usedBytes: used, quotaBytes: null }),
  };
}
const isQuota = (e: unknown) => (e as Error).name === 'QuotaExceededError';

describe('runs store problems', () => {
  it('no IndexedDB (private mode): one runStoreProblem, the run trains in memory and is listed', async () => {
    const saved = globalThis.indexedDB;
    // @ts-expect-error: a context without IndexedDB
    delete globalThis.indexedDB;
    let opened;
    try {
      opened = openRunsStore();
    } finally {
      globalThis.indexedDB = saved;
    }
    expect(opened.store).toBeNull();
    const events = await trainWith(opened.store, opened.problem);
    expect(problems(events)).toEqual([expect.stringMatching(/^Runs cannot be stored: IndexedDB is unavailable here .*; the run keeps training in memory and is not stored\.$/)]);
    expect(lastRuns(events).list).toEqual([expect.objectContaining({ status: 'done', step: 40, bytes: 0, checkpointStep: null })]);
  }, 120_000);

  it('IndexedDB that fails to open: one runStoreProblem, training goes on', async () => {
    const events = await trainWith(failingStore(() => new DOMException('The database connection is closing.', 'InvalidStateError')));
    expect(problems(events)).toEqual([expect.stringMatching(/IndexedDB is unavailable here .*The database connection is closing.*the run keeps training in memory and is not stored\.$/)]);
  }, 120_000);

  it('quota exceeded on write: one runStoreProblem naming the quota, training goes on, the list still answers', async () => {
    const db = newDbName();
    const events = await trainWith(failingStore(() => new DOMException('The quota has been exceeded.', 'QuotaExceededError'), openStore(db)));
    expect(problems(events)).toEqual([expect.stringMatching(/^Runs cannot be stored: the browser's storage quota is exceeded .*; the run keeps training in memory and is not stored\.$/)]);
    expect(lastRuns(events).list).toEqual([expect.objectContaining({ status: 'done', step: 40, bytes: 0 })]);
  }, 120_000);
});
