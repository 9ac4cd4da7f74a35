// Small screens: a tablet (768 px) trains with readable charts and no horizontal scroll; a phone
// (390 px) gets a notice, the micro model by default and the settings in a drawer. Screenshots of
// both go to test-results/screens/ (docs/screenshot-768.png and -390.png come from ui-screenshot.ts).
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './harness';
import { useAppSuite } from './suite';

const app = useAppSuite();
const SCREENS = join(REPO_ROOT, 'test-results', 'screens');

const RUN = '?backend=wasm&dataset=mnist&batchSize=8&steps=300&warmupSteps=2&metricsEvery=1&probeEvery=0&probeTestSize=50&probeTrainSize=100&tokenizerSamples=2000';

async function open(width: number, height: number, query: string): Promise<{ page: Page; errors: string[] }> {
  const context = await app.browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL(query, app.server.url).href);
  await page.getByTestId('dataset-sizes').waitFor({ state: 'attached', timeout: 120_000 });
  await page.getByTestId('variance-readout').waitFor({ state: 'attached', timeout: 60_000 });
  return { page, errors };
}

const overflowX = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

async function trainAFewSteps(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Start training' }).click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-points')) >= 3, null, { timeout: 120_000 });
  await page.getByRole('button', { name: 'Pause training' }).click();
  await page.getByTestId('run-state').filter({ hasText: 'paused' }).waitFor({ timeout: 60_000 });
}

/** Each live chart's plotted area: on screen, and wide enough to read. */
async function chartBoxes(page: Page): Promise<{ id: string; left: number; right: number; width: number }[]> {
  return page.evaluate(() =>
    ['loss-chart', 'probe-chart', 'throughput-chart'].map((id) => {
      const r = document.querySelector(`[data-testid="${id}"]`)!.getBoundingClientRect();
      return { id, left: r.left, right: r.right, width: r.width };
    }),
  );
}

async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  const path = join(SCREENS, name);
  await page.screenshot({ path, fullPage });
  expect(statSync(path).size).toBeGreaterThan(10_000);
}

describe('small screens', () => {
  it('768 px tablet: charts readable, no horizontal scroll while training', async () => {
    const { page, errors } = await open(768, 1024, `${RUN}&modelSize=micro`);
    expect(await overflowX(page)).toBeLessThanOrEqual(0);
    expect(await page.getByRole('button', { name: 'Settings' }).count()).toBe(0); // settings stay on the page
    await trainAFewSteps(page);
    expect(await overflowX(page)).toBeLessThanOrEqual(0);
    expect(await page.locator('[data-testid="loss-chart"] path.recharts-line-curve').count()).toBeGreaterThanOrEqual(1);
    for (const box of await chartBoxes(page)) {
      expect(box.width, box.id).toBeGreaterThanOrEqual(300);
      expect(box.left, box.id).toBeGreaterThanOrEqual(0);
      expect(box.right, box.id).toBeLessThanOrEqual(768);
    }
    await screenshot(page, 'tablet-768.png');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('390 px phone: notice, micro model by default, settings in a drawer, no horizontal scroll', async () => {
    const { page, errors } = await open(390, 844, RUN);
    expect(await page.getByTestId('phone-notice').textContent()).toMatch(/settings are in the Settings drawer, and the model is the micro size/);
    const settings = page.getByRole('button', { name: 'Settings' });
    const preset = page.getByRole('combobox', { name: 'Preset' });
    expect(await settings.getAttribute('aria-expanded')).toBe('false');
    expect(await preset.isVisible()).toBe(false);
    expect(await overflowX(page)).toBeLessThanOrEqual(0);

    await settings.click();
    await preset.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Close settings');
    expect(await page.getByRole('combobox', { name: 'Model size' }).inputValue()).toBe('micro');
    expect(await overflowX(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'phone-390-drawer.png', false); // the drawer covers the viewport
    await page.keyboard.press('Escape');
    await preset.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Settings');

    await trainAFewSteps(page);
    expect(await overflowX(page)).toBeLessThanOrEqual(0);
    for (const box of await chartBoxes(page)) {
      expect(box.width, box.id).toBeGreaterThanOrEqual(300);
      expect(box.right, box.id).toBeLessThanOrEqual(390);
    }
    await screenshot(page, 'phone-390.png');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a wide screen keeps the tiny default model and has no drawer or phone notice', async () => {
    const { page, errors } = await open(1400, 900, '?backend=wasm&dataset=mnist');
    expect(new URL(page.url()).searchParams.get('modelSize')).toBeNull();
    expect(await page.getByRole('combobox', { name: 'Model size' }).inputValue()).toBe('tiny');
    expect(await page.getByTestId('phone-notice').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Settings' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
