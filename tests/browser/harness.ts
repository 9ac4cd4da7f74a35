// Shared by browser tests: serve the built app (dist/) with vite preview on a free port and
// drive Debian's Chromium through playwright-core. Builds nothing: `npm run test:browser` builds.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { preview } from 'vite';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless=new',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/** Serves dist/ with the COOP/COEP headers from vite.config.ts. */
export async function startServer(): Promise<AppServer> {
  if (!existsSync(join(REPO_ROOT, 'dist', 'index.html'))) {
    throw new Error('dist/index.html is missing: run `npm run build` first (npm run test:browser does)');
  }
  const port = await freePort();
  const server = await preview({
    root: REPO_ROOT,
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((res, rej) => server.httpServer.close((e) => (e ? rej(e) : res()))),
  };
}

/** Launches Chromium (CHROMIUM_PATH unless `executablePath` is given); fails (never skips) when it is not installed. */
export async function launchBrowser(extraArgs: string[] = [], withoutArgs: string[] = [], executablePath = CHROMIUM_PATH): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  const args = [...CHROMIUM_ARGS.filter((a) => !withoutArgs.includes(a)), ...extraArgs];
  return chromium.launch({ executablePath, args });
}

export interface OpenedApp {
  page: Page;
  /** Date.now() just before navigation started. */
  openedAt: number;
  consoleLines: string[];
  pageErrors: string[];
}

/** Opens the app at `query` (e.g. "?backend=wasm") in a fresh page, collecting console output. */
export async function openApp(browser: Browser, server: AppServer, query = ''): Promise<OpenedApp> {
  const page = await browser.newPage();
  const consoleLines: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const openedAt = Date.now();
  await page.goto(new URL(query, server.url).href);
  return { page, openedAt, consoleLines, pageErrors };
}

/** Waits until the status bar names a backend; returns its text. */
export async function backendStatus(page: Page, timeoutMs = 120_000): Promise<string> {
  const status = page.getByTestId('backend-status');
  await status.filter({ hasText: /Backend: (webgpu|webgl|wasm|cpu|failed)/ }).waitFor({ timeout: timeoutMs });
  return (await status.textContent()) ?? '';
}

/** Waits until the dataset panel shows sizes and the grid; returns the sizes element's data. */
export async function datasetReady(page: Page, timeoutMs = 120_000): Promise<{ text: string; transferBytes: number; decodeMs: number }> {
  const sizes = page.getByTestId('dataset-sizes');
  await sizes.waitFor({ timeout: timeoutMs });
  return {
    text: (await sizes.textContent()) ?? '',
    transferBytes: Number(await sizes.getAttribute('data-transfer-bytes')),
    decodeMs: Number(await sizes.getAttribute('data-decode-ms')),
  };
}

/** Counts non-black pixels and distinct gray levels over every canvas inside `selector`. */
export async function canvasStats(page: Page, selector: string): Promise<{ canvases: number; nonBlank: number; distinct: number; total: number }> {
  return page.evaluate((sel) => {
    const canvases = Array.from(document.querySelectorAll<HTMLCanvasElement>(`${sel} canvas`));
    let nonBlank = 0;
    let total = 0;
    const levels = new Set<number>();
    for (const c of canvases) {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < data.length; i += 4) {
        total++;
        levels.add(data[i]);
        if (data[i] > 0 || data[i + 1] > 0 || data[i + 2] > 0) nonBlank++;
      }
    }
    return { canvases: canvases.length, nonBlank, distinct: levels.size, total };
  }, selector);
}
