// The paper's deconstruction trajectory as a table: one row per trajectory preset with our linear
// probe accuracy, the paper's (ImageNet, DiT-L 400 epochs), and each one's change from the row
// above. Shared by `--sweep trajectory` and the page's `Replay the paper`.
import { PRESET_IDS, getPreset, type PresetId } from './presets';

export interface TrajectoryRow {
  preset: PresetId;
  label: string;
  paperRow: string;
  /** Our linear-probe test accuracy in percent; null when that run has not finished (or failed). */
  ours: number | null;
  /** Points from the row above (null for the first row or when either is missing). */
  oursChange: number | null;
  paper: number | null;
  paperChange: number | null;
}

const change = (x: number | null, previous: number | null | undefined) => (x === null || previous === null || previous === undefined ? null : x - previous);

/** `linearTestAcc`: each finished preset's linear-probe test accuracy in [0, 1]. */
export function trajectoryRows(linearTestAcc: Partial<Record<PresetId, number>>): TrajectoryRow[] {
  const rows: TrajectoryRow[] = [];
  for (const id of PRESET_IDS) {
    const p = getPreset(id);
    const acc = linearTestAcc[id];
    const ours = acc === undefined || !Number.isFinite(acc) ? null : 100 * acc;
    const above = rows.at(-1);
    rows.push({ preset: id, label: p.label, paperRow: p.paperRow, ours, oursChange: change(ours, above?.ours), paper: p.paperAcc, paperChange: change(p.paperAcc, above?.paper) });
  }
  return rows;
}

/** "+1.2" / "-0.4" / "–". */
export const signedPoints = (x: number | null): string => (x === null ? '–' : `${x >= 0 ? '+' : ''}${x.toFixed(1)}`);
