// Non-finite training: the error that stops a run when a metrics window's loss or gradient norm
// is NaN or infinite, the likely cause said in words, and the fault injection (`nan@K`) that
// makes step K's loss NaN so the guard can be tested and shown.
import type { ExperimentConfig } from './config';
import type { MetricsPoint } from '../types/run';

/** Makes the loss of this step (0-based: the step that `trainStep` runs as step K) NaN. */
export interface FaultInjection {
  nanAtStep: number;
}

/** `nan@K` (K >= 1: the K-th step); throws with one line on anything else. */
export function parseFault(spec: string): FaultInjection {
  const m = /^nan@(\d+)$/.exec(spec.trim());
  if (!m || Number(m[1]) < 1) throw new Error(`fault must be nan@K with K >= 1 (the step whose loss becomes NaN), got "${spec}"`);
  return { nanAtStep: Number(m[1]) };
}

/** The most likely reason for a non-finite loss under this config, with what to try. */
export function likelyCause(cfg: Pick<ExperimentConfig, 'lr' | 'gradClip'>, injected: boolean): string {
  if (injected) return 'it was injected on purpose (fault nan@K)';
  if (cfg.lr > 0.01) return `learning rate ${cfg.lr} is high; try 1e-3`;
  if (!(cfg.gradClip > 0)) return 'gradient clipping is off; try gradClip 1';
  return 'try a lower learning rate (e.g. half of ' + cfg.lr + ')';
}

/** A non-finite metrics window, and the last good state the run was rolled back to. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly window: MetricsPoint,
    /** The last window whose loss was finite (the state rolled back to); null: back to the initial weights. */
    readonly lastGood: MetricsPoint | null,
    readonly cause: string,
  ) {
    super(
      `the loss became non-finite (loss ${window.loss}, gradient norm ${window.gradNorm}) in the metrics window ending at step ${window.step}; ` +
        (lastGood ? `rolled back to the last good step ${lastGood.step} (loss ${lastGood.loss.toPrecision(4)})` : 'rolled back to step 0 (no step before it was good)') +
        `. Likely cause: ${cause}.`,
    );
  }

  /** The step the run was rolled back to. */
  get restoredStep(): number {
    return this.lastGood?.step ?? 0;
  }
}

export const isFiniteWindow = (m: Pick<MetricsPoint, 'loss' | 'gradNorm'>): boolean => Number.isFinite(m.loss) && Number.isFinite(m.gradNorm);
