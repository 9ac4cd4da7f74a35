// What the charts and the data table show: the same points, so the table is a faithful
// alternative to the charts. Long runs are thinned to at most MAX_SHOWN points (evenly, last kept).
import type { ProbeResult } from '../../types/run';
import type { LossPoint } from '../store/metricsStore';

export const MAX_SHOWN = 500;

const thinned = new WeakMap<LossPoint[], LossPoint[]>();

export function shownLoss(loss: LossPoint[]): LossPoint[] {
  if (loss.length <= MAX_SHOWN) return loss;
  let out = thinned.get(loss);
  if (!out) {
    const stride = Math.ceil(loss.length / MAX_SHOWN);
    out = loss.filter((_, i) => i % stride === 0 || i === loss.length - 1);
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
