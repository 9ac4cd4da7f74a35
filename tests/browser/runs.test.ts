// The Runs panel in headless Chromium (wasm, micro model, a few steps): two runs overlaid on the
// charts, Export run then Import run, reload mid-run then Resume training from the checkpoint, a
// corrupt bundle; Replay the paper (seven presets one after another, run i of 7, cancel, the table
// beside the paper's numbers); Copy link (clipboard or the fallback field; the link opens the same
// settings and preset and marks its runs).
import { readFileSync } from 'node:fs';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './axe';
import { datasetReady } from './harness';
import { useAppSuite } from './suite';

const app = useAppSuite();

const MICRO = '?backend=wasm&dataset=mnist&modelSize=micro&batchSize=8&warmupSteps=2&metricsEvery=2&probeEvery=0&probeTrainSize=100&probeTestSize=50&tokenizerSamples=2000';

async function openIn(context: BrowserContext, query: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL(query, app.server.url).href);
  await datasetReady(page);
  await page.getByTestId('variance-readout').waitFor({ timeout: 60_000 });
  return { page, errors };
}

const replayRows = (page: Page) => page.getByTestId('replay-table').locator('tbody tr');
const runRows = (page: Page) => page.getByTestId('run-row');
const runState = (page: Page) => page.getByTestId('run-state');
const stepOf = async (page: Page) => Number(((await page.getByTestId('run-step').textContent()) ?? '').match(/Step ([\d,]+)/)![1].replace(/,/g, ''));

async function trainToEnd(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Start training' }).click();
  await runState(page).filter({ hasText: 'training' }).waitFor({ timeout: 120_000 });
  await runState(page).filter({ hasText: 'done' }).waitFor({ timeout: 120_000 });
}

/** The row whose name is `name` (and, optionally, that matches `extra`). */
const rowNamed = (page: Page, name: string): Locator => runRows(page).filter({ has: page.getByTestId('run-name').getByText(name, { exact: true }) });
const rowNames = (page: Page) => page.getByTestId('run-name').allTextContents();

