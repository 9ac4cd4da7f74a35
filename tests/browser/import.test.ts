// Your own images in headless Chromium: a generated folder of PNG/JPEG files (3 classes) through
// the real directory input, a zip, a fake CIFAR-10 archive, bad archives, Cancel; stored in
// IndexedDB (survives a reload, removable), a few training steps on webgpu with colour images,
// and no request outside the page's origin.
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { backendStatus, datasetReady, openApp } from './harness';
import { useAppSuite } from './suite';
import { CLASS_COLOURS, fakeCifarFiles, jpegBytes, pngBytes, tarGz, texturedPng, writeImageFolder } from '../fixtures/importFixtures';

const app = useAppSuite();
const root = fs.mkdtempSync(path.join(tmpdir(), 'ldae-import-browser-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const MICRO = '?backend=webgpu&modelSize=micro&batchSize=8&steps=4&warmupSteps=1&metricsEvery=1&probeEvery=0&probeTrainSize=20&probeTestSize=10&tokenizerSamples=500';

/** pets/{cats,dogs,owls}: 8 PNGs each, one JPEG and one 48x40 PNG more in cats, and a readme. */
function writePets(): string {
  const dir = path.join(root, 'pets');
  writeImageFolder(fs, dir, 8);
  fs.writeFileSync(path.join(dir, 'cats', 'photo.jpg'), jpegBytes(32, 32, () => CLASS_COLOURS.cats));
  fs.writeFileSync(path.join(dir, 'cats', 'wide.png'), pngBytes(48, 40, () => CLASS_COLOURS.cats));
  fs.writeFileSync(path.join(dir, 'readme.txt'), 'not an image');
  return dir;
}

/** Every request the page (and its workers) makes whose origin is not the app's. */
function foreignRequests(page: Page, origin: string): string[] {
  const foreign: string[] = [];
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
  });
  return foreign;
}

const optionTexts = (page: Page) => page.getByRole('combobox', { name: 'Dataset' }).locator('option').allTextContents();
const sizesText = async (page: Page) => (await page.getByTestId('dataset-sizes').textContent()) ?? '';

async function waitDataset(page: Page, name: string, timeoutMs = 120_000): Promise<void> {
  await page.getByTestId('dataset-sizes').filter({ hasText: `${name}:` }).waitFor({ timeout: timeoutMs });
}

/** Pixels of the dataset grid with clearly different R, G, B (a grey image has none). */
const colourfulPixels = (page: Page) =>
  page.evaluate(() => {
    let n = 0;
    for (const c of Array.from(document.querySelectorAll<HTMLCanvasElement>('.dataset-panel canvas'))) {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4) if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) n++;
    }
    return n;
  });

