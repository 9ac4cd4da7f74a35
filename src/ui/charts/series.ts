// What the charts and the data table show: the same points, so the table is a faithful
// alternative to the charts. Long runs are thinned to at most MAX_SHOWN points (evenly, last kept).
import type { ProbeResult } from '../../types/run';
import type { LossPoint } from '../store/metricsStore';

export const MAX_SHOWN = 500;

/** At most `max` of the points, evenly strided, the last one kept. */
export function thin<T>(points: T[], max = MAX_SHOWN): T[] {
  if (points.length <= max) return points;
  const stride = Math.ceil(points.length / max);
  return points.filter((_, i) => i % stride === 0 || i === points.length - 1);
}

const thinned = new WeakMap<LossPoint[], LossPoint[]>();

/** thin() of the live loss series, computed once per series (the store replaces it on each flush). */
export function shownLoss(loss: LossPoint[]): LossPoint[] {
  if (loss.length <= MAX_SHOWN) return loss;
  let out = thinned.get(loss);
  if (!out) {
    out = thin(loss);
    thinned.set(loss, out);
  }
  return out;
}

export interface TableRow {
  step: number;
  loss?: LossPoint;
  probe?: ProbeResult;
}

/** One row per step that has a loss point or a probe result (or both). */
export function tableRows(loss: LossPoint[], probes: ProbeResult[]): TableRow[] {
  const rows = new Map<number, TableRow>();
  for (const p of loss) rows.set(p.step, { step: p.step, loss: p });
  for (const r of probes) rows.set(r.step, { ...(rows.get(r.step) ?? { step: r.step }), probe: r });
  return [...rows.values()].sort((a, b) => a.step - b.step);
}

export const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
