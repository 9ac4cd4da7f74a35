// The Chromium side of the benchmark: builds the app into bench/out/dist (its own copy: other
// engineers' `npm run build` replaces dist/ and its hashed worker files while a bench runs) when
// missing or older than the sources, serves it with vite preview, runs bench.html (one worker per backend) in headless
// Chromium, and measures the real app: time from page open to the first finished training step
// and main-thread long tasks while it trains.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { preview } from 'vite';
import type { PageResult } from '../src/bench/protocol';
import { REPO_ROOT, launchBrowser, openApp, type AppServer } from '../tests/browser/harness';

const BENCH_DIST = join(REPO_ROOT, 'bench', 'out', 'dist');
import type { BenchArgs, BrowserBackend } from './args';
import { deadlineAt } from './node';
import { benchCells } from '../src/bench/benchConfigs';

export interface AppMeasurement {
  /** The app's query string (backend choice, metrics cadence). */
  query: string;
  backend: string;
  /** Page open (navigation start) -> the Start button is enabled (dataset loaded, backend up). */
  ms_to_start_enabled: number | null;
  /** Page open -> the status bar shows step >= 1 (Start pressed as soon as enabled). */
  ms_to_first_step: number | null;
  /** Long tasks (> 50 ms) on the main thread during `train_seconds` of training after the first step. */
  long_tasks: number;
  longest_task_ms: number;
  train_seconds: number;
  steps_seen: number;
  error: string | null;
}

