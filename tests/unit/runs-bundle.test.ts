// Export run and Import run in the worker (Node: wasm, fake-indexeddb): a paused run exports
// from its checkpoint as `<name>-step<k>.zip`, the live run is checkpointed first, an imported
// bundle becomes a stored run (imported, paused at its step) that resumes to the same losses, and
// every bad file (not a zip, unknown or newer format, invalid config, wrong shapes, too big) is
// one runImportFailed sentence with nothing stored changed.
import * as tf from '@tensorflow/tfjs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/protocol';
import { createTrainingRunner } from '../../src/engine/worker/trainingRunner';
import { runBundleFromBytes } from '../../src/ldae/bundle/runBundle';
import { setupNodeBackend } from '../../src/node/backend';
import type { LoadedDataset } from '../../src/types/data';
import { fashionSlice, isState, recorder } from './runnerHelpers';
import { hasRuns, keeperOn, lastRuns, lossesAfter, microCfg, newDbName, openStore, waitFor } from './runsHelpers';

let data: LoadedDataset;
/** The exported run's config trained straight to 40 steps on the same 512 images (set by the import test). */
let straight40: number[][] = [];
let paused: { bytes: Uint8Array; fileName: string; id: string };

type Exported = Extract<EngineEvent, { type: 'runExported' }>;
const exported = (events: EngineEvent[]) => events.filter((e): e is Exported => e.type === 'runExported');
const failures = (events: EngineEvent[]) => events.flatMap((e) => (e.type === 'runImportFailed' ? [e.message] : []));

beforeAll(async () => {
  await setupNodeBackend('wasm');
  data = await fashionSlice(512, 64);
  // A run paused at step 20, exported from its checkpoint.
  const { events, post, next } = recorder();
  const runner = createTrainingRunner(post, data, { runs: keeperOn(openStore(newDbName()), post) });
  await runner.handle({ type: 'start', config: microCfg, origin: { preset: 'ldae-tuned', fromSharedLink: false, name: 'my run / 1' } });
  let p = next(isState('paused'));
  await runner.handle({ type: 'pause' });
  const first = (await p) as Extract<EngineEvent, { type: 'state' }>;
  p = next(isState('paused'));
  await runner.handle({ type: 'step', count: 20 - first.step });
  await p;
  const id = lastRuns(events).liveRunId!;
  await runner.handle({ type: 'exportRun', id });
  const e = exported(events)[0];
  paused = { bytes: e.bytes, fileName: e.fileName, id };
  await runner.dispose();
}, 120_000);

const file = (bytes: Uint8Array, name = 'run.zip') => new File([bytes as BlobPart], name);

function edited(edit: (m: Record<string, any>) => void): Uint8Array {
  const files = unzipSync(paused.bytes);
  const manifest = JSON.parse(strFromU8(files['manifest.json']));
  edit(manifest);
  return zipSync({ ...files, 'manifest.json': strToU8(JSON.stringify(manifest)) });
}

