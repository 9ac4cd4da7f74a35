// The playground UI in headless Chromium on SwiftShader WebGPU with a micro model: the training
// loop end to end (live loss, pause/resume/step, data table = chart, latent dimension, restart,
// probe), presets and validation, and main-thread long tasks while training.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { backendStatus, datasetReady, openApp } from './harness';
import { useAppSuite } from './suite';

const app = useAppSuite();

/** Micro model, tiny batch, a metrics point every step, a probe every few steps on small subsets. */
const MICRO_RUN =
  '?backend=webgpu&dataset=mnist&modelSize=micro&batchSize=8&steps=400&warmupSteps=2&metricsEvery=1&probeEvery=6&probeTrainSize=100&probeTestSize=50&tokenizerSamples=2000';

const RECORD_LONG_TASKS = () => {
  const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
  w.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
};

const attr = async (page: Page, testId: string, name: string) => (await page.getByTestId(testId).getAttribute(name)) ?? '';
const lossPoints = async (page: Page) => Number(await attr(page, 'loss-chart', 'data-points'));
const runState = (page: Page) => page.getByTestId('run-state');
const stepOf = async (page: Page) => Number(((await page.getByTestId('run-step').textContent()) ?? '').match(/Step ([\d,]+)/)![1].replace(/,/g, ''));
const canvasData = (page: Page, selector: string) =>
  page.evaluate((sel) => Array.from(document.querySelectorAll<HTMLCanvasElement>(sel)).map((c) => c.toDataURL()).join('|'), selector);

async function waitFor(page: Page, what: string, fn: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await page.waitForTimeout(200);
  }
}

async function waitState(page: Page, text: string, timeoutMs = 60_000): Promise<void> {
  await runState(page).filter({ hasText: text }).waitFor({ timeout: timeoutMs });
}

