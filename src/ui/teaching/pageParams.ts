// The page's own URL parameters beside the config: `tour` (a tour step, 1-based) and `hide`
// (classroom mode: config field names whose controls are hidden). Pure (no DOM): read by the page
// at start, written by "Share for class".
import { configToSearchParams, DEFAULT_CONFIG, type ExperimentConfig } from '../../ldae/config';

export const PAGE_PARAMS = ['tour', 'hide', 'threads', 'fault'] as const;

export const HIDE_KEYS = Object.keys(DEFAULT_CONFIG) as (keyof ExperimentConfig)[];

export interface PageParams {
  /** The tour step to open on, 1-based (null: no tour). */
  tourStep: number | null;
  /** Controls hidden by a classroom link. */
  hidden: (keyof ExperimentConfig)[];
  /** The link has a `hide` parameter (even an empty one): the page says it is in classroom mode. */
  classroom: boolean;
  /** One clear message per rejected value. */
  problems: string[];
}

const isHideKey = (k: string): k is keyof ExperimentConfig => (HIDE_KEYS as string[]).includes(k);

export function pageParamsFrom(params: URLSearchParams, stepCount: number): PageParams {
  const problems: string[] = [];
  let tourStep: number | null = null;
  const tour = params.get('tour');
  if (tour !== null) {
    const n = Number(tour);
    if (tour.trim() !== '' && Number.isInteger(n) && n >= 1 && n <= stepCount) tourStep = n;
    else problems.push(`tour must be a step number from 1 to ${stepCount}, got "${tour}"; the tour is not opened`);
  }
  const hideRaw = params.get('hide');
  const hidden: (keyof ExperimentConfig)[] = [];
  if (hideRaw !== null) {
    const names = hideRaw.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !isHideKey(n));
    for (const n of names) if (isHideKey(n) && !hidden.includes(n)) hidden.push(n);
    if (unknown.length > 0) {
      problems.push(
        `hide: unknown control ${unknown.map((u) => `"${u}"`).join(', ')} (ignored); hide takes config field names separated by commas, e.g. hide=latentDim,schedule. Known names: ${HIDE_KEYS.join(', ')}`,
      );
    }
  }
  return { tourStep, hidden, classroom: hideRaw !== null, problems };
}

/** The query string of a classroom link: the config (fields that differ from the defaults), the hidden controls and the tour step. */
export function classroomQuery(cfg: ExperimentConfig, hidden: readonly string[], tourStep: number | null): string {
  const params = configToSearchParams(cfg);
  params.set('hide', hidden.join(','));
  if (tourStep !== null) params.set('tour', String(tourStep));
  return params.toString().replace(/%2C/g, ',');
}

/** `config` as a query string, keeping the page parameters of `current` (the config sync must not drop them). */
export function withPageParams(config: URLSearchParams, current: URLSearchParams): string {
  const out = new URLSearchParams(config);
  for (const p of PAGE_PARAMS) {
    const v = current.get(p);
    if (v !== null) out.set(p, v);
  }
  return out.toString().replace(/%2C/g, ',');
}
