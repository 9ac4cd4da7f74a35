// Metric series for the charts. Engine events are buffered and flushed into the store at most
// FLUSHES_PER_SECOND times a second, so charts re-render at a bounded rate however fast the
// engine reports.
import { create } from 'zustand';
import type { Baselines, MetricsPoint, ProbeResult } from '../../types/run';

export const FLUSHES_PER_SECOND = 4;
const EMA_DECAY = 0.9;

export interface LossPoint extends MetricsPoint {
  /** Bias-corrected exponential moving average of the loss. */
  lossEma: number;
}

export interface MetricsState {
  loss: LossPoint[];
  probes: ProbeResult[];
  baselines: Baselines | null;
  /** How many times the series were flushed into the store (charts re-render once per flush). */
  flushes: number;
}

const empty: MetricsState = { loss: [], probes: [], baselines: null, flushes: 0 };

export const useMetricsStore = create<MetricsState>()(() => empty);

let pendingPoints: MetricsPoint[] = [];
let pendingProbes: ProbeResult[] = [];
let pendingBaselines: Baselines | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let lastFlush = 0;
let emaRaw = 0;
let emaCount = 0;

function flush(): void {
  timer = null;
  lastFlush = performance.now();
  const points = pendingPoints;
  const probes = pendingProbes;
  const baselines = pendingBaselines;
  pendingPoints = [];
  pendingProbes = [];
  pendingBaselines = null;
  useMetricsStore.setState((s) => {
    const loss = points.length > 0 ? s.loss.concat(points.map(withEma)) : s.loss;
    const allProbes = probes.length > 0 ? s.probes.concat(probes) : s.probes;
    return { loss, probes: allProbes, baselines: baselines ?? s.baselines, flushes: s.flushes + 1 };
  });
}

function withEma(p: MetricsPoint): LossPoint {
  emaRaw = EMA_DECAY * emaRaw + (1 - EMA_DECAY) * p.loss;
  emaCount++;
  return { ...p, lossEma: emaRaw / (1 - EMA_DECAY ** emaCount) };
}

/** Smoothed time the charts take to render one flush; flushes are spaced so rendering stays
 *  under RENDER_SHARE of the main thread's time (never more often than FLUSHES_PER_SECOND). */
let renderMs = 0;
const RENDER_SHARE = 0.1;
const MAX_INTERVAL_MS = 2000;

export function reportRenderMs(ms: number): void {
  renderMs = renderMs === 0 ? ms : 0.7 * renderMs + 0.3 * ms;
}

export function flushIntervalMs(): number {
  return Math.min(MAX_INTERVAL_MS, Math.max(1000 / FLUSHES_PER_SECOND, renderMs / RENDER_SHARE));
}

function scheduleFlush(): void {
  if (timer !== null) return;
  const wait = Math.max(0, flushIntervalMs() - (performance.now() - lastFlush));
  timer = setTimeout(flush, wait);
}

export function pushMetrics(points: MetricsPoint[]): void {
  pendingPoints.push(...points);
  scheduleFlush();
}

export function pushProbe(result: ProbeResult): void {
  pendingProbes.push(result);
  scheduleFlush();
}

export function pushBaselines(b: Baselines): void {
  pendingBaselines = b;
  scheduleFlush();
}

/** Forgets every series (a new run or Reset). Baselines are kept unless asked: they do not depend on training. */
export function clearMetrics(keepBaselines = false): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  pendingPoints = [];
  pendingProbes = [];
  emaRaw = 0;
  emaCount = 0;
  useMetricsStore.setState((s) => ({ ...empty, baselines: keepBaselines ? s.baselines : null, flushes: s.flushes }));
}

