// Resume after reload in the worker (Node: wasm, fake-indexeddb, the training runner with a
// collecting post, micro config): a run paused at step 20 and one whose page went away mid-run
// (its last checkpoint is what is left) are resumed by a new runner on a new store handle, as a
// reloaded page would, and their losses after the checkpoint are bit-identical to a run that was
// never interrupted.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/protocol';
import type { RunsStore } from '../../src/engine/worker/runsDb';
import { createTrainingRunner } from '../../src/engine/worker/trainingRunner';
import { setupNodeBackend } from '../../src/node/backend';
import type { LoadedDataset } from '../../src/types/data';
import { fashionSlice, isState, recorder } from './runnerHelpers';
import { hasRuns, keeperOn, lastRuns, lossesAfter, microCfg, newDbName, openStore, waitFor } from './runsHelpers';

let data: LoadedDataset;
/** Losses of the uninterrupted 40-step run, [step, loss] per metrics window. */
let straight: number[][];

beforeAll(async () => {
  await setupNodeBackend('wasm');
  data = await fashionSlice(512, 64);
  const { events, post, next } = recorder();
  const runner = createTrainingRunner(post, data, { runs: keeperOn(openStore(newDbName()), post) });
  const done = next(isState('done'));
  await runner.handle({ type: 'start', config: microCfg });
  await done;
  straight = lossesAfter(events, 0);
  expect(straight.map(([s]) => s)).toEqual([5, 10, 15, 20, 25, 30, 35, 40]);
  await runner.dispose();
}, 120_000);

/** A reloaded page: new store handle, new keeper, new runner; resumes `id` and returns its events when done. */
async function resumeAfterReload(db: string, id: string) {
  const { events, post, next } = recorder();
  const runner = createTrainingRunner(post, data, { runs: keeperOn(openStore(db), post) });
  await runner.handle({ type: 'listRuns' });
  const before = lastRuns(events).list.find((r) => r.id === id)!;
  const done = next(isState('done'));
  await runner.handle({ type: 'resumeRun', id });
  await done;
  await waitFor(hasRuns(events, (l) => l.find((r) => r.id === id)?.status === 'done'), 'the resumed run listed as done');
  await runner.dispose();
  expect(events.some((e) => e.type === 'error')).toBe(false);
  return { events, before, after: lastRuns(events) };
}

describe('resume after reload', () => {
  it('a run paused at step 20 resumes in a new runner with bit-identical losses', async () => {
    const tensors0 = tf.memory().numTensors;
    const db = newDbName();
    const { events, post, next } = recorder();
    const runner = createTrainingRunner(post, data, { runs: keeperOn(openStore(db), post) });
    // Pause as soon as training started, then step to exactly 20 (a pause checkpoints).
    await runner.handle({ type: 'start', config: microCfg });
    let paused = next(isState('paused'));
    await runner.handle({ type: 'pause' });
    const first = (await paused) as Extract<EngineEvent, { type: 'state' }>;
    paused = next(isState('paused'));
    await runner.handle({ type: 'step', count: 20 - first.step });
    await paused;
    const id = lastRuns(events).liveRunId!;
    await waitFor(hasRuns(events, (l) => l[0]?.checkpointStep === 20 && l[0].status === 'paused'), 'the checkpoint at 20 listed');
    await runner.dispose();

    const { events: resumed, before, after } = await resumeAfterReload(db, id);
    expect(before).toMatchObject({ id, status: 'paused', step: 20, checkpointStep: 20 });
    expect(lossesAfter(resumed, 20)).toEqual(straight.filter(([s]) => s > 20));
    expect(after.list.find((r) => r.id === id)).toMatchObject({ status: 'done', step: 40, checkpointStep: 40, finalLoss: straight.at(-1)![1] });
    // The page got the curves so far before training went on.
    expect(resumed.find((e) => e.type === 'metrics')).toMatchObject({ points: expect.arrayContaining([expect.objectContaining({ step: 20 })]) });
    expect(tf.memory().numTensors).toBe(tensors0);
  }, 180_000);

  it('a run whose page went away mid-run is listed as interrupted and resumes from its last checkpoint, bit-identical', async () => {
    const db = newDbName();
    const { events, post, next } = recorder();
    // The page "goes away" once step 20's window is posted: nothing it writes after that lands.
    let gone = false;
    const store = frozenWhen(openStore(db), () => gone);
    const keeper = keeperOn(store, post, { checkpointIntervalMs: 0 }); // a checkpoint at every window
    const pagePost = (e: EngineEvent) => {
      post(e);
      if (e.type === 'metrics' && e.points.some((p) => p.step >= 20)) gone = true;
    };
    const runner = createTrainingRunner(pagePost, data, { runs: keeper });
    const reached = next((e) => e.type === 'metrics' && e.points.some((p) => p.step >= 25));
    await runner.handle({ type: 'start', config: microCfg });
    await reached;
    const id = lastRuns(events).liveRunId!;
    await runner.handle({ type: 'stop' });
    await runner.dispose();

    const { events: resumed, before } = await resumeAfterReload(db, id);
    expect(before).toMatchObject({ id, status: 'interrupted', checkpointStep: 15 });
    expect(lossesAfter(resumed, 15)).toEqual(straight.filter(([s]) => s > 15));
  }, 180_000);

  it('a new runner on the same keeper takes the live run over from its checkpoint (device-loss recovery); the old one lets go of it', async () => {
    const db = newDbName();
    const old = recorder();
    const keeper = keeperOn(openStore(db), (e) => (fresh ? fresh.post(e) : old.post(e)));
    let fresh: ReturnType<typeof recorder> | null = null;
    const r1 = createTrainingRunner(old.post, data, { runs: keeper });
    await r1.handle({ type: 'start', config: microCfg });
    const paused = old.next(isState('paused'));
    await r1.handle({ type: 'pause' });
    await paused;
    const id = r1.liveRunId()!;
    const at = (await r1.checkpointLiveRun())!.step;
    expect(keeper.liveRunId).toBe(id);

    fresh = recorder();
    const r2 = createTrainingRunner(fresh.post, data, { runs: keeper });
    const done = fresh.next(isState('done'));
    await r2.handle({ type: 'resumeRun', id });
    expect(r1.liveRunId()).toBeNull();
    expect(r2.liveRunId()).toBe(id);
    await r1.dispose(); // the old runner goes after the new one took over: the run stays live
    expect(keeper.liveRunId).toBe(id);
    await done;
    await waitFor(hasRuns(fresh.events, (l) => l.find((r) => r.id === id)?.status === 'done'), 'the run listed as done');
    expect(lossesAfter(fresh.events, at)[0][0]).toBe(at + microCfg.metricsEvery);
    await r2.dispose();
    expect(keeper.liveRunId).toBeNull();
  }, 120_000);
});

/** The store, with every write a no-op once `frozen()` (the page is gone). */
function frozenWhen(store: RunsStore, frozen: () => boolean): RunsStore {
  return {
    putRun: (run) => (frozen() ? Promise.resolve() : store.putRun(run)),
    getRun: (id) => store.getRun(id),
    listRuns: () => store.listRuns(),
    putCheckpoint: (id, step, bytes, run) => (frozen() ? Promise.resolve({ id, step, bytes: 0, chunks: 0, writtenAt: '' }) : store.putCheckpoint(id, step, bytes, run)),
    getCheckpoint: (id) => store.getCheckpoint(id),
    deleteRun: (id) => (frozen() ? Promise.resolve() : store.deleteRun(id)),
    storage: (used) => store.storage(used),
  };
}
