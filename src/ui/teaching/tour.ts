// The guided tour, driven by driver.js (framework-free, so React 19 is no concern; its styles are a
// CSS file and it positions with element.style, both allowed by the page's CSP). Each step is
// mirrored into the URL (?tour=N, 1-based) so a teacher can link a step; a tour closed before its
// end is remembered in localStorage and offered for resuming.
import { driver, type Driver } from 'driver.js';
import 'driver.js/dist/driver.css';
import { useTeachingStore } from '../store/teachingStore';
import { setPageParam } from './pageUrl';
import { TOUR_STEPS } from './tourSteps';

export const RESUME_KEY = 'ldae-tour-resume-step';

let active: Driver | null = null;

/** The step's element when it is on screen; driver.js centres the popover when there is none. */
function shownElement(selector: string): Element {
  const el = document.querySelector(selector);
  return (el && el.getClientRects().length > 0 ? el : undefined) as Element;
}

/**
 * driver.js marks the highlighted element as a popup trigger (aria-haspopup, aria-expanded,
 * aria-controls) as the highlight starts, which is invalid on a section: the marks are removed as
 * soon as they appear, for as long as the tour is open.
 */
function unmarkTriggers(): MutationObserver {
  const unmark = (el: Element) => {
    if (el.getAttribute('aria-controls') !== 'driver-popover-content') return;
    for (const a of ['aria-haspopup', 'aria-expanded', 'aria-controls']) el.removeAttribute(a);
  };
  const observer = new MutationObserver((records) => records.forEach((r) => r.target instanceof Element && unmark(r.target)));
  observer.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['aria-controls'] });
  return observer;
}

/** localStorage, or nothing where the browser refuses it (storage disabled): the tour then just does not resume. */
function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** driver.js may scroll a step under the sticky header: scroll it back clear of it. */
function clearOfHeader(el: Element | undefined, d: Driver): void {
  const header = document.querySelector('.app-header');
  if (!el || !header || getComputedStyle(header).position !== 'sticky') return;
  const gap = el.getBoundingClientRect().top - header.getBoundingClientRect().bottom;
  if (gap < 4) {
    window.scrollBy({ top: gap - 8 });
    d.refresh();
  }
}

export function savedTourStep(): number | null {
  const v = Number(storage()?.getItem(RESUME_KEY));
  return Number.isInteger(v) && v >= 1 && v <= TOUR_STEPS.length ? v : null;
}

/** Opens the tour at `step` (1-based). */
export function startTour(step = 1): void {
  active?.destroy();
  const returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  let finished = false;
  const marks = unmarkTriggers();
  const d = driver({
    steps: TOUR_STEPS.map((s) => ({ element: () => shownElement(s.target), popover: { title: s.title, description: s.text } })),
    animate: !reduce,
    smoothScroll: !reduce,
    allowKeyboardControl: true,
    showProgress: true,
    progressText: 'Step {{current}} of {{total}}',
    nextBtnText: 'Next',
    prevBtnText: 'Back',
    doneBtnText: 'Finish the tour',
    popoverClass: 'tour-popover',
    onPopoverRender: (popover) => {
      popover.wrapper.setAttribute('aria-modal', 'false');
      popover.title.setAttribute('role', 'heading'); // a <header>, which would be a second banner landmark
      popover.title.setAttribute('aria-level', '2');
      popover.closeButton.setAttribute('aria-label', 'Skip the tour');
      popover.closeButton.title = 'Skip the tour (Esc); resume it later from Resume the tour';
    },
    onHighlighted: (el, _step, { state, driver: d }) => {
      clearOfHeader(el, d);
      const index = state.activeIndex ?? 0;
      useTeachingStore.setState({ tourIndex: index });
      setPageParam('tour', String(index + 1));
      storage()?.setItem(RESUME_KEY, String(index + 1));
    },
    onDoneClick: () => {
      finished = true;
      d.destroy();
    },
    onDestroyed: () => {
      marks.disconnect();
      if (finished) storage()?.removeItem(RESUME_KEY);
      if (active === d) active = null;
      useTeachingStore.setState({ tourIndex: null });
      setPageParam('tour', null);
      if (returnFocus?.isConnected) returnFocus.focus();
    },
  });
  active = d;
  d.drive(Math.min(TOUR_STEPS.length, Math.max(1, step)) - 1);
}
