// Faults in the page: an injected NaN (?fault=nan@K) goes through the worker's real guard: the run
// pauses at the last good state with a notice that names the step it rolled back to and the
// cause, the loss chart keeps only finite points up to there, and Resume trains on to the end.
import { describe, expect, it } from 'vitest';
import { datasetReady, openApp } from './harness';
import { useAppSuite } from './suite';

const app = useAppSuite();

const RUN = '?backend=wasm&dataset=mnist&modelSize=micro&batchSize=8&steps=30&warmupSteps=2&metricsEvery=5&probeEvery=0&probeTrainSize=100&probeTestSize=50&tokenizerSamples=2000';

describe('faults (headless Chromium)', () => {
  it('?fault=nan@12 pauses, rolls back to step 10 with a notice, and Resume continues to the end', async () => {
    const { page, pageErrors } = await openApp(app.browser, app.server, `${RUN}&fault=nan@12`);
    await datasetReady(page);
    await page.getByRole('button', { name: 'Start training' }).click();
    const notice = page.getByTestId('rollback-notice');
    await notice.waitFor({ timeout: 120_000 });
    expect(await notice.textContent()).toMatch(/window ending at step 15\. The run is paused and rolled back to step 10 .*injected on purpose/);
    await page.getByTestId('run-state').filter({ hasText: 'paused' }).waitFor();
    expect(await page.getByTestId('run-step').textContent()).toMatch(/Step 10 \/ 30/);
    const chart = page.getByTestId('loss-chart');
    expect(await chart.getAttribute('data-steps')).toBe('5,10');

    await page.getByRole('button', { name: 'Resume training' }).click();
    await page.getByTestId('run-state').filter({ hasText: 'done' }).waitFor({ timeout: 120_000 });
    await expect.poll(() => chart.getAttribute('data-steps'), { timeout: 10_000 }).toBe('5,10,15,20,25,30');
    expect(await page.getByTestId('engine-errors').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 240_000);

  it('a bad ?fault= is named among the URL problems and changes nothing else', async () => {
    const { page, pageErrors } = await openApp(app.browser, app.server, `${RUN}&fault=nan@zero`);
    await datasetReady(page);
    expect(await page.getByTestId('url-problems').textContent()).toMatch(/\?fault=nan@zero is ignored: fault must be nan@K with K >= 1/);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);
});
