// Fitted tokenizers persist in IndexedDB: after a reload, the same tokenizer is restored, not refitted.
import { describe, expect, it } from 'vitest';
import { datasetReady, openApp } from './harness';
import { useAppSuite } from './suite';

const app = useAppSuite();

describe('tokenizer cache (IndexedDB)', () => {
  it('a reload restores the fitted PCA tokenizer from the cache', async () => {
    const { page, pageErrors } = await openApp(app.browser, app.server, '?backend=wasm&dataset=mnist&latentDim=5');
    await datasetReady(page);
    const origin = page.getByTestId('tokenizer-origin');
    await origin.filter({ hasText: /fitted in/ }).waitFor({ timeout: 120_000 });
    const first = await page.getByTestId('variance-readout').textContent();

    await page.reload();
    await datasetReady(page);
    await origin.filter({ hasText: 'restored from cache' }).waitFor({ timeout: 120_000 });
    const second = await page.getByTestId('variance-readout').textContent();
    // Same basis: the variance kept and PSNR readout before " · " origin are identical.
    expect(second?.split(' · ').slice(0, 4)).toEqual(first?.split(' · ').slice(0, 4));
    expect(second).toContain('d = 5');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
