// The guided tour: Take the tour, one step per URL (?tour=N), keyboard control, skip and resume,
// finish, a linked step opens on its own, reduced motion turns the animation off, and the CSP holds.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TOUR_STEPS } from '../../src/ui/teaching/tourSteps';
import { datasetReady } from './harness';
import { useAppSuite } from './suite';

const app = useAppSuite();

const popoverTitle = (page: Page) => page.locator('.driver-popover-title');
const tourParam = (page: Page) => new URL(page.url()).searchParams.get('tour');

async function atStep(page: Page, n: number): Promise<void> {
  await popoverTitle(page).filter({ hasText: TOUR_STEPS[n - 1].title }).waitFor({ timeout: 10_000 });
  await page.waitForFunction((want) => new URL(window.location.href).searchParams.get('tour') === want, String(n));
  expect(await page.locator('.driver-popover-progress-text').textContent()).toBe(`Step ${n} of ${TOUR_STEPS.length}`);
}

async function open(query: string, reducedMotion: 'reduce' | 'no-preference' = 'no-preference'): Promise<{ page: Page; errors: string[] }> {
  const context = await app.browser.newContext({ viewport: { width: 1400, height: 900 }, reducedMotion });
  await context.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL(query, app.server.url).href);
  await datasetReady(page);
  return { page, errors };
}

describe('guided tour', () => {
  it('steps with the keyboard, mirrors each step in the URL, skips, resumes and finishes', async () => {
    const { page, errors } = await open('?backend=wasm&dataset=mnist');
    expect(await page.getByRole('button', { name: /Resume the tour/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Take the tour' }).click();
    await atStep(page, 1);
    expect(await page.evaluate(() => document.activeElement?.closest('.driver-popover') !== null)).toBe(true); // focus moved into the tour
    expect(await page.getByRole('dialog', { name: TOUR_STEPS[0].title }).count()).toBe(1);
    expect(await page.locator('.driver-active-element').getAttribute('data-tour')).toBe('run-controls');

    await page.keyboard.press('ArrowRight');
    await atStep(page, 2);
    expect(await page.locator('.driver-active-element').getAttribute('data-tour')).toBe('preset');
    // Tab reaches the popover's buttons; Enter on Next goes on.
    await page.getByRole('button', { name: 'Next' }).focus();
    await page.keyboard.press('Enter');
    await atStep(page, 3);
    expect(await page.locator('.driver-active-element').getAttribute('data-tour')).toBe('dataset');
    expect(await page.locator('.driver-active-element').getAttribute('aria-expanded')).toBeNull();
    await page.keyboard.press('ArrowLeft');
    await atStep(page, 2);
    await page.keyboard.press('ArrowRight');
    await atStep(page, 3);

    // Skip (Esc): the tour closes, the URL forgets the step, the page offers to resume it.
    await page.keyboard.press('Escape');
    await page.locator('.driver-popover').waitFor({ state: 'detached' });
    expect(tourParam(page)).toBeNull();
    await page.getByRole('button', { name: 'Resume the tour (step 3)' }).click();
    await atStep(page, 3);

    // The last step explains the probe and the raw-pixel line; Finish closes the tour for good.
    for (let n = 4; n <= TOUR_STEPS.length; n++) {
      await page.keyboard.press('ArrowRight');
      await atStep(page, n);
    }
    expect(await page.locator('.driver-popover-description').textContent()).toMatch(/raw-pixel line/);
    expect(await page.locator('.driver-active-element').getAttribute('data-tour')).toBe('charts');
    await page.getByRole('button', { name: 'Finish the tour' }).click();
    await page.locator('.driver-popover').waitFor({ state: 'detached' });
    expect(tourParam(page)).toBeNull();
    expect(await page.getByRole('button', { name: /Resume the tour/ }).count()).toBe(0);
    // driver.js styles through a CSS file and element.style: nothing the CSP (no inline styles or scripts) blocks.
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a linked step (?tour=5) opens on its own; the close button skips; reduced motion means no animation', async () => {
    const { page, errors } = await open('?backend=wasm&dataset=mnist&tour=5');
    await atStep(page, 5);
    expect(await popoverTitle(page).textContent()).toBe('Why d matters');
    expect(await page.locator('.driver-active-element #knob-latentDim').count()).toBe(1);
    expect(await page.evaluate(() => document.body.classList.contains('driver-fade'))).toBe(true); // animated by default
    expect(new URL(page.url()).searchParams.get('dataset')).toBe('mnist'); // the config sync kept ?tour and the config
    await page.getByRole('button', { name: 'Skip the tour' }).click();
    await page.locator('.driver-popover').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Resume the tour (step 5)' }).waitFor();
    await page.context().close();

    const reduced = await open('?backend=wasm&dataset=mnist&tour=2', 'reduce');
    await atStep(reduced.page, 2);
    expect(await reduced.page.evaluate(() => document.body.classList.contains('driver-fade'))).toBe(false);
    expect(await reduced.page.evaluate(() => getComputedStyle(document.querySelector('.driver-popover')!).animationDuration)).toMatch(/^(0s|1e-05s)$/);
    expect([...errors, ...reduced.errors]).toEqual([]);
    await reduced.page.context().close();
  });
});
