// Multi-threaded wasm in the built app: the default thread count (hardwareConcurrency, capped)
// shows in the status bar and a short run trains with it as batch-parallel replicas (one gradient
// shard worker per extra thread, src/engine/worker/gradientShards.ts); ?threads=1 runs one thread;
// ?parallel=kernels runs XNNPACK's pool (src/backends/wasmThreads.ts), which a page served without
// COOP/COEP (not cross-origin isolated) cannot have: it falls back to one thread and says why,
// while batch-parallel replicas still run there.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { autoWasmThreads } from '../../src/backends/wasmThreadPlan';
import { backendStatus, datasetReady } from './harness';
import { useAppSuite } from './suite';

const app = useAppSuite();

const RUN = '?backend=wasm&dataset=mnist&modelSize=micro&batchSize=8&steps=20&warmupSteps=2&metricsEvery=5&probeEvery=0&tokenizerSamples=2000';

async function trainToDone(page: Page): Promise<void> {
  await datasetReady(page);
  await page.getByRole('button', { name: 'Start training' }).click();
  await page.getByTestId('run-state').filter({ hasText: 'done' }).waitFor({ timeout: 120_000 });
}

describe('wasm threads (headless Chromium)', () => {
  it('runs the default thread count as batch-parallel replicas, shown in the status bar, and trains', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL(RUN, app.server.url).href);
    const expected = autoWasmThreads(await page.evaluate(() => navigator.hardwareConcurrency));
    expect(expected).toBeGreaterThan(1); // the test machine has 2 cores: otherwise this test checks nothing parallel
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await backendStatus(page)).toContain(`Backend: wasm · ${expected} threads · batch-parallel`);
    await trainToDone(page);
    // One gradient shard worker per extra thread, started with the run.
    expect(page.workers().filter((w) => w.url().includes('gradientShardWorker')).length).toBe(expected - 1);
    expect(await page.getByTestId('threads-fallback').count()).toBe(0);
    expect(await page.getByTestId('engine-errors').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('?parallel=kernels runs the threads as XNNPACK pool threads and trains', async () => {
    const page = await app.browser.newPage();
    await page.goto(new URL(`${RUN}&threads=2&parallel=kernels`, app.server.url).href);
    expect(await backendStatus(page)).toMatch(/Backend: wasm · 2 threads$/);
    await trainToDone(page);
    expect(page.workers().filter((w) => w.url().includes('gradientShardWorker')).length).toBe(0);
    await page.close();
  }, 180_000);

  it('?threads=1 runs one thread', async () => {
    const page = await app.browser.newPage();
    await page.goto(new URL(`${RUN}&threads=1`, app.server.url).href);
    expect(await backendStatus(page)).toContain('Backend: wasm · 1 thread');
    await page.close();
  }, 120_000);

  it('without cross-origin isolation: XNNPACK falls back to one thread and the status bar says why; batch-parallel still runs 2', async () => {
    const context = await app.browser.newContext();
    // Serve every response without COOP/COEP.
    await context.route('**/*', async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    });
    const page = await context.newPage();
    await page.goto(new URL(`${RUN}&threads=2&parallel=kernels`, app.server.url).href);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    expect(await backendStatus(page)).toContain('Backend: wasm · 1 thread');
    await expect.poll(() => page.getByTestId('threads-fallback').textContent(), { timeout: 30_000 }).toMatch(/not cross-origin isolated/);
    await trainToDone(page);
    // Batch-parallel replicas are plain workers: two threads there too.
    const batch = await context.newPage();
    await batch.goto(new URL(`${RUN}&threads=2`, app.server.url).href);
    expect(await backendStatus(batch)).toContain('Backend: wasm · 2 threads · batch-parallel');
    expect(await batch.getByTestId('threads-fallback').count()).toBe(0);
    await trainToDone(batch);
    await context.close();
  }, 180_000);
});
