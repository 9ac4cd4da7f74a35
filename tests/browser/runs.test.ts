// The Runs panel in headless Chromium (wasm, micro model, a few steps): Replay the paper (seven
// presets one after another, run i of 7, cancel, the table beside the paper's numbers), Copy link
// (clipboard or the fallback field; the link opens the same settings and preset and marks its runs).
import type { BrowserContext, Page } from 'playwright-core';
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

describe('Runs panel (headless Chromium, wasm, micro model)', () => {
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
