// Takes docs/screenshot.png: the built app in headless Chromium (1400x900) with a run in progress.
// Usage: npm run build && npx tsx tests/browser/ui-screenshot.ts [query] [seconds of training] [out]
// WIDTH / HEIGHT set the viewport (docs/screenshot-768.png, -390.png); TOUR=N opens the tour at step N
// before the picture; SCROLL=<css selector> scrolls that element to the top first; FULL=<file> also
// takes a full-page picture.
// The default query trains the tiny model on the wasm backend (the test machine has no GPU and
// SwiftShader WebGPU is too slow to show a run that has learned something within a minute or two).
import { resolve } from 'node:path';
import { launchBrowser, REPO_ROOT, startServer } from './harness';

const query = process.argv[2] ?? '?backend=wasm&modelSize=tiny&batchSize=64&steps=2000&probeEvery=100&probeTrainSize=2000&probeTestSize=500&metricsEvery=5';
const seconds = Number(process.argv[3] ?? 120);
const out = resolve(REPO_ROOT, process.argv[4] ?? 'docs/screenshot.png');

const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: Number(process.env.WIDTH ?? 1400), height: Number(process.env.HEIGHT ?? 900) } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longTasks.push(e.duration))).observe({ type: 'longtask' });
  });
  await page.goto(new URL(query, server.url).href);
  // Attached, not visible: on a phone both are in the closed settings drawer.
  await page.getByTestId('dataset-sizes').waitFor({ state: 'attached', timeout: 120_000 });
  await page.getByTestId('variance-readout').waitFor({ state: 'attached', timeout: 120_000 });
  await page.getByRole('button', { name: 'Start training' }).click();
  await page.getByTestId('visualizer').waitFor({ timeout: 300_000 });
  const flushes = async () => Number(await page.locator('.charts').getAttribute('data-flushes'));
  const points = async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points'));
  const [f0, p0, lt0] = [await flushes(), await points(), await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.length)];
  await page.waitForTimeout(seconds * 1000);
  const lt = await page.evaluate((from) => (window as unknown as { __longTasks: number[] }).__longTasks.slice(from), lt0);
  console.log(
    `over ${seconds} s of training: chart updates ${((await flushes()) - f0) / seconds}/s, loss points ${((await points()) - p0) / seconds}/s, ` +
      `long tasks ${lt.length} (longest ${Math.max(0, ...lt).toFixed(0)} ms)`,
  );
  if (process.env.SCROLL) {
    await page.locator(process.env.SCROLL).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(500);
  }
  if (process.env.TOUR) {
    await page.getByRole('button', { name: 'Take the tour' }).click();
    for (let n = 1; n < Number(process.env.TOUR); n++) {
      await page.waitForURL(new RegExp(`[?&]tour=${n}(&|$)`)); // step n is highlighted: it takes the next key
      await page.keyboard.press('ArrowRight');
    }
    await page.locator('.driver-popover-progress-text').filter({ hasText: `Step ${process.env.TOUR} of` }).waitFor();
    await page.waitForTimeout(800);
  }
  await page.screenshot({ path: out });
  console.log(`${out}: ${(await page.getByTestId('run-step').textContent()) ?? ''}`);
  if (process.env.FULL) await page.screenshot({ path: process.env.FULL, fullPage: true });
} finally {
  await browser.close();
  await server.close();
}