describe('playground UI (headless Chromium, SwiftShader WebGPU, micro model)', () => {
  it('trains live: loss points, pause, step, resume, table = chart, latent dimension and restart, probe, no console errors', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.addInitScript(RECORD_LONG_TASKS);
    const page = await context.newPage();
    const consoleLines: string[] = [];
    const pageErrors: string[] = [];
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(new URL(MICRO_RUN, app.server.url).href);
    const t0 = Date.now();
    expect(await backendStatus(page)).toContain('Backend: webgpu');
    await datasetReady(page);
    const readout = page.getByTestId('variance-readout');
    await readout.filter({ hasText: 'd = 8' }).waitFor({ timeout: 60_000 });
    const readout8 = (await readout.textContent()) ?? '';
    expect(readout8).toMatch(/D = 49 · d = 8 · variance kept [\d.]+ % · PSNR [\d.]+ dB/);

    // Start: at least 3 live loss points.
    await page.getByRole('button', { name: 'Start training' }).click();
    await waitFor(page, '3 loss points', async () => (await lossPoints(page)) >= 3, 120_000);
    const tStarted = Date.now() - t0;
    await waitState(page, 'training');

    // Responsiveness while training: long tasks and chart updates over 10 s.
    const flushes0 = Number(await page.locator('.charts').getAttribute('data-flushes'));
    const points0 = await lossPoints(page);
    const windowStart = await page.evaluate(() => performance.now());
    await page.waitForTimeout(10_000);
    const longTasks = await page.evaluate(
      (from) => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks.filter((t) => t.start >= from),
      windowStart,
    );
    const flushes = Number(await page.locator('.charts').getAttribute('data-flushes')) - flushes0;
    const newPoints = (await lossPoints(page)) - points0;
    const longest = Math.max(0, ...longTasks.map((t) => t.duration));
    console.log(
      `[ui] while training 10 s: longTasks=${longTasks.length} longestMs=${longest.toFixed(0)} chartUpdates=${flushes} (${(flushes / 10).toFixed(1)}/s) newLossPoints=${newPoints} startToThreePointsS=${(tStarted / 1000).toFixed(1)}`,
    );
    expect(flushes / 10).toBeLessThanOrEqual(4.5);

    // Pause.
    await page.getByRole('button', { name: 'Pause training' }).click();
    await waitState(page, 'paused');
    await page.waitForTimeout(600); // the last points reach the store within one flush (250 ms)

    // The data table lists the same steps as the loss chart.
    const chartSteps = (await attr(page, 'loss-chart', 'data-steps')).split(',').map(Number);
    const curve = await page.locator('[data-testid="loss-chart"] path.recharts-line-curve').first().getAttribute('d');
    expect((curve ?? '').match(/[ML]/g)?.length).toBe(chartSteps.length);
    await page.getByRole('button', { name: 'Show data table' }).click();
    const table = page.getByRole('table', { name: 'Training metrics' });
    const tableSteps = (await table.locator('tbody tr[data-has-loss] th').allTextContents()).map(Number);
    expect(tableSteps).toEqual(chartSteps);
    expect(chartSteps.length).toBeGreaterThanOrEqual(3);
    await page.getByRole('button', { name: 'Show charts' }).click();

    // Step: exactly one more step, still paused.
    const before = await stepOf(page);
    await page.getByRole('button', { name: 'Step' }).click();
    await waitFor(page, 'one step', async () => (await stepOf(page)) === before + 1, 60_000);
    await waitState(page, 'paused');

    // Resume, then pause with the keyboard shortcut (space).
    await page.getByRole('button', { name: 'Resume training' }).click();
    await waitFor(page, 'training to resume', async () => (await stepOf(page)) > before + 1, 60_000);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Space');
    await waitState(page, 'paused');

    // Latent dimension: the readout, reconstructions and spectrum follow the slider; the knob is
    // marked as needing a restart; the restarted run's visualizer shows the new latent.
    await page.getByTestId('visualizer').waitFor({ timeout: 60_000 });
    const noised8 = await canvasData(page, '[data-testid="visualizer"] canvas');
    const recon8 = await canvasData(page, '[data-testid="reconstruction-canvas"]');
    await page.getByRole('slider', { name: 'Latent dimension' }).fill('16');
    await readout.filter({ hasText: 'd = 16' }).waitFor({ timeout: 60_000 });
    expect((await readout.textContent()) ?? '').not.toBe(readout8);
    expect(await canvasData(page, '[data-testid="reconstruction-canvas"]')).not.toBe(recon8);
    expect(await attr(page, 'tokenizer-gallery', 'data-latent-dim')).toBe('16');
    await page.getByText('changed · needs restart').first().waitFor();
    await page.getByRole('button', { name: 'Restart with new settings' }).click();
    await waitFor(
      page,
      'a snapshot of the restarted run',
      async () => (await page.getByTestId('visualizer').count()) > 0 && (await canvasData(page, '[data-testid="visualizer"] canvas')) !== noised8,
      120_000,
    );
    expect(await page.getByRole('button', { name: 'Restart with new settings' }).count()).toBe(0);

    // The probe: at least one point (needs the probe scheduling in the training runner).
    await waitFor(page, 'a probe point', async () => Number(await attr(page, 'probe-chart', 'data-points')) >= 1, 90_000);

    expect(pageErrors).toEqual([]);
    expect(consoleLines.filter((l) => l.startsWith('[error]'))).toEqual([]);
    expect(await page.getByTestId('engine-errors').count()).toBe(0);
    await context.close();
  });

  it('presets set every objective knob, the URL mirrors the config, problems show inline, usable at 768 px', async () => {
    const { page, pageErrors } = await openApp(app.browser, app.server, '?dataset=mnist');
    await page.setViewportSize({ width: 768, height: 900 });
    await datasetReady(page);
    const preset = page.getByRole('combobox', { name: 'Preset' });
    expect(await preset.inputValue()).toBe('ldae');

    // A legal but risky setting is said under its knob and does not block Start.
    const lr = page.getByRole('textbox', { name: 'Learning rate' });
    await lr.fill('0.05');
    expect(await page.getByTestId('knob-lr-warnings').textContent()).toMatch(/lr 0.05 is high .* try 1e-3/);
    expect(await lr.getAttribute('aria-describedby')).toContain('knob-lr-warnings');
    expect(await page.getByRole('button', { name: 'Start training' }).isDisabled()).toBe(false);
    await lr.fill('0.001');
    expect(await page.getByTestId('knob-lr-warnings').count()).toBe(0);
    await preset.selectOption('dit-baseline');
    expect(await page.getByRole('combobox', { name: 'Prediction target' }).inputValue()).toBe('eps');
    expect(await page.getByRole('combobox', { name: 'Input space' }).inputValue()).toBe('latent');
    expect(await page.getByRole('combobox', { name: 'Output space' }).inputValue()).toBe('latent');
    expect(await page.getByRole('combobox', { name: 'Loss weighting' }).inputValue()).toBe('none');
    expect(await page.getByRole('combobox', { name: 'Noise schedule' }).inputValue()).toBe('vp-ddpm-linear');
    expect(await page.getByRole('checkbox', { name: 'Input scaling' }).isChecked()).toBe(true);
    expect(await page.getByTestId('preset-description').textContent()).toContain('predict the noise eps');
    expect(await page.getByTestId('preset-notice').textContent()).toMatch(/^What to notice: The network predicts the noise eps/);
    const url = new URL(page.url());
    expect(url.searchParams.get('target')).toBe('eps');
    expect(url.searchParams.get('dataset')).toBe('mnist');

    await preset.selectOption('linear-gamma');
    expect(await page.getByTestId('preset-description').textContent()).toMatch(/^Changed from the previous row: New noise schedule/);

    // Beyond the paper: the tuned preset, offered by a button, says how it compares with raw pixels.
    await page.getByRole('button', { name: 'Try l-DAE tuned for small images' }).click();
    expect(await preset.inputValue()).toBe('ldae-tuned');
    expect(await page.getByTestId('preset-description').textContent()).toMatch(/below raw pixels/);
    expect(new URL(page.url()).searchParams.get('augmentShift')).toBe('2');
    expect(await page.getByTestId('tuned-suggestion').count()).toBe(0);
    expect(await page.getByTestId('preset-notice').textContent()).toMatch(/most of the linear gain comes from the probe/);
    await preset.selectOption('linear-gamma');
    expect(new URL(page.url()).searchParams.get('augmentShift')).toBeNull();

    // A half-valid config is shown as such and cannot be started.
    await page.getByRole('combobox', { name: 'Prediction target' }).selectOption('x0');
    await page.getByText('target x0 (the original image) needs outputSpace pixel').waitFor();
    expect(await preset.inputValue()).toBe('');
    expect(await page.getByTestId('preset-notice').count()).toBe(0); // no preset, no notice
    await page.getByRole('textbox', { name: 'Batch size' }).fill('abc');
    await page.getByText(/batchSize must be an integer/).waitFor();
    expect(await page.getByRole('button', { name: 'Start training' }).isDisabled()).toBe(true);

    // Research knobs: custom size shows its three fields and validates them; the probe knobs default to the paper's protocol.
    expect(await page.getByRole('textbox', { name: 'Width' }).count()).toBe(0);
    await page.getByRole('combobox', { name: 'Model size' }).selectOption('custom');
    await page.getByRole('textbox', { name: 'Width' }).fill('30');
    await page.getByText('modelWidth must be a multiple of modelHeads (4), got 30').waitFor();
    expect(new URL(page.url()).searchParams.get('modelSize')).toBe('custom');
    expect(await page.getByRole('combobox', { name: 'Probe features' }).inputValue()).toBe('middle');
    expect(await page.getByRole('checkbox', { name: 'Random horizontal flip' }).isChecked()).toBe(false);

    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    expect(await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).textContent()).toMatch(/Space.*Start training.*\..*Step/);

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
