// Classroom links: "Share for class" builds a link that fixes the preset and config, hides the
// chosen controls and opens on a tour step; the linked page says it is in classroom mode and
// offers every control back; unknown hide names get a clear message.
import { describe, expect, it } from 'vitest';
import { datasetReady, openApp } from './harness';
import { TOUR_STEPS } from '../../src/ui/teaching/tourSteps';
import { useAppSuite } from './suite';

const app = useAppSuite();

describe('classroom links', () => {
  it('Share for class: preset, config, hidden controls and tour step survive the link; Show all controls', async () => {
    const teacher = await openApp(app.browser, app.server, '?backend=wasm&dataset=mnist');
    await teacher.page.setViewportSize({ width: 1400, height: 900 });
    await datasetReady(teacher.page);
    await teacher.page.getByRole('combobox', { name: 'Preset' }).selectOption('dit-baseline');
    await teacher.page.getByRole('textbox', { name: 'Steps', exact: true }).fill('300');
    expect(await teacher.page.getByTestId('classroom-banner').count()).toBe(0);

    // Opened from the keyboard: the header moves while the engine reports (status line, tokenizer
    // refit after the preset), and a pointer click aimed at a button that moved can land beside it.
    // In one CI run (2026-12-04, not reproduced here) the dialog never opened after a click; Enter
    // reaches the button wherever it is.
    await teacher.page.getByRole('button', { name: 'Share for class' }).press('Enter');
    const dialog = teacher.page.getByRole('dialog', { name: 'Share for class' });
    await dialog.waitFor({ timeout: 10_000 });
    await dialog.getByRole('checkbox', { name: 'latentDim' }).check();
    await dialog.getByRole('checkbox', { name: 'schedule' }).check();
    await dialog.getByRole('combobox', { name: 'Open on tour step' }).selectOption('4');
    const link = await dialog.getByRole('textbox', { name: 'Classroom link' }).inputValue();
    const params = new URL(link).searchParams;
    expect(params.get('hide')).toBe('latentDim,schedule');
    expect(params.get('tour')).toBe('4');
    expect(params.get('target')).toBe('eps');
    expect(params.get('steps')).toBe('300');
    // Esc closes the dialog and gives the focus back to its button.
    await teacher.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await teacher.page.evaluate(() => document.activeElement?.textContent)).toBe('Share for class');
    expect(teacher.pageErrors).toEqual([]);
    await teacher.page.close();

    const { page, pageErrors } = await openApp(app.browser, app.server, link);
    await page.setViewportSize({ width: 1400, height: 900 });
    await datasetReady(page);
    await page.locator('.driver-popover-title').filter({ hasText: 'What a tokenizer is' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Escape');
    const banner = page.getByTestId('classroom-banner');
    expect(await banner.textContent()).toMatch(/^Classroom mode: this link fixes the settings and hides 2 controls: latentDim, schedule\./);
    expect(await page.getByRole('combobox', { name: 'Preset' }).inputValue()).toBe('dit-baseline');
    expect(await page.getByRole('textbox', { name: 'Steps', exact: true }).inputValue()).toBe('300');
    expect(await page.getByRole('slider', { name: 'Latent dimension' }).count()).toBe(0);
    expect(await page.getByRole('combobox', { name: 'Noise schedule' }).count()).toBe(0);
    expect(await page.getByRole('combobox', { name: 'Tokenizer' }).count()).toBe(1); // only the chosen ones hide
    expect(await page.getByTestId('url-problems').count()).toBe(0);

    await page.getByRole('button', { name: 'Show all controls' }).click();
    await page.getByRole('slider', { name: 'Latent dimension' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Noise schedule' }).inputValue()).toBe('vp-ddpm-linear');
    expect(await banner.count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('hide')).toBeNull();
    expect(new URL(page.url()).searchParams.get('target')).toBe('eps');
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('unknown hide names and a bad tour step are said, not a crash', async () => {
    const { page, pageErrors } = await openApp(app.browser, app.server, '?backend=wasm&dataset=mnist&hide=latentDim,noiseLevel&tour=99');
    await datasetReady(page);
    const problems = (await page.getByTestId('url-problems').textContent()) ?? '';
    expect(problems).toContain('hide: unknown control "noiseLevel" (ignored)');
    expect(problems).toContain(`tour must be a step number from 1 to ${TOUR_STEPS.length}, got "99"`);
    expect(await page.getByRole('slider', { name: 'Latent dimension' }).count()).toBe(0);
    expect(await page.getByTestId('classroom-banner').textContent()).toContain('hides one control: latentDim');
    expect(await page.locator('.driver-popover').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
