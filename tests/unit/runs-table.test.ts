// The runs table in the worker (Node: wasm, fake-indexeddb): every start is recorded with its
// origin and kept up to date from what the runner posts; a record left 'running' by an earlier
// page is listed as 'interrupted'; rename, delete (never the live run), curves; another keeper on
// the same database (a reload) sees the same runs.
import { beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/protocol';
import { createTrainingRunner } from '../../src/engine/worker/trainingRunner';
import { LiveRunRecord } from '../../src/engine/worker/liveRunRecord';
import { noRunLocks, type RunLocks } from '../../src/engine/worker/runLocks';
import { RunsKeeper } from '../../src/engine/worker/runsKeeper';
import { matchingPreset } from '../../src/ldae/presets';
import { setupNodeBackend } from '../../src/node/backend';
import type { LoadedDataset } from '../../src/types/data';
import { fashionSlice, isState, recorder } from './runnerHelpers';
import { hasRuns, keeperOn, lastRuns, microCfg, newDbName, openStore, waitFor } from './runsHelpers';

let data: LoadedDataset;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  data = await fashionSlice(512, 64);
});

describe('runs table', () => {
  it('records a run from start to end, lists it after a reload, renames, gives curves, deletes', async () => {
    const db = newDbName();
    const { events, post, next } = recorder();
    const keeper = keeperOn(openStore(db), post);
    const runner = createTrainingRunner(post, data, { runs: keeper });
    const done = next(isState('done'));
    await runner.handle({ type: 'start', config: microCfg, origin: { preset: 'ldae', fromSharedLink: true, name: 'first run' } });
    await waitFor(hasRuns(events, (l) => l.length === 1), 'the first runs event');
    const id = lastRuns(events).liveRunId!;
    expect(id).toMatch(/^run-/);
    expect(lastRuns(events).list[0]).toMatchObject({ id, name: 'first run', preset: 'ldae', status: 'running', fromSharedLink: true, imported: false });

    const busy = runner.handle({ type: 'deleteRun', id });
    await expect(busy).rejects.toThrow(/first run" is the live run: stop or reset it before deleting it/);
    await done;
    await waitFor(hasRuns(events, (l) => l[0]?.status === 'done'), 'the run listed as done');

    const points = events.flatMap((e) => (e.type === 'metrics' ? e.points : []));
    const probe = events.filter((e): e is Extract<EngineEvent, { type: 'probe' }> => e.type === 'probe').at(-1)!.result;
    const baselines = events.filter((e): e is Extract<EngineEvent, { type: 'baselines' }> => e.type === 'baselines').at(-1)!.baselines;
    const row = lastRuns(events).list.find((r) => r.id === id)!;
    expect(row).toMatchObject({ status: 'done', step: 40, totalSteps: 40, checkpointStep: 40, finalLoss: points.at(-1)!.loss, linearTestAcc: probe.linearTestAcc, rawPixelAcc: baselines.rawPixel.linearTestAcc, backend: 'wasm' });
    expect(row.wallSeconds).toBeGreaterThan(0);
    expect(row.endedAt).not.toBeNull();
    expect(row.bytes).toBeGreaterThan(10_000); // the checkpoint: weights, moments, EMA

    // A reload: a new keeper on the same database.
    const later = recorder();
    const keeper2 = keeperOn(openStore(db), later.post);
    await keeper2.handle({ type: 'listRuns' }, noLive);
    expect(lastRuns(later.events)).toEqual({ list: [{ ...row, bytes: expect.any(Number) }], liveRunId: null });
    await keeper2.handle({ type: 'renameRun', id, name: '  renamed  ' }, noLive);
    expect(lastRuns(later.events).list[0].name).toBe('renamed');
    await keeper2.handle({ type: 'loadRunCurves', ids: [id] }, noLive);
    const curves = later.events.find((e) => e.type === 'runCurves') as Extract<EngineEvent, { type: 'runCurves' }>;
    expect(curves.curves).toEqual([{ id, metrics: points, probes: [probe], baselines }]);
    await expect(keeper2.handle({ type: 'renameRun', id, name: ' ' }, noLive)).rejects.toThrow(/cannot be empty/);
    await expect(keeper2.handle({ type: 'loadRunCurves', ids: ['run-nope'] }, noLive)).rejects.toThrow(/run run-nope is not stored in this browser/);
    await keeper2.handle({ type: 'deleteRun', id }, noLive);
    expect(lastRuns(later.events).list).toEqual([]);
    expect(await openStore(db).listRuns()).toEqual([]);
    expect(await openStore(db).getCheckpoint(id)).toBeNull();
    await runner.dispose();
  }, 120_000);

  it('a run left running by an earlier page is listed as interrupted; the preset comes from the config when not given', async () => {
    const db = newDbName();
    const { events, post, next } = recorder();
    const keeper = keeperOn(openStore(db), post);
    const runner = createTrainingRunner(post, data, { runs: keeper });
    const metrics = next((e) => e.type === 'metrics');
    await runner.handle({ type: 'start', config: { ...microCfg, steps: 100000 } });
    await metrics;
    await waitFor(hasRuns(events, (l) => l.length === 1), 'the first runs event');
    const id = lastRuns(events).liveRunId!;
    expect(lastRuns(events).list[0]).toMatchObject({ id, status: 'running', preset: matchingPreset(microCfg), fromSharedLink: false });
    // The page goes away mid-run: the record says 'running'.
    await keeper.flushed();
    const later = recorder();
    await keeperOn(openStore(db), later.post).handle({ type: 'listRuns' }, noLive);
    expect(lastRuns(later.events).list[0]).toMatchObject({ id, status: 'interrupted' });
    await runner.handle({ type: 'stop' });
    await runner.dispose();
  }, 120_000);

  it('a run another tab trains (its Web Lock is held elsewhere) is listed as running and is neither resumed nor deleted here', async () => {
    const db = newDbName();
    const record = LiveRunRecord.fresh('run-other-tab', { name: 'other tab', preset: 'ldae', config: microCfg, trainImages: 512, backend: 'wasm', fromSharedLink: false });
    await openStore(db).putRun(record.stored());
    const elsewhere: RunLocks = { hold() {}, release() {}, heldElsewhere: async () => new Set(['run-other-tab']) };
    const { events, post } = recorder();
    const runner = createTrainingRunner(post, data, { runs: new RunsKeeper({ store: openStore(db), post, locks: elsewhere }) });
    await runner.handle({ type: 'listRuns' });
    expect(lastRuns(events).list).toEqual([expect.objectContaining({ id: 'run-other-tab', status: 'running' })]);
    await expect(runner.handle({ type: 'resumeRun', id: 'run-other-tab' })).rejects.toThrow(/run "other tab" is training in another tab: resume it there or close that tab first/);
    await expect(runner.handle({ type: 'deleteRun', id: 'run-other-tab' })).rejects.toThrow(/is training in another tab: delete it there/);
    expect(await openStore(db).getRun('run-other-tab')).not.toBeNull();
    // Once that tab is gone (its lock released), the run is interrupted here.
    const later = recorder();
    await new RunsKeeper({ store: openStore(db), post: later.post, locks: noRunLocks }).handle({ type: 'listRuns' }, noLive);
    expect(lastRuns(later.events).list[0]).toMatchObject({ id: 'run-other-tab', status: 'interrupted' });
    await runner.dispose();
  });
});

const noLive = { checkpointLive: async () => null, liveBusy: () => false, imageShapeOf: () => null };
