// The probes of one training session: fixed probe sets, the baselines (raw pixels, the same
// architecture at its random init, the tokenizer's latents; cached), evaluations, and the one
// schedule rule that says when an evaluation is due. Used by the worker and the CLI alike.
// Progress goes to `onProgress`; `cancelled` ends an evaluation between batches (its tensors are
// freed either way).
import type { LoadedDataset } from '../../types/data';
import type { Baselines, ProbeResult } from '../../types/run';
import type { ExperimentConfig } from '../config';
import type { WeightsEma } from '../ema';
import type { LdaeModel } from '../ldaeModel';
import type { Tokenizer } from '../tokenizers/types';
import {
  computeBaselines,
  evaluateProbes,
  latentExtractor,
  probeExtractor,
  probedWeights,
  probeSettingsFor,
  selectProbeSets,
  sharedBaselineCache,
  type BaselineCache,
  type BaselineMeasurements,
  type ProbeSets,
  type ProbeSettings,
} from '../probe';

/** The baselines as the page and a run record keep them (accuracies only). */
export function baselinesOf(b: BaselineMeasurements): Baselines {
  const result = (m: { linearTestAcc: number; knnTestAcc: number }) => ({ linearTestAcc: m.linearTestAcc, knnTestAcc: m.knnTestAcc });
  return { rawPixel: { ...result(b.rawPixel), linearProbe: b.rawPixel.linearProbe }, randomInit: result(b.randomInit), latent: result(b.latent!) };
}

/** Thrown from the progress callback to end an evaluation early (stop, reset, new start). */
export class ProbeCancelled extends Error {
  constructor() {
    super('probe evaluation cancelled');
  }
}

export type Cancelled = () => boolean;
const never: Cancelled = () => false;

/**
 * When an evaluation is due after `step` completed steps: once per step, on request, at the end
 * of the run, and at every multiple of probeEvery.
 */
export function probeDue(cfg: Pick<ExperimentConfig, 'steps' | 'probeEvery'>, step: number, lastStep: number, requested: boolean): boolean {
  if (step === lastStep) return false;
  if (requested || step >= cfg.steps) return true;
  return cfg.probeEvery > 0 && step > 0 && step % cfg.probeEvery === 0;
}

export interface SessionProbes {
  /** Baselines computed or tried (a failed try is not repeated: training must not be blocked). */
  baselinesTried: boolean;
  /** Step of the last evaluation (or failed try), -1 before the first. */
  lastStep: number;
  /** An on-demand evaluation is waiting for the next step boundary. */
  requested: boolean;
  readonly sets: () => ProbeSets;
  due(step: number): boolean;
  /**
   * The baselines. `randomInit` gives a model at the run's random init (the session's own before
   * its first step, else a fresh one) and says whether to dispose it after; `tokenizer` gives the latents.
   */
  baselines(randomInit: () => Promise<{ model: LdaeModel; owned: boolean }>, tokenizer: Tokenizer, cancelled?: Cancelled): Promise<BaselineMeasurements>;
  /** Probes `model`, through `ema` (the trainer's EMA of its weights) when there is one. */
  evaluate(model: LdaeModel, step: number, ema: WeightsEma | null, cancelled?: Cancelled): Promise<ProbeResult>;
}

export interface SessionProbeOptions {
  /** Where baselines are kept: the process's memory by default (the CLI adds files). */
  baselineCache?: BaselineCache;
  onProgress?: (fraction: number) => void;
}

export function createSessionProbes(cfg: ExperimentConfig, dataset: LoadedDataset, o: SessionProbeOptions = {}): SessionProbes {
  let sets: ProbeSets | null = null;
  const probeSets = () => (sets ??= selectProbeSets(dataset, cfg, dataset.meta.classNames.length));

  function settings(cancelled: Cancelled): ProbeSettings {
    return probeSettingsFor(cfg, (fraction) => {
      if (cancelled()) throw new ProbeCancelled();
      o.onProgress?.(fraction);
    });
  }

  return {
    baselinesTried: false,
    lastStep: -1,
    requested: false,
    sets: probeSets,
    due(step) {
      return probeDue(cfg, step, this.lastStep, this.requested);
    },
    async baselines(randomInit, tokenizer, cancelled = never) {
      this.baselinesTried = true;
      return computeBaselines(
        cfg,
        probeSets(),
        settings(cancelled),
        async () => {
          const { model, owned } = await randomInit();
          return { extract: probeExtractor(model, cfg), dispose: () => (owned ? model.dispose() : undefined) };
        },
        o.baselineCache ?? sharedBaselineCache,
        latentExtractor(tokenizer),
      );
    },
    async evaluate(model, step, ema, cancelled = never) {
      this.requested = false;
      this.lastStep = step;
      const r = await evaluateProbes(probeExtractor(model, cfg, ema), probeSets(), settings(cancelled));
      return { step, weights: probedWeights(ema), linearTestAcc: r.linearTestAcc, linearTrainAcc: r.linearTrainAcc, knnTestAcc: r.knnTestAcc, seconds: r.seconds };
    },
  };
}
