// The built app in headless Chromium: auto picks wasm on SwiftShader (a software adapter) and
// says why, ?backend=webgpu still runs WebGPU there, real images are drawn, sizes are shown, forced and bad URL parameters behave, a failed asset can be retried.
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../src/data/registry';
import { backendStatus, canvasStats, datasetReady, launchBrowser, openApp } from './harness';
import { useAppSuite } from './suite';

const app = useAppSuite();

async function expectRealImages(page: Parameters<typeof canvasStats>[0]) {
  const stats = await canvasStats(page, '[data-testid="dataset-grid"]');
  expect(stats.canvases).toBe(10);
  // Real 28x28 images: a good share of lit pixels and many gray levels (not a flat fill).
  expect(stats.nonBlank / stats.total).toBeGreaterThan(0.1);
  expect(stats.nonBlank / stats.total).toBeLessThan(0.95);
  expect(stats.distinct).toBeGreaterThan(100);
}

describe('foundation (headless Chromium)', () => {
  it('auto on SwiftShader: Backend: wasm, and the status bar says why', async () => {
    const { page, pageErrors } = await openApp(app.browser, app.server);
    expect(await backendStatus(page)).toMatch(/^Backend: wasm/);
    expect(await page.locator('.status-warning').textContent()).toMatch(/^WebGPU is a software adapter here: using wasm \(.*swiftshader.*\?backend=webgpu forces it\)/i);
    await datasetReady(page);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('forced ?backend=webgpu: Backend: webgpu and the Fashion-MNIST grid with sizes', async () => {
    const { page, openedAt, pageErrors } = await openApp(app.browser, app.server, '?backend=webgpu');
    const status = await backendStatus(page);
    // Fails when WebGPU silently fell back to webgl/wasm/cpu.
    expect(status).toContain('Backend: webgpu');
    expect(await page.locator('.status-warning').count()).toBe(0);
    const ready = await datasetReady(page);
    const openToReadyMs = Date.now() - openedAt;
    expect(ready.text).toContain('Fashion-MNIST: 70,000 images (60,000 train / 10,000 test)');
    await expectRealImages(page);
    expect(await page.getByRole('combobox', { name: 'Dataset' }).inputValue()).toBe('fashion-mnist');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(ready.transferBytes).toBeGreaterThan(20e6);
    expect(ready.decodeMs).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
    console.log(
      `[foundation] status="${status}" transferBytes=${ready.transferBytes} decodeMs=${ready.decodeMs} pageOpenToDatasetReadyMs=${openToReadyMs}`,
    );
    await page.close();
  });

  it('?backend=wasm runs on wasm and switching to MNIST works', async () => {
    const { page } = await openApp(app.browser, app.server, '?backend=wasm');
    expect(await backendStatus(page)).toContain('Backend: wasm');
    await datasetReady(page);
    await page.getByRole('combobox', { name: 'Dataset' }).selectOption('mnist');
    const ready = await datasetReady(page);
    expect(ready.text).toContain('MNIST: 10,000 images (8,000 train / 2,000 test)');
    await expectRealImages(page);
    const log = (await page.getByTestId('engine-log').textContent()) ?? '';
    console.log(`[foundation] wasm: ${log.split('\n').find((l) => l.startsWith('wasm:'))} decodeMs(mnist)=${ready.decodeMs}`);
    expect(log).toMatch(/wasm: SIMD on/);
    await page.close();
  });

  it('unknown ?dataset= and ?backend= show a message and use the defaults', async () => {
    const { page } = await openApp(app.browser, app.server, '?dataset=cifar-99&backend=quantum');
    const notice = page.getByTestId('url-problems');
    await notice.waitFor({ timeout: 30_000 });
    const text = (await notice.textContent()) ?? '';
    expect(text).toMatch(/dataset/);
    expect(text).toMatch(/backend/);
    expect(await backendStatus(page)).toContain('Backend: wasm');
    const ready = await datasetReady(page);
    expect(ready.text).toContain('Fashion-MNIST');
    await page.close();
  });

  it('a dataset asset that fails to load shows an error with Retry, and Retry loads it', async () => {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    let failures = 0;
    await context.route(`**/${assetPath('mnist')}`, async (route) => {
      if (failures++ === 0) await route.fulfill({ status: 503, body: 'unavailable' });
      else await route.continue();
    });
    await page.goto(new URL('?dataset=mnist&backend=cpu', app.server.url).href);
    const alert = page.getByRole('alert').filter({ hasText: 'Could not load MNIST' });
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.textContent()).toContain('503');
    await page.getByRole('button', { name: 'Retry' }).click();
    const ready = await datasetReady(page);
    expect(ready.text).toContain('MNIST: 10,000 images');
    expect(failures).toBe(2);
    await context.close();
  });
});

describe('foundation: no WebGPU in the browser', () => {
  it('forced ?backend=webgpu says it failed and falls back instead of a blank page', async () => {
    const noGpu = await launchBrowser(['--disable-webgpu'], ['--enable-unsafe-webgpu']);
    try {
      const { page } = await openApp(noGpu, app.server, '?backend=webgpu&dataset=mnist');
      const status = await backendStatus(page);
      expect(status).toMatch(/Backend: (webgl|wasm|cpu)/);
      expect(await page.locator('.status-warning').textContent()).toMatch(/forced backend webgpu failed/);
      await datasetReady(page);
    } finally {
      await noGpu.close();
    }
  });
});
