// One served app and one Chromium per test file, started before its tests and closed after.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, startServer, type AppServer } from './harness';

export interface AppSuite {
  server: AppServer;
  browser: Browser;
}

export function useAppSuite(): AppSuite {
  const suite = {} as AppSuite;
  beforeAll(async () => {
    suite.server = await startServer();
    suite.browser = await launchBrowser();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}