export interface BrowserBenchResult extends PageResult {
  app: AppMeasurement[];
  chromium: string;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Datasets + vite build into BENCH_DIST unless it is newer than src/ and the pages. */
export function ensureBuilt(rebuild: boolean, log: (line: string) => void): void {
  const built = join(BENCH_DIST, 'bench.html');
  const sources = Math.max(newestMtime(join(REPO_ROOT, 'src')), ...['index.html', 'bench.html', 'vite.config.ts'].map((f) => statSync(join(REPO_ROOT, f)).mtimeMs));
  if (!rebuild && existsSync(built) && statSync(built).mtimeMs > sources) return;
  log(`building the app into ${BENCH_DIST} ...`);
  for (const cmd of [
    ['npm', 'run', 'prepare-data'],
    ['npx', 'vite', 'build', '--outDir', BENCH_DIST, '--emptyOutDir', '--logLevel', 'warn'],
  ]) {
    const r = spawnSync(cmd[0], cmd.slice(1), { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/** vite preview of BENCH_DIST (with vite.config.ts's COOP/COEP headers). */
async function startBenchServer(): Promise<AppServer> {
  const port = await freePort();
  const server = await preview({
    root: REPO_ROOT,
    logLevel: 'warn',
    build: { outDir: BENCH_DIST },
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((res, rej) => server.httpServer.close((e) => (e ? rej(e) : res()))),
  };
}

async function runBenchPage(browser: Browser, server: AppServer, args: BenchArgs, backends: BrowserBackend[], log: (line: string) => void): Promise<PageResult> {
  const query = new URLSearchParams({
    backends: backends.join(','),
    configs: args.configs.join(','),
    ...(args.sizes ? { sizes: args.sizes.join(',') } : {}),
    threads: args.threads.join(','),
    parallel: args.parallel.join(','),
    ...(args.deadlineS !== null ? { deadlineAt: String(deadlineAt(args)) } : {}),
    steps: String(args.steps),
    warmup: String(args.warmup),
    budget: String(args.budgetS),
    driftSteps: String(args.driftSteps),
    driftBudget: String(args.driftBudgetS),
    trainImages: String(args.trainImages),
    kernels: args.referenceKernels ? 'reference' : 'custom',
    ...(args.profile ? { profile: '1' } : {}),
  });
  const { page } = await openApp(browser, server, `bench.html?${query}`);
  page.on('console', (m) => {
    const t = m.text();
    if (t.startsWith('[bench] ')) log(`chromium ${t.slice(8)}`);
  });
  // Budget per backend and size plus drift and start-up; generous, the page reports skips itself.
  const runs = backends.length + (backends.includes('wasm') ? args.threads.length * args.parallel.length - 1 : 0);
  const timeout = (runs * (benchCells(args.configs, args.sizes).length * (args.budgetS + 30) + args.driftBudgetS + 60)) * 1000;
  await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench !== undefined, null, { timeout, polling: 1000 });
  const result = (await page.evaluate(() => (window as unknown as { __bench: unknown }).__bench)) as PageResult;
  await page.close();
  return result;
}

/** Installed before any page script: records main-thread long tasks from page open on. */
function longTaskRecorder(): void {
  const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
  w.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/** Opens the app, presses Start training as soon as it is enabled, waits for step >= 1, then watches `trainS` seconds of training. */
async function measureApp(browser: Browser, server: AppServer, query: string, trainS: number, firstStepTimeoutS: number): Promise<AppMeasurement> {
  const page = await browser.newPage();
  await page.addInitScript(longTaskRecorder);
  const m: AppMeasurement = { query, backend: '', ms_to_start_enabled: null, ms_to_first_step: null, long_tasks: 0, longest_task_ms: 0, train_seconds: trainS, steps_seen: 0, error: null };
  try {
    await page.goto(new URL(query, server.url).href);
    const t0 = (await page.evaluate(() => performance.timeOrigin)) as number;
    const sinceOpen = () => Date.now() - t0;
    const start = page.getByRole('button', { name: 'Start training' });
    await start.waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => {
      const b = [...document.querySelectorAll('button')].find((x) => x.textContent?.trim() === 'Start training');
      return b !== undefined && !b.disabled;
    }, null, { timeout: 120_000, polling: 20 });
    m.ms_to_start_enabled = sinceOpen();
    await start.click();
    const stepOf = async () => Number(((await page.getByTestId('run-step').textContent()) ?? '').match(/Step ([\d,]+)/)?.[1]?.replace(/,/g, '') ?? 0);
    await page.waitForFunction(() => /Step [1-9]/.test(document.querySelector('[data-testid="run-step"]')?.textContent ?? ''), null, { timeout: firstStepTimeoutS * 1000, polling: 20 });
    m.ms_to_first_step = sinceOpen();
    m.backend = ((await page.getByTestId('backend-status').textContent()) ?? '').replace(/^Backend: /, '');
    const firstStepAt = await page.evaluate(() => performance.now());
    const stepAtFirst = await stepOf();
    await page.waitForTimeout(trainS * 1000);
    m.steps_seen = (await stepOf()) - stepAtFirst;
    const tasks = (await page.evaluate(() => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks)) as { start: number; duration: number }[];
    const during = tasks.filter((t) => t.start >= firstStepAt);
    m.long_tasks = during.length;
    m.longest_task_ms = Math.max(0, ...during.map((t) => t.duration));
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    m.error = m.ms_to_start_enabled !== null && m.ms_to_first_step === null && /Timeout/.test(msg) ? `no finished step within ${firstStepTimeoutS} s of Start` : msg;
  } finally {
    await page.close();
  }
  return m;
}

export async function runBrowserBench(args: BenchArgs, backends: BrowserBackend[], log: (line: string) => void): Promise<BrowserBenchResult | null> {
  if (backends.length === 0 && !args.app) return null;
  ensureBuilt(args.rebuild, log);
  const server = await startBenchServer();
  const browser = await launchBrowser(args.chromiumArgs, [], args.chromiumPath);
  try {
    const page: PageResult = backends.length ? await runBenchPage(browser, server, args, backends, log) : { rows: [], skipped: [], profiles: [], adapters: {}, notes: [], errors: [] };
    const app: AppMeasurement[] = [];
    if (args.app) {
      // metricsEvery=1: the status bar reports every step, so "first step" is step 1, not step 10
      // (more main-thread messages than the default cadence: a conservative long-task count).
      // wasm first: a SwiftShader WebGPU page leaves the machine busy for a while after it closes.
      // wasm twice: batch-parallel (the default) and XNNPACK's pool, whose cores the page shares differently.
      for (const query of ['?backend=wasm&metricsEvery=1', '?backend=wasm&parallel=kernels&metricsEvery=1', '?metricsEvery=1']) {
        if (args.deadlineS !== null && Date.now() > deadlineAt(args)!) {
          log(`chromium app ${query}: not measured, the run's --deadline has passed`);
          continue;
        }
        log(`chromium app ${query}: measuring first step and ${args.appTrainS} s of training ...`);
        const m = await measureApp(browser, server, query, args.appTrainS, args.appFirstStepTimeoutS);
        log(`chromium app ${query}: ${JSON.stringify(m)}`);
        app.push(m);
      }
    }
    return { ...page, app, chromium: browser.version() };
  } finally {
    await browser.close();
    await server.close();
  }
}