describe('your own images (headless Chromium)', () => {
  it('a generated folder through the directory input: stored, in the selector, colour grid, trains on webgpu, survives a reload, removable; no foreign request', async () => {
    const dir = writePets();
    const { page, pageErrors } = await openApp(app.browser, app.server, MICRO);
    const origin = new URL(app.server.url).origin;
    const foreign = foreignRequests(page, origin);
    expect(await backendStatus(page)).toContain('Backend: webgpu');
    await datasetReady(page);

    const t0 = Date.now();
    await page.getByLabel('Import image folder', { exact: true }).setInputFiles(dir);
    const report = page.getByTestId('import-report');
    await report.waitFor({ timeout: 60_000 });
    const importMs = Date.now() - t0;
    const reportText = (await report.textContent()) ?? '';
    expect(reportText).toContain('Imported pets');
    expect(reportText).toContain('1 file skipped');
    expect(reportText).toContain('readme.txt (not an image: .txt)');
    expect(reportText).toContain('1 of 26 images were not 32x32 (32x32 to 48x40, 1 not square): centre-cropped to a square and resized');
    await waitDataset(page, 'pets');
    expect(await sizesText(page)).toMatch(/pets: 26 images \(\d+ train \/ \d+ test\), 32×32×3, 3 classes/);
    expect((await optionTexts(page)).some((t) => /^pets \(26 images, 32×32×3, [\d.]+ MB\)$/.test(t))).toBe(true);
    expect(await colourfulPixels(page)).toBeGreaterThan(100);
    expect(new URL(page.url()).searchParams.get('dataset')).toMatch(/^import:pets-[0-9a-f]{8}$/);
    expect(await page.getByTestId('storage-used').textContent()).toMatch(/Imported datasets use [\d.]+ MB/);
    console.log(`[import] folder of 27 files (26 images) via the directory input: ${importMs} ms from setInputFiles to the report`);

    // Colour defaults for 32x32x3 (patch 8, d 16), then a few steps on webgpu.
    await page.getByTestId('variance-readout').filter({ hasText: 'D = 192 · d = 16' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Start training' }).click();
    const lossChart = page.getByTestId('loss-chart');
    const until = Date.now() + 120_000;
    while (Number(await lossChart.getAttribute('data-points')) < 2) {
      if (Date.now() > until) throw new Error('no loss points on the imported dataset');
      await page.waitForTimeout(200);
    }
    await page.getByTestId('run-state').filter({ hasText: 'Run: done' }).waitFor({ timeout: 180_000 });

    await page.reload();
    await waitDataset(page, 'pets');
    expect((await optionTexts(page)).some((t) => t.startsWith('pets (26 images'))).toBe(true);

    // Remove: not while it is loaded; after choosing another dataset it leaves the selector.
    const remove = page.getByRole('button', { name: 'Remove pets' });
    expect(await remove.isDisabled()).toBe(true);
    await page.getByRole('combobox', { name: 'Dataset' }).selectOption('mnist');
    await waitDataset(page, 'MNIST');
    await remove.click();
    await remove.waitFor({ state: 'detached', timeout: 30_000 });
    expect((await optionTexts(page)).some((t) => t.startsWith('pets'))).toBe(false);

    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(await page.getByTestId('engine-errors').allTextContents()).toEqual([]);
    await page.close();
  });

  it('a zip and a fake CIFAR-10 archive import; bad archives show a message and keep the loaded dataset; Cancel stops a big import', async () => {
    const { page, pageErrors } = await openApp(app.browser, app.server, '?backend=wasm');
    const foreign = foreignRequests(page, new URL(app.server.url).origin);
    await datasetReady(page);

    const files: Record<string, Uint8Array> = {};
    for (const [k, c] of ['cats', 'dogs'].entries()) for (let i = 0; i < 5; i++) files[`shapes/${c}/${i}.png`] = texturedPng(32, CLASS_COLOURS[c], k * 100 + i);
    await page.getByLabel('or a .zip of one').setInputFiles({ name: 'shapes.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(files)) });
    await waitDataset(page, 'shapes');

    const cifar = Buffer.from(tarGz(fakeCifarFiles()));
    const t0 = Date.now();
    await page.getByLabel('Import CIFAR-10 archive').setInputFiles({ name: 'cifar-10-binary.tar.gz', mimeType: 'application/gzip', buffer: cifar });
    await waitDataset(page, 'CIFAR-10');
    console.log(`[import] fake CIFAR-10 archive (13 records, ${cifar.length} bytes): ${Date.now() - t0} ms to the loaded dataset`);
    expect(await sizesText(page)).toContain('CIFAR-10: 13 images (10 train / 3 test), 32×32×3, 10 classes');
    const options = await optionTexts(page);
    expect(options.some((t) => t.startsWith('shapes (10 images'))).toBe(true);
    expect(options.some((t) => t.startsWith('CIFAR-10 (13 images'))).toBe(true);

    await page.getByLabel('Import CIFAR-10 archive').setInputFiles({ name: 'cifar-10-binary.tar.gz', mimeType: 'application/gzip', buffer: cifar.subarray(0, cifar.length >> 1) });
    const error = page.getByTestId('import-error');
    await error.filter({ hasText: 'cifar-10-binary.tar.gz: not a readable gzip file' }).waitFor({ timeout: 30_000 });
    const python = Buffer.from(tarGz({ data_batch_1: new Uint8Array(9), test_batch: new Uint8Array(9) }, 'cifar-10-batches-py'));
    await page.getByLabel('Import CIFAR-10 archive').setInputFiles({ name: 'cifar-10-python.tar.gz', mimeType: 'application/gzip', buffer: python });
    await error.filter({ hasText: 'use cifar-10-binary.tar.gz' }).waitFor({ timeout: 30_000 });
    expect(await sizesText(page)).toContain('CIFAR-10: 13 images');
    expect((await optionTexts(page)).filter((t) => t.startsWith('CIFAR-10'))).toHaveLength(1);

    // A big folder (240 images of 256 x 256): Cancel while it decodes; nothing is stored.
    const big = path.join(root, 'big');
    writeImageFolder(fs, big, 80, 256);
    await page.getByLabel('Import image folder', { exact: true }).setInputFiles(big);
    const progress = page.getByLabel('Import progress');
    await progress.waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Cancel import' }).click();
    await page.getByText('Import cancelled; nothing was stored.').waitFor({ timeout: 30_000 });
    expect((await optionTexts(page)).some((t) => t.startsWith('big'))).toBe(false);
    expect(await sizesText(page)).toContain('CIFAR-10: 13 images');

    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