describe('Runs panel (headless Chromium, wasm, micro model)', () => {
  it('two runs are listed; selecting both overlays two loss series (legend, data table) and a reference shows the config diff', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const { page, errors } = await openIn(context, `${MICRO}&steps=6`);
    await trainToEnd(page);
    await page.getByRole('textbox', { name: 'Learning rate' }).fill('0.002');
    await trainToEnd(page);
    await expect.poll(() => runRows(page).count(), { timeout: 15_000 }).toBe(2);
    const names = await rowNames(page);
    expect(new Set(names).size).toBe(2);
    for (const r of await runRows(page).all()) {
      expect(await r.getByTestId('run-status').textContent()).toMatch(/^done/);
      expect(await r.getByTestId('run-final-loss').textContent()).toMatch(/^\d/);
    }
    expect(await page.getByTestId('runs-storage').textContent()).toMatch(/Stored runs use [\d.]+ (KB|MB)/);

    const chart = page.getByTestId('loss-chart');
    for (const n of names) await page.getByRole('checkbox', { name: `Overlay ${n} on the charts` }).check();
    await expect.poll(() => chart.getAttribute('data-overlays')).toBe('2');
    await expect.poll(() => chart.locator('path.recharts-line-curve').count(), { timeout: 10_000 }).toBe(2);
    expect(await page.getByTestId('loss-overlay-legend').locator('li').allTextContents()).toEqual(names.map((n) => ` ${n}`));
    const strokes = await chart.locator('path.recharts-line-curve').evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke')));
    expect(new Set(strokes).size).toBe(2);
    await page.getByRole('button', { name: 'Show data table' }).click();
    const table = page.getByRole('table', { name: 'Overlaid runs: loss and linear probe accuracy' });
    const heads = await table.locator('thead th').allTextContents();
    for (const n of names) expect(heads).toContain(`${n}: loss`);
    expect(await table.locator('tbody tr').count()).toBe(3); // steps 2, 4, 6
    await page.getByRole('button', { name: 'Show charts' }).click();

    // The older run as the reference: the newer one changed only lr.
    await page.getByRole('radio', { name: `${names[1]} as the reference run` }).check();
    expect(await rowNamed(page, names[0]).getByTestId('config-diff').textContent()).toBe('lr: 0.001 → 0.002');

    // Nothing selected: the live run's own curves again.
    await page.getByRole('button', { name: 'Show the live run only' }).click();
    await expect.poll(() => chart.getAttribute('data-overlays')).toBe('0');
    expect(await chart.getAttribute('data-steps')).toBe('2,4,6');
    expect(await seriousViolations(page)).toEqual([]);
    expect(await page.getByTestId('engine-errors').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);

  it('Export run downloads a bundle; Import run of it lists the run again with the same final loss; a corrupt file is refused', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    const { page, errors } = await openIn(context, `${MICRO}&steps=6`);
    await trainToEnd(page);
    await expect.poll(() => runRows(page).count(), { timeout: 15_000 }).toBe(1);
    const [name] = await rowNames(page);
    const original = rowNamed(page, name);
    await expect.poll(() => original.getAttribute('data-checkpoint-step'), { timeout: 15_000 }).toBe('6');
    const finalLoss = await original.getByTestId('run-final-loss').textContent();

    const downloading = page.waitForEvent('download');
    await original.getByRole('button', { name: 'Export run' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/-step6\.zip$/);
    const file = await download.path();
    expect(readFileSync(file).subarray(0, 2).toString('latin1')).toBe('PK');

    await page.getByTestId('import-run-input').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/zip', buffer: readFileSync(file) });
    await page.getByTestId('import-run-status').filter({ hasText: `Imported ${name}.` }).waitFor({ timeout: 60_000 });
    await expect.poll(() => runRows(page).count()).toBe(2);
    const imported = runRows(page).filter({ has: page.getByTestId('run-source').getByText('imported') });
    expect(await imported.count()).toBe(1);
    expect(await imported.getByTestId('run-name').textContent()).toBe(name);
    expect(await imported.getByTestId('run-final-loss').textContent()).toBe(finalLoss);
    expect(await imported.getAttribute('data-checkpoint-step')).toBe('6');

    // A corrupt bundle: a clear message, the table as it was.
    await page.getByTestId('import-run-input').setInputFiles({ name: 'broken.zip', mimeType: 'application/zip', buffer: Buffer.from('this is not a zip file') });
    const failure = page.getByTestId('import-run-error');
    await failure.waitFor({ timeout: 30_000 });
    expect(await failure.textContent()).toMatch(/^Import run failed: broken\.zip: .+ Nothing stored was changed\.$/);
    expect(await runRows(page).count()).toBe(2);
    expect(await imported.getByTestId('run-final-loss').textContent()).toBe(finalLoss);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);

  it('a reload mid-run lists the run as interrupted at its checkpoint step; Resume training continues from there to the end', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    // 600 steps: a few seconds to a minute here, so the reload below comes mid-run however fast the machine.
    const { page, errors } = await openIn(context, `${MICRO}&steps=600`);
    await page.getByRole('button', { name: 'Start training' }).click();
    await runState(page).filter({ hasText: 'training' }).waitFor({ timeout: 120_000 });
    await expect.poll(() => runRows(page).count(), { timeout: 15_000 }).toBe(1);
    // A pause writes a checkpoint at once (the worker's 15 s clock may add later ones).
    await page.getByRole('button', { name: 'Pause training' }).click();
    await runState(page).filter({ hasText: 'paused' }).waitFor({ timeout: 60_000 });
    await expect.poll(async () => Number((await runRows(page).getAttribute('data-checkpoint-step')) || 0), { timeout: 30_000, interval: 200 }).toBeGreaterThan(0);
    const [name] = await rowNames(page);
    const k = Number(await runRows(page).getAttribute('data-checkpoint-step'));
    expect(k).toBeLessThan(600);
    await page.getByRole('button', { name: 'Resume training' }).click();
    await expect.poll(() => stepOf(page), { timeout: 60_000, interval: 100 }).toBeGreaterThan(k);

    await page.reload();
    await datasetReady(page);
    const row = rowNamed(page, name);
    await row.waitFor({ timeout: 30_000 });
    const at = Number(await row.getAttribute('data-checkpoint-step'));
    expect(at).toBeGreaterThanOrEqual(k);
    expect(await row.getByTestId('run-status').textContent()).toBe(`interrupted at step ${at.toLocaleString('en-US')}`);
    expect(await page.getByTestId('loss-chart').getAttribute('data-points')).toBe('0');

    await row.getByRole('button', { name: 'Resume training' }).click();
    await runState(page).filter({ hasText: 'training' }).waitFor({ timeout: 120_000 });
    // The curves so far come back up to the checkpoint, then training goes on from step k.
    const chart = page.getByTestId('loss-chart');
    await expect.poll(async () => ((await chart.getAttribute('data-steps')) ?? '').split(',').map(Number).some((s) => s > at), { timeout: 60_000 }).toBe(true);
    const steps = ((await chart.getAttribute('data-steps')) ?? '').split(',').map(Number);
    expect(steps.filter((s) => s <= at).at(-1)).toBe(at);
    expect(steps.find((s) => s > at)).toBe(at + 2); // metricsEvery=2
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    await expect.poll(() => row.getByTestId('run-status').textContent(), { timeout: 10_000 }).toBe('running (live)');
    expect(await runRows(page).count()).toBe(1); // the same run, not a new one

    await runState(page).filter({ hasText: 'done' }).waitFor({ timeout: 240_000 });
    expect(await stepOf(page)).toBe(600);
    await expect.poll(() => row.getByTestId('run-status').textContent(), { timeout: 10_000 }).toMatch(/^done/);
    expect(await row.getByTestId('run-final-loss').textContent()).toMatch(/^\d/);
    expect(await page.getByTestId('engine-errors').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 420_000);

  it('Replay the paper runs the seven presets one after another and fills the table beside the paper', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const { page, errors } = await openIn(context, `${MICRO}&steps=50`);
    await page.getByRole('spinbutton', { name: 'Steps per run' }).fill('4');
    await page.getByRole('button', { name: 'Replay the paper' }).click();
    const progress = page.getByTestId('replay-progress');
    await progress.filter({ hasText: 'Run 1 of 7: DiT baseline' }).waitFor({ timeout: 10_000 });
    // Each run has its preset and the budget (not the draft's 50 steps).
    await page.getByTestId('run-step').filter({ hasText: '/ 4' }).waitFor({ timeout: 60_000 });
    await progress.filter({ hasText: 'Run 2 of 7: gamma^2 linear schedule' }).waitFor({ timeout: 120_000 });
    expect(await page.getByRole('button', { name: 'Start training' }).isDisabled()).toBe(true);
    await progress.filter({ hasText: 'Replay finished.' }).waitFor({ timeout: 400_000 });

    const rows = replayRows(page);
    expect(await rows.count()).toBe(7);
    const cells = await rows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((c) => c.textContent ?? '')));
    expect(cells.map((c) => c[0])).toEqual(['DiT baseline', 'gamma^2 linear schedule', 'predict z0', 'no input scaling', 'noisy input in pixels', 'output in pixels', 'l-DAE']);
    for (const c of cells) {
      expect(c[1]).toBe('done');
      expect(c[2]).toMatch(/^\d+\.\d %$/); // ours: every run's final linear probe
    }
    expect(cells.map((c) => c[4])).toEqual(['59.0 %', '65.1 %', '62.4 %', '63.6 %', '63.6 %', '63.9 %', '64.5 %']);
    expect(cells.map((c) => c[5])).toEqual(['–', '+6.1', '-2.7', '+1.2', '+0.0', '+0.3', '+0.6']);
    expect(cells[0][3]).toBe('–');
    for (const c of cells.slice(1)) expect(c[3]).toMatch(/^[+-]\d+\.\d$/);
    // Seven stored runs named after their row, all overlaid on the charts.
    await expect.poll(() => runRows(page).count(), { timeout: 15_000 }).toBe(7);
    expect((await rowNames(page)).sort()).toEqual(['dit-baseline', 'linear-gamma', 'predict-z0', 'no-input-scaling', 'pixel-input', 'pixel-output', 'ldae'].map((p, i) => `Replay ${i + 1}/7: ${p}`).sort());
    await expect.poll(() => page.getByTestId('loss-chart').getAttribute('data-overlays'), { timeout: 15_000 }).toBe('7');
    await expect.poll(() => page.getByTestId('probe-chart').getAttribute('data-overlays')).toBe('7');
    expect(await page.getByTestId('loss-overlay-legend').locator('li').count()).toBe(7);
    // The draft is untouched: Start training runs the page's own settings again.
    expect(new URL(page.url()).searchParams.get('steps')).toBe('50');
    expect(await page.getByRole('button', { name: 'Start training' }).isDisabled()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await page.getByTestId('engine-errors').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 500_000);

  it('Cancel replay stops the current run and the queue', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const { page, errors } = await openIn(context, `${MICRO}&steps=50`);
    await page.getByRole('spinbutton', { name: 'Steps per run' }).fill('400');
    await page.getByRole('button', { name: 'Replay the paper' }).click();
    await page.getByTestId('run-state').filter({ hasText: 'training' }).waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Cancel replay' }).click();
    await page.getByTestId('replay-progress').filter({ hasText: 'Replay cancelled.' }).waitFor({ timeout: 10_000 });
    await page.getByTestId('run-state').filter({ hasText: 'done' }).waitFor({ timeout: 60_000 });
    const step = await page.getByTestId('run-step').textContent();
    expect(step).toMatch(/\/ 400/);
    await page.waitForTimeout(3000); // nothing else starts
    expect(await page.getByTestId('run-step').textContent()).toBe(step);
    const statuses = await replayRows(page).evaluateAll((trs) => trs.map((tr) => tr.children[1].textContent));
    expect(statuses).toEqual(Array(7).fill('cancelled'));
    expect(await page.getByRole('button', { name: 'Cancel replay' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);

  it('Copy link puts the config and the preset on the clipboard; the link opens the same settings', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.server.url).origin });
    const { page, errors } = await openIn(context, MICRO);
    await page.getByRole('combobox', { name: 'Preset' }).selectOption('predict-z0');
    await page.getByRole('textbox', { name: 'Steps', exact: true }).fill('7');
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByTestId('copy-link-status').filter({ hasText: 'Link copied' }).waitFor();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    const url = new URL(link);
    expect(url.searchParams.get('preset')).toBe('predict-z0');
    expect(url.searchParams.get('steps')).toBe('7');
    expect(url.searchParams.get('target')).toBe('z0');

    const opened = await openIn(context, `${url.pathname}${url.search}`);
    expect(await opened.page.getByRole('combobox', { name: 'Preset' }).inputValue()).toBe('predict-z0');
    expect(await opened.page.getByRole('combobox', { name: 'Prediction target' }).inputValue()).toBe('z0');
    expect(await opened.page.getByRole('textbox', { name: 'Steps', exact: true }).inputValue()).toBe('7');
    // A run started there says it came from a shared link; one from the first page does not.
    await trainToEnd(opened.page);
    await expect.poll(() => runRows(opened.page).count(), { timeout: 15_000 }).toBe(1);
    expect(await runRows(opened.page).getByTestId('run-source').textContent()).toBe('from shared link');
    expect(await runRows(opened.page).getByTestId('run-preset').textContent()).toBe('predict-z0');
    // The first page was not opened from a link: its run says so.
    await trainToEnd(page);
    await expect.poll(() => page.getByTestId('run-source').allTextContents(), { timeout: 15_000 }).toContain('this page');
    expect(errors.concat(opened.errors)).toEqual([]);
    await context.close();
  }, 180_000);

  it('where the clipboard is refused, Copy link shows the link in a field to copy by hand', async () => {
    const context = await app.browser.newContext({ viewport: { width: 768, height: 1000 } });
    const { page, errors } = await openIn(context, `${MICRO}&steps=7`);
    await page.evaluate(() => {
      Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) } });
    });
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByTestId('copy-link-status').filter({ hasText: 'Copying is not allowed here' }).waitFor();
    const field = page.getByRole('textbox', { name: 'Link to this configuration' });
    expect(new URL(await field.inputValue()).searchParams.get('preset')).toBe('ldae');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
