// Stored runs overlaid on the charts: one colour per run (Okabe–Ito; past eight the colours come
// round again with a dash), the loss and linear-probe points each run has, thinned like the live series.
import type { MetricsPoint, ProbeResult } from '../../types/run';
import type { RunCurves, RunListEntry } from '../../types/runs';
import { PALETTE } from './palette';
import { thin } from './series';

export const OVERLAY_COLOURS = [PALETTE.blue, PALETTE.vermillion, PALETTE.bluishGreen, PALETTE.orange, PALETTE.reddishPurple, PALETTE.skyBlue, PALETTE.black, PALETTE.grey] as const;

export interface OverlaySeries {
  id: string;
  name: string;
  colour: string;
  /** SVG dash pattern, or undefined for a solid line. */
  dash: string | undefined;
  loss: { step: number; loss: number }[];
  probes: { step: number; linearTestAcc: number }[];
}

export function overlayStyle(index: number): { colour: string; dash: string | undefined } {
  const n = OVERLAY_COLOURS.length;
  return { colour: OVERLAY_COLOURS[index % n], dash: index >= n ? '6 3' : undefined };
}

/**
 * The selected runs in selection order. The live run's points come from the live series (its
 * stored curves lag behind); a run whose curves have not arrived yet has empty series.
 */
export function overlaySeries(
  selected: readonly string[],
  list: readonly RunListEntry[],
  curves: Readonly<Record<string, RunCurves>>,
  live: { id: string | null; metrics: readonly MetricsPoint[]; probes: readonly ProbeResult[] },
): OverlaySeries[] {
  const out: OverlaySeries[] = [];
  for (const id of selected) {
    const entry = list.find((r) => r.id === id);
    if (!entry) continue;
    const source = id === live.id ? { metrics: live.metrics, probes: live.probes } : curves[id];
    out.push({
      id,
      name: entry.name,
      ...overlayStyle(out.length),
      loss: thin((source?.metrics ?? []).filter((p) => Number.isFinite(p.loss)).map((p) => ({ step: p.step, loss: p.loss }))),
      probes: (source?.probes ?? []).map((p) => ({ step: p.step, linearTestAcc: p.linearTestAcc })),
    });
  }
  return out;
}

export interface OverlayTableRow {
  step: number;
  /** Per series, in order: its loss and linear-probe accuracy at this step (undefined: none). */
  values: { loss: number | undefined; linearTestAcc: number | undefined }[];
}

/** One row per step any overlaid run has a point at: the data table of the overlaid charts. */
export function overlayTableRows(series: readonly OverlaySeries[]): OverlayTableRow[] {
  const steps = new Set<number>();
  for (const s of series) {
    for (const p of s.loss) steps.add(p.step);
    for (const p of s.probes) steps.add(p.step);
  }
  const lookups = series.map((s) => ({ loss: new Map(s.loss.map((p) => [p.step, p.loss])), probes: new Map(s.probes.map((p) => [p.step, p.linearTestAcc])) }));
  return [...steps]
    .sort((a, b) => a - b)
    .map((step) => ({ step, values: lookups.map((l) => ({ loss: l.loss.get(step), linearTestAcc: l.probes.get(step) })) }));
}
