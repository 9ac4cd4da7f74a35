// The probes of one training session in the worker: fixed probe sets, the baselines (once, before
// the first evaluation, on a fresh model at the run's random init; cached per dataset / split /
// seed / architecture), and evaluations every
// probeEvery steps, on demand and at the end of the run. Progress goes out as probeProgress
// events; an evaluation can be cancelled between batches (its tensors are freed either way).
import type { LoadedDataset } from '../../types/data';
import type { ExperimentConfig } from '../../ldae/config';
import type { WeightsEma } from '../../ldae/ema';
import type { LdaeModel } from '../../ldae/ldaeModel';
import type { Tokenizer } from '../../ldae/tokenizers/types';
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
  type ProbeMeasurement,
  type ProbeSets,
  type ProbeSettings,
} from '../../ldae/probe';
import type { EngineEvent } from '../protocol';
import type { Baselines, ProbeResult } from '../../types/run';

/** Thrown from the progress callback to end an evaluation early (stop, reset, new start). */
export class ProbeCancelled extends Error {
  constructor() {
    super('probe evaluation cancelled');
  }
}

export interface RunProbes {
  /** Baselines computed or tried (a failed try is not repeated: training must not be blocked). */
  baselinesTried: boolean;
  /** Step of the last evaluation (or failed try), -1 before the first. */
  lastStep: number;
  /** An on-demand evaluation is waiting for the next step boundary. */
  requested: boolean;
  /** Whether an evaluation is due after `step` completed steps. */
  due(step: number): boolean;
  /**
   * Raw-pixel, random-init and latent baselines. `createRandomInit` builds a fresh model from the
   * run's config and seed, identical to the session's model before its first step, and is disposed
   * after; `tokenizer` (the session's) gives the latents.
   */
  baselines(createRandomInit: () => Promise<LdaeModel>, cancelled: () => boolean, tokenizer: Tokenizer): Promise<Baselines>;
  /** Probes `model`, through `ema` (the trainer's EMA of its weights) when there is one. */
  evaluate(model: LdaeModel, step: number, cancelled: () => boolean, ema?: WeightsEma | null): Promise<ProbeResult>;
}

export function createRunProbes(
  cfg: ExperimentConfig,
  dataset: LoadedDataset,
  post: (e: EngineEvent) => void,
  cache: BaselineCache = sharedBaselineCache,
): RunProbes {
  let sets: ProbeSets | null = null;
  const probeSets = () => (sets ??= selectProbeSets(dataset, cfg, dataset.meta.classNames.length));

  function settings(cancelled: () => boolean): ProbeSettings {
    return probeSettingsFor(cfg, (fraction) => {
      if (cancelled()) throw new ProbeCancelled();
      post({ type: 'probeProgress', fraction });
    });
  }

  return {
    baselinesTried: false,
    lastStep: -1,
    requested: false,
    due(step) {
      if (step === this.lastStep) return false;
      if (this.requested) return true;
      if (step >= cfg.steps) return true;
      return cfg.probeEvery > 0 && step > 0 && step % cfg.probeEvery === 0;
    },
    async baselines(createRandomInit, cancelled, tokenizer) {
      this.baselinesTried = true;
      const measured = await computeBaselines(
        cfg,
        probeSets(),
        settings(cancelled),
        async () => {
          const model = await createRandomInit();
          return { extract: probeExtractor(model, cfg), dispose: () => model.dispose() };
        },
        cache,
        latentExtractor(tokenizer),
      );
      const result = (m: ProbeMeasurement) => ({ linearTestAcc: m.linearTestAcc, knnTestAcc: m.knnTestAcc });
      return { rawPixel: { ...result(measured.rawPixel), linearProbe: measured.rawPixel.linearProbe }, randomInit: result(measured.randomInit), latent: result(measured.latent!) };
    },
    async evaluate(model, step, cancelled, ema = null) {
      this.requested = false;
      this.lastStep = step;
      const r = await evaluateProbes(probeExtractor(model, cfg, ema), probeSets(), settings(cancelled));
      return { step, weights: probedWeights(ema), linearTestAcc: r.linearTestAcc, linearTrainAcc: r.linearTrainAcc, knnTestAcc: r.knnTestAcc, seconds: r.seconds };
    },
  };
}
