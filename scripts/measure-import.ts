// Import time and memory at CIFAR-10 scale, for the README ("Your own images"). Real CIFAR-10
// cannot be downloaded on the build machine, so the archive is a FULL-SIZE SYNTHETIC one in the
// official binary format (5 x 10,000 + 10,000 records of 1 label byte + 3072 planar RGB bytes,
// pixels from src/data/syntheticColour.ts), plus a folder of generated PNGs. Measures the Node
// import (the CLI's --data) and the browser import (headless Chromium, the real file inputs, the
// built app in dist/: run `npm run build` first), with the peak resident memory of the process
// tree sampled every 250 ms.
//   npx tsx scripts/measure-import.ts [folderImages=1000]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'fflate';
import { createTar } from 'nanotar';
import { importFromPath } from '../src/data/import/fromPath';
import { syntheticColourSplit } from '../src/data/syntheticColour';
import { datasetReady, launchBrowser, openApp, startServer } from '../tests/browser/harness';
import { writeImageFolder } from '../tests/fixtures/importFixtures';

const RECORD = 3073;

function batch(count: number, seed: number): Uint8Array {
  const split = syntheticColourSplit(count, 32, seed);
  const out = new Uint8Array(count * RECORD);
  for (let i = 0; i < count; i++) {
    out[i * RECORD] = split.labels[i];
    for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) out[i * RECORD + 1 + c * 1024 + p] = split.images[i * 3072 + p * 3 + c];
  }
  return out;
}

/** Peak RSS (MB) while `fn` runs: of this process and its descendants, and of the descendants alone (the browser). */
async function peakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number; childrenMb: number }> {
  let peak = 0;
  let children = 0;
  const sample = () => {
    const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number));
    const tree = new Set([process.pid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, ppid] of rows) if (tree.has(ppid) && !tree.has(pid)) (tree.add(pid), (grew = true));
    }
    peak = Math.max(peak, rows.filter(([pid]) => tree.has(pid)).reduce((a, r) => a + r[2], 0) / 1024);
    children = Math.max(children, rows.filter(([pid]) => tree.has(pid) && pid !== process.pid).reduce((a, r) => a + r[2], 0) / 1024);
  };
  const timer = setInterval(sample, 250);
  try {
    const value = await fn();
    sample();
    return { value, peakMb: peak, childrenMb: children };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const folderImages = Number(process.argv[2] ?? 1000);
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'ldae-measure-import-'));
  try {
    const t0 = performance.now();
    const files = [1, 2, 3, 4, 5].map((b) => ({ name: `cifar-10-batches-bin/data_batch_${b}.bin`, data: batch(10_000, b) }));
    files.push({ name: 'cifar-10-batches-bin/test_batch.bin', data: batch(10_000, 6) });
    const archive = path.join(dir, 'cifar-10-binary.tar.gz');
    fs.writeFileSync(archive, gzipSync(createTar(files), { level: 6 }));
    const folder = path.join(dir, 'photos');
    writeImageFolder(fs, folder, Math.ceil(folderImages / 3), 64);
    console.log(`fixtures: synthetic CIFAR-10 archive ${(fs.statSync(archive).size / 1e6).toFixed(1)} MB, ${3 * Math.ceil(folderImages / 3)} PNGs of 64x64 (${((performance.now() - t0) / 1000).toFixed(1)} s to make)`);

    if (process.env.SKIP_NODE !== '1') {
      for (const [what, target] of [['CIFAR-10 archive', archive], ['image folder', folder]] as const) {
        const { value, peakMb } = await peakRss(() => importFromPath(target, { side: 32, channels: 3 }));
        const { meta } = value.dataset;
        console.log(`node ${what}: ${meta.trainCount}+${meta.testCount} images in ${(value.report.importMs / 1000).toFixed(2)} s, peak RSS ${peakMb.toFixed(0)} MB (node ${process.version})`);
      }
    }
    const server = await startServer();
    const browser = await launchBrowser();
    try {
      for (const [what, label, target] of [['CIFAR-10 archive', 'Import CIFAR-10 archive', archive], ['image folder', 'Import image folder', folder]] as const) {
        const { page } = await openApp(browser, server, '?backend=wasm');
        await datasetReady(page);
        const { value: ms, childrenMb } = await peakRss(async () => {
          const start = Date.now();
          await page.getByLabel(label, { exact: true }).setInputFiles(target);
          const done = page.getByTestId('import-report').or(page.getByTestId('import-error'));
          const log = setInterval(() => {
            void page.locator('.import-progress').textContent({ timeout: 1000 }).then(
              (t) => console.log(`  ${((Date.now() - start) / 1000).toFixed(0)} s: ${t}`),
              () => undefined,
            );
          }, 10_000);
          try {
            await done.waitFor({ timeout: 600_000 });
          } finally {
            clearInterval(log);
          }
          const error = await page.getByTestId('import-error').textContent({ timeout: 100 }).catch(() => null);
          if (error) throw new Error(`${what}: ${error}`);
          return Date.now() - start;
        });
        const report = (await page.getByTestId('import-report').locator('p').first().textContent()) ?? '';
        const stored = (await page.getByTestId('storage-used').textContent()) ?? '';
        console.log(`chromium ${what}: ${ms} ms from setInputFiles to the report ("${report}"), peak RSS of the chromium processes ${childrenMb.toFixed(0)} MB; ${stored}`);
        // Back from IndexedDB after a reload (the URL names the imported dataset once it is loaded).
        await page.getByTestId('dataset-sizes').filter({ hasText: 'Imported from' }).waitFor({ timeout: 300_000 });
        const reloadStart = Date.now();
        await page.reload();
        const ready = await datasetReady(page, 300_000);
        console.log(`  after a reload: ${Date.now() - reloadStart} ms to the loaded dataset, read from IndexedDB in ${ready.decodeMs.toFixed(0)} ms`);
        await page.close();
      }
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
