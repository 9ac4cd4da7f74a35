// Accessibility of the built app: no serious or critical axe-core violation on the idle page,
// while training and with the tour open; and a keyboard-only session (start, pause, change a knob,
// open a data table) with a visible focus at every stop.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './axe';
import { datasetReady, openApp } from './harness';
import { useAppSuite } from './suite';

const app = useAppSuite();

const MICRO_RUN = '?backend=wasm&dataset=mnist&modelSize=micro&batchSize=8&steps=300&warmupSteps=2&metricsEvery=1&probeEvery=0&probeTestSize=50&probeTrainSize=100&tokenizerSamples=2000';

const runState = (page: Page) => page.getByTestId('run-state');

/** Presses Tab until the focused element has accessible name `name` (role optional); fails after `max` presses. */
async function tabTo(page: Page, name: string, max = 250): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const label = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return '';
      const byId = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
      return (el.getAttribute('aria-label') ?? byId ?? el.textContent ?? '').trim();
    });
    if (label === name) return;
  }
  throw new Error(`"${name}" not reached with ${max} presses of Tab`);
}

/** The focused element's outline: keyboard focus must be visible. */
const focusOutline = (page: Page) =>
  page.evaluate(() => {
    const s = getComputedStyle(document.activeElement as Element);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });

describe('accessibility (axe-core, keyboard only)', () => {
  it('no serious or critical axe violation idle, while training and with the tour open', async () => {
    const { page, pageErrors } = await openApp(app.browser, app.server, MICRO_RUN);
    await page.setViewportSize({ width: 1400, height: 900 });
    await datasetReady(page);
    await page.getByTestId('variance-readout').waitFor({ timeout: 60_000 });
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Start training' }).click();
    await runState(page).filter({ hasText: 'training' }).waitFor({ timeout: 120_000 });
    await page.locator('[data-testid="loss-chart"] path.recharts-line-curve').first().waitFor({ timeout: 60_000 });
    expect(await seriousViolations(page)).toEqual([]);
    // The announcer said the run started (a polite live region, not the status bar's every tick).
    expect(await page.getByTestId('announcer').textContent()).toMatch(/^Run: (training|fitting the tokenizer), step \d+\.$/);

    await page.getByRole('button', { name: 'Take the tour' }).click();
    await page.getByRole('dialog', { name: 'Train a denoising autoencoder in your browser' }).waitFor();
    // Mid-animation: the highlighted section must not be marked as a popup trigger even for a moment.
    expect(await page.locator('[data-tour="run-controls"][aria-expanded]').count()).toBe(0);
    await page.waitForURL(/[?&]tour=1(&|$)/); // the step has settled (its buttons have faded in)
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(/[?&]tour=2(&|$)/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Pause training' }).click();
    await runState(page).filter({ hasText: 'paused' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Show data table' }).click();
    await page.locator('summary', { hasText: 'Data table: Noise schedule' }).click();
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('keyboard only: start, pause, change a knob, open a data table; focus is visible', async () => {
    const { page, pageErrors } = await openApp(app.browser, app.server, MICRO_RUN);
    await page.setViewportSize({ width: 1400, height: 900 });
    await datasetReady(page);
    await page.getByTestId('variance-readout').filter({ hasText: 'd = 8' }).waitFor({ timeout: 60_000 });

    await tabTo(page, 'Start training');
    expect(await focusOutline(page)).toMatchObject({ style: 'solid' });
    expect((await focusOutline(page)).width).toBeGreaterThanOrEqual(2);
    await page.keyboard.press('Enter');
    await runState(page).filter({ hasText: 'training' }).waitFor({ timeout: 120_000 });

    await tabTo(page, 'Pause training');
    expect((await focusOutline(page)).width).toBeGreaterThanOrEqual(2);
    await page.keyboard.press('Enter');
    await runState(page).filter({ hasText: 'paused' }).waitFor({ timeout: 60_000 });

    // A knob: the latent dimension slider, one step right with the arrow key.
    await tabTo(page, 'Latent dimension');
    expect((await focusOutline(page)).width).toBeGreaterThanOrEqual(2);
    await page.keyboard.press('ArrowRight');
    await page.getByTestId('variance-readout').filter({ hasText: 'd = 9' }).waitFor({ timeout: 60_000 });
    expect(new URL(page.url()).searchParams.get('latentDim')).toBe('9');
    await page.getByText('changed · needs restart').first().waitFor();

    // The data table of the live charts.
    await tabTo(page, 'Show data table');
    expect((await focusOutline(page)).width).toBeGreaterThanOrEqual(2);
    await page.keyboard.press('Enter');
    const rows = page.getByRole('table', { name: 'Training metrics' }).locator('tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(1);

    // A small chart's table opens from its disclosure with the keyboard too.
    await tabTo(page, 'Data table: Noise schedule: σ(t) and log₁₀ SNR(t)');
    await page.keyboard.press('Enter');
    expect(await page.getByRole('table', { name: 'Noise schedule: σ(t) and log₁₀ SNR(t)' }).locator('tbody tr').count()).toBe(10);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
