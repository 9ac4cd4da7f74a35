// Content-Security-Policy and privacy: the served app sends the policy (and the built page carries
// it as a <meta> tag), a short run with a probe under it reports no violation, and nothing is
// requested from outside the page's origin.
import { describe, expect, it } from 'vitest';
import { CSP } from '../../vite.config';
import { backendStatus, datasetReady } from './harness';
import { useAppSuite } from './suite';

const app = useAppSuite();

const RUN = '?backend=wasm&dataset=mnist&modelSize=micro&batchSize=8&steps=40&warmupSteps=2&metricsEvery=1&probeEvery=20&probeTrainSize=100&probeTestSize=50&tokenizerSamples=2000';

const RECORD_VIOLATIONS = () => {
  const w = window as unknown as { __csp: string[] };
  w.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
};

describe('security (headless Chromium)', () => {
  it('CSP header and meta tag; a run with a probe breaks no directive; no request leaves the origin', async () => {
    const context = await app.browser.newContext();
    await context.addInitScript(RECORD_VIOLATIONS);
    const page = await context.newPage();
    const origin = new URL(app.server.url).origin;
    const outside: string[] = [];
    const cspConsole: string[] = [];
    const pageErrors: string[] = [];
    context.on('request', (r) => {
      const url = new URL(r.url());
      if ((url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:' || url.protocol === 'wss:') && url.origin !== origin) outside.push(r.url());
    });
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && cspConsole.push(m.text()));
    page.on('pageerror', (e) => pageErrors.push(e.message));

    const response = await page.goto(new URL(RUN, app.server.url).href);
    expect(response?.headers()['content-security-policy']).toBe(CSP);
    expect(CSP).toMatch(/script-src 'self' 'wasm-unsafe-eval';/);
    expect(CSP).not.toMatch(/unsafe-inline/);
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(CSP.startsWith(meta ?? 'missing')).toBe(true);

    expect(await backendStatus(page)).toMatch(/^Backend: wasm/);
    await datasetReady(page);
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByTestId('run-state').filter({ hasText: 'done' }).waitFor({ timeout: 120_000 });
    expect(Number(await page.getByTestId('probe-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(2);

    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(cspConsole).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(outside).toEqual([]);
    await context.close();
  }, 180_000);
});
