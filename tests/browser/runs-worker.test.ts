// The runs table in Chromium, at the worker: the built engine worker in a page, the real
// IndexedDB. A run checkpoints while it trains (15 s clock); a reload kills the page mid-run; the
// new worker lists it as interrupted at its checkpoint step (while it trained, another tab saw it
// running and could not resume it), resumeRun continues from there; the
// run exports as a bundle, which imports back as a second run; a bad file is refused.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { EngineCommand, EngineEvent } from '../../src/engine/protocol';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import { REPO_ROOT } from './harness';
import { useAppSuite } from './suite';

const app = useAppSuite();

const cfg: ExperimentConfig = { ...DEFAULT_CONFIG, dataset: 'mnist', modelSize: 'micro', batchSize: 8, steps: 100000, metricsEvery: 5, tokenizerSamples: 2000, warmupSteps: 5, probeEvery: 0 };
const workerScript = () => readdirSync(join(REPO_ROOT, 'dist', 'assets')).find((f) => /^worker-.*\.js$/.test(f))!;

type Runs = Extract<EngineEvent, { type: 'runs' }>;

/** A blank page of the app's origin with the engine worker in it; events collect in window.__events. */
async function engineIn(page: Page): Promise<void> {
  const blank = new URL('runs-worker-blank.html', app.server.url).href;
  await page.route(blank, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>engine</title>' }));
  await page.goto(blank);
  await page.evaluate((script) => {
    const w = window as unknown as { __events: unknown[]; __worker: Worker };
    w.__events = [];
    w.__worker = new Worker(`/assets/${script}`, { type: 'module' });
    w.__worker.onmessage = (ev) => w.__events.push(ev.data);
  }, workerScript());
  await send(page, { type: 'init', backend: 'wasm', dataset: 'mnist', threads: 1 });
  await waitEvent(page, "e.type === 'datasetLoaded'");
}

const send = (page: Page, cmd: EngineCommand) => page.evaluate((c) => (window as unknown as { __worker: Worker }).__worker.postMessage(c), cmd as never);
const events = (page: Page) => page.evaluate(() => (window as unknown as { __events: EngineEvent[] }).__events.map((e) => (e.type === 'runExported' ? { ...e, bytes: e.bytes.length } : e))) as Promise<EngineEvent[]>;
async function waitEvent(page: Page, pred: string, timeout = 120_000): Promise<void> {
  await page.waitForFunction(`window.__events.some((e) => ${pred})`, undefined, { timeout, polling: 100 });
}
const lastRuns = async (page: Page) => (await events(page)).filter((e): e is Runs => e.type === 'runs').at(-1)!;

describe('runs table in Chromium (worker, IndexedDB)', () => {
  it('checkpoints while training, lists the run as interrupted after a reload, resumes from the checkpoint, exports and imports it', async () => {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await engineIn(page);
    await send(page, { type: 'start', config: cfg, origin: { preset: 'ldae-tuned', fromSharedLink: false, name: 'reload me' } });
    // The 15 s clock: a runs event with a checkpoint while the run is still running.
    await waitEvent(page, "e.type === 'runs' && e.list.some((r) => r.status === 'running' && r.checkpointStep !== null)", 180_000);
    const first = await lastRuns(page);
    const id = first.liveRunId!;
    const k = first.list.find((r) => r.id === id)!.checkpointStep!;
    expect(k % cfg.metricsEvery).toBe(0);
    await waitEvent(page, `e.type === 'metrics' && e.points.some((p) => p.step > ${k})`);
    expect((await events(page)).filter((e) => e.type === 'error')).toEqual([]);

    // A second tab sees the run training (its Web Lock is held) and does not take it over.
    const other = await context.newPage();
    await engineIn(other);
    await send(other, { type: 'listRuns' });
    await waitEvent(other, "e.type === 'runs'");
    expect((await lastRuns(other)).list.find((r) => r.id === id)).toMatchObject({ status: 'running' });
    await send(other, { type: 'resumeRun', id });
    await waitEvent(other, "e.type === 'error'");
    expect((await events(other)).find((e) => e.type === 'error')).toMatchObject({ where: 'resumeRun', message: expect.stringMatching(/is training in another tab/) });
    await other.close();

    await page.reload(); // the page and its worker go away mid-run
    await engineIn(page);
    await send(page, { type: 'listRuns' });
    await waitEvent(page, "e.type === 'runs'");
    const listed = (await lastRuns(page)).list.find((r) => r.id === id)!;
    expect(listed).toMatchObject({ name: 'reload me', status: 'interrupted', backend: 'wasm' });
    const at = listed.checkpointStep!;
    expect(at).toBeGreaterThanOrEqual(k);
    expect(listed.bytes).toBeGreaterThan(100_000);

    await send(page, { type: 'resumeRun', id });
    await waitEvent(page, `e.type === 'metrics' && e.points[0].step === ${at + cfg.metricsEvery}`);
    const resumed = await events(page);
    expect(resumed.find((e) => e.type === 'state')).toMatchObject({ state: 'fitting-tokenizer', step: at });
    const history = resumed.find((e) => e.type === 'metrics') as Extract<EngineEvent, { type: 'metrics' }>;
    expect(history.points.at(-1)!.step).toBe(at);
    expect((await lastRuns(page)).liveRunId).toBe(id);

    await send(page, { type: 'pause' });
    await waitEvent(page, "e.type === 'state' && e.state === 'paused'");
    await send(page, { type: 'exportRun', id });
    await waitEvent(page, "e.type === 'runExported'");
    const exported = (await events(page)).find((e) => e.type === 'runExported') as unknown as { fileName: string; bytes: number };
    expect(exported.fileName).toMatch(/^reload-me-step\d+\.zip$/);
    expect(exported.bytes).toBeGreaterThan(100_000);
    await page.evaluate(() => {
      const w = window as unknown as { __events: EngineEvent[]; __worker: Worker };
      const e = w.__events.find((x) => x.type === 'runExported') as Extract<EngineEvent, { type: 'runExported' }>;
      w.__worker.postMessage({ type: 'importRun', file: new File([e.bytes as BlobPart], e.fileName) });
      w.__worker.postMessage({ type: 'importRun', file: new File(['not a zip'], 'garbage.zip') });
    });
    await waitEvent(page, "e.type === 'runImported'");
    await waitEvent(page, "e.type === 'runImportFailed'");
    const after = await events(page);
    expect(after.find((e) => e.type === 'runImportFailed')).toMatchObject({ message: expect.stringMatching(/^garbage\.zip: not a run bundle/) });
    const importedId = (after.find((e) => e.type === 'runImported') as Extract<EngineEvent, { type: 'runImported' }>).id;
    await waitEvent(page, `e.type === 'runs' && e.list.some((r) => r.id === '${importedId}')`);
    const step = Number(/step(\d+)\.zip$/.exec(exported.fileName)![1]);
    expect((await lastRuns(page)).list.find((r) => r.id === importedId)).toMatchObject({ name: 'reload me', imported: true, status: 'paused', checkpointStep: step });
    expect(after.filter((e) => e.type === 'error' || e.type === 'runStoreProblem')).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 300_000);
});
