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
    expect(await page.getByTestId('engine-errors').allTextContents()).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 240_000);

  it('a bad ?fault= is named among the URL problems and changes nothing else', async () => {
    const { page, pageErrors } = await openApp(app.browser, app.server, `${RUN}&fault=nan@zero`);
    await datasetReady(page);
    expect(await page.getByTestId('url-problems').textContent()).toMatch(/\?fault=nan@zero is ignored: fault must be nan@K, device-lost@K or crash@K with K >= 1/);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);
});

const MICRO = '&dataset=mnist&modelSize=micro&batchSize=8&warmupSteps=2&metricsEvery=5&probeEvery=0&probeTrainSize=100&probeTestSize=50&tokenizerSamples=2000';

describe('engine faults (headless Chromium)', () => {
  it('?fault=crash@10: the heartbeat notices the dead worker, the charts are kept, Restart gives a working engine', async () => {
    const { page, pageErrors } = await openApp(app.browser, app.server, `?backend=wasm${MICRO}&steps=30&fault=crash@10`);
    await datasetReady(page);
    await page.getByRole('button', { name: 'Start training' }).click();
    const notice = page.getByTestId('engine-crashed');
    await notice.waitFor({ timeout: 150_000 });
    expect(await notice.textContent()).toMatch(/The training engine stopped: the engine worker stopped answering \(no reply for over 30 s\)/);
    expect(await page.getByRole('button', { name: 'Start training' }).isDisabled()).toBe(true);
    const chart = page.getByTestId('loss-chart');
    expect(await chart.getAttribute('data-steps')).toBe('5,10');

    await page.getByRole('button', { name: 'Restart' }).click();
    await notice.waitFor({ state: 'detached' });
    await datasetReady(page);
    expect(await chart.getAttribute('data-steps')).toBe('5,10');
    // The fault fires once per page: the new engine trains to the end.
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByTestId('run-state').filter({ hasText: 'done' }).waitFor({ timeout: 150_000 });
    await expect.poll(() => chart.getAttribute('data-steps'), { timeout: 10_000 }).toBe('5,10,15,20,25,30');
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 400_000);

  it('?fault=device-lost@10 on WebGPU: the loss is noticed, a new device is made, and the run resumes from its checkpoint', async () => {
    const { page, pageErrors } = await openApp(app.browser, app.server, `?backend=webgpu${MICRO}&steps=20&fault=device-lost@10`);
    await datasetReady(page);
    await page.getByRole('button', { name: 'Start training' }).click();
    // A pause writes a checkpoint at once (the 15 s clock may add a later one before step 10).
    await page.getByTestId('run-state').filter({ hasText: 'training' }).waitFor({ timeout: 200_000 });
    await page.getByRole('button', { name: 'Pause training' }).click();
    await page.getByTestId('run-state').filter({ hasText: 'paused' }).waitFor({ timeout: 200_000 });
    const pausedAt = Number((await page.getByTestId('run-step').textContent())!.match(/Step (\d+)/)![1]);
    expect(pausedAt).toBeLessThan(10);
    await page.getByRole('button', { name: 'Resume training' }).click();

    const notice = page.getByTestId('device-lost');
    await notice.waitFor({ timeout: 200_000 });
    const text = (await notice.textContent()) ?? '';
    expect(text).toMatch(/The WebGPU device was lost \(destroyed: .*\), as after a driver reset.*The engine now runs on webgpu with a new device\./);
    // The fault fires at the first metrics window reaching step 10 (windows restart at the pause).
    const lostAt = Number((await page.getByTestId('engine-log').textContent())?.match(/destroying the WebGPU device after step (\d+)/)?.[1]);
    expect(lostAt).toBeGreaterThanOrEqual(10);
    expect(lostAt).toBeLessThan(15);
    const from = Number(text.match(/goes on from its last checkpoint at step (\d+)/)?.[1]);
    expect(from).toBeGreaterThanOrEqual(pausedAt);
    expect(from).toBeLessThan(lostAt);
    await page.getByTestId('run-state').filter({ hasText: 'done' }).waitFor({ timeout: 200_000 });
    // Each step once: the points after the checkpoint were dropped and trained again.
    const steps = (await page.getByTestId('loss-chart').getAttribute('data-steps'))!.split(',').map(Number);
    expect(steps[steps.length - 1]).toBe(20);
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps).toEqual([...steps].sort((x, y) => x - y));
    expect(await page.getByTestId('engine-errors').allTextContents()).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 500_000);
});