describe('export and import runs', () => {
  it('exports a paused run from its checkpoint as <name>-step<k>.zip', () => {
    expect(paused.fileName).toBe('my-run-1-step20.zip');
    const b = runBundleFromBytes(paused.bytes);
    expect(b.record).toMatchObject({ name: 'my run / 1', preset: 'ldae-tuned', step: 20, state: 'paused', trainImages: 512, config: microCfg });
    expect(b.position.step).toBe(20);
    expect(b.record.metrics.at(-1)!.step).toBe(20);
  });

  it('exports the live run while it trains (checkpointed first, at a metrics window) and training goes on', async () => {
    const { events, post, next } = recorder();
    const runner = createTrainingRunner(post, data, { runs: keeperOn(openStore(newDbName()), post) });
    const metrics = next((e) => e.type === 'metrics');
    await runner.handle({ type: 'start', config: { ...microCfg, steps: 400 } });
    await metrics;
    await waitFor(hasRuns(events, (l) => l.length === 1), 'the live run listed');
    const id = lastRuns(events).liveRunId!;
    await runner.handle({ type: 'exportRun', id });
    const e = exported(events)[0];
    const b = runBundleFromBytes(e.bytes);
    expect(b.position.step % microCfg.metricsEvery).toBe(0);
    expect(b.record.metrics.at(-1)!.step).toBe(b.position.step);
    expect(e.fileName).toBe(`${b.record.name.replace(/[^A-Za-z0-9._-]+/g, '-')}-step${b.position.step}.zip`);
    const later = next((x) => x.type === 'metrics' && x.points[0].step > b.position.step + 10);
    await later;
    await runner.handle({ type: 'stop' });
    await runner.dispose();
    expect(events.some((x) => x.type === 'error')).toBe(false);
  }, 120_000);

  it('imports a bundle as a stored run that resumes to the losses of the exported run, bit-identical', async () => {
    const db = newDbName();
    const { events, post, next } = recorder();
    const runner = createTrainingRunner(post, data, { runs: keeperOn(openStore(db), post) });
    await runner.handle({ type: 'importRun', file: file(paused.bytes, paused.fileName) });
    const imported = events.find((e) => e.type === 'runImported') as Extract<EngineEvent, { type: 'runImported' }>;
    expect(imported).toBeDefined();
    expect(lastRuns(events).list).toEqual([
      expect.objectContaining({ id: imported.id, name: 'my run / 1', imported: true, status: 'paused', step: 20, checkpointStep: 20, totalSteps: 40 }),
    ]);
    // A renamed stored run exports under its new name.
    await runner.handle({ type: 'renameRun', id: imported.id, name: 'renamed' });
    await runner.handle({ type: 'exportRun', id: imported.id });
    const again = exported(events).at(-1)!;
    expect(again.fileName).toBe('renamed-step20.zip');
    expect(runBundleFromBytes(again.bytes).record).toMatchObject({ name: 'renamed', step: 20 });
    const done = next(isState('done'));
    await runner.handle({ type: 'resumeRun', id: imported.id });
    await done;
    await waitFor(hasRuns(events, (l) => l[0]?.status === 'done'), 'the resumed import listed as done');
    expect(lastRuns(events).list[0]).toMatchObject({ id: imported.id, name: 'renamed', imported: true, step: 40, checkpointStep: 40 });

    // The same run, never interrupted.
    const straight = recorder();
    const r2 = createTrainingRunner(straight.post, data, { runs: keeperOn(openStore(newDbName()), straight.post) });
    const d2 = straight.next(isState('done'));
    await r2.handle({ type: 'start', config: microCfg });
    await d2;
    expect(lossesAfter(events, 20)).toEqual(lossesAfter(straight.events, 20));
    straight40 = lossesAfter(straight.events, 0);
    await runner.dispose();
    await r2.dispose();
  }, 180_000);

  it('a bundle trained on the first 512 images resumes on a larger dataset on those 512, bit-identical, and leaks nothing', async () => {
    expect(straight40, 'run with the import test before it').toHaveLength(8);
    const bigger = await fashionSlice(1024, 64);
    const tensors0 = tf.memory().numTensors;
    const { events, post, next } = recorder();
    const runner = createTrainingRunner(post, bigger, { runs: keeperOn(openStore(newDbName()), post) });
    await runner.handle({ type: 'importRun', file: file(paused.bytes, paused.fileName) });
    const id = (events.find((e) => e.type === 'runImported') as Extract<EngineEvent, { type: 'runImported' }>).id;
    const done = next(isState('done'));
    await runner.handle({ type: 'resumeRun', id });
    await done;
    await runner.dispose();
    expect(lossesAfter(events, 20)).toEqual(straight40.filter(([s]) => s > 20));
    expect(tf.memory().numTensors).toBe(tensors0);
  }, 120_000);

  it('refuses bad bundles with one sentence each and changes nothing stored', async () => {
    const db = newDbName();
    const { events, post } = recorder();
    const runner = createTrainingRunner(post, data, { runs: keeperOn(openStore(db), post) });
    await runner.handle({ type: 'importRun', file: file(paused.bytes) });
    const before = await openStore(db).listRuns();
    expect(before).toHaveLength(1);
    const tensors0 = tf.memory().numTensors;
    const huge = { name: 'huge.zip', size: 2 ** 31, arrayBuffer: () => Promise.reject(new Error('must not be read')) } as unknown as File;
    const cases: [File, RegExp][] = [
      [file(strToU8('not a zip at all'), 'garbage.zip'), /^garbage\.zip: not a run bundle: not a readable zip file/],
      [file(edited((m) => (m.format_version = 2)), 'newer.zip'), /^newer\.zip: the bundle format version 2 is newer than this playground reads \(1\)/],
      [file(edited((m) => (m.format = 'something-else')), 'other.zip'), /^other\.zip: not an l-DAE run bundle/],
      [file(edited((m) => (m.config.lr = 1e4)), 'badcfg.zip'), /^badcfg\.zip: bundle config is invalid: .*lr/],
      [file(edited((m) => (m.config.modelSize = 'tiny')), 'shape.zip'), /^shape\.zip: the saved training state does not fit the model built from its config: .*is \[/],
      [file(edited((m) => (m.config.dataset = 'import:elsewhere-0123abcd')), 'dataset.zip'), /^dataset\.zip: the run was trained on the dataset import:elsewhere-0123abcd, which is not in this browser/],
      [huge, /^huge\.zip: the file is 2048 MB, larger than the 512 MB a run bundle may be here/],
    ];
    for (const [f, message] of cases) {
      const n = failures(events).length;
      await runner.handle({ type: 'importRun', file: f });
      expect(failures(events).slice(n), f.name).toEqual([expect.stringMatching(message)]);
      expect(failures(events).at(-1)!.split(/\. [A-Z]/)).toHaveLength(1);
    }
    expect(events.filter((e) => e.type === 'runImported')).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(tensors0); // the model built to check shapes is gone
    expect(await openStore(db).listRuns()).toEqual(before);
    await expect(runner.handle({ type: 'exportRun', id: 'run-unknown' })).rejects.toThrow(/run run-unknown is not stored in this browser/);
    await runner.dispose();
  }, 120_000);
});
