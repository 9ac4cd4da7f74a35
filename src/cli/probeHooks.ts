// The probe in the experiment CLI: baselines on the freshly built model before the first step
// (cached in .cache/baselines), a probe line every probeEvery steps, and the final evaluation plus
// the baselines in the summary. Probe lines come at metrics-window boundaries: the first window
// that ends at or after a multiple of probeEvery (use a metricsEvery that divides probeEvery).
import type { LoadedDataset } from '../types/data';
import type { ExperimentConfig } from '../ldae/config';
import type { WeightsEma } from '../ldae/ema';
import type { LdaeModel } from '../ldae/ldaeModel';
import {
  computeBaselines,
  createBaselineCache,
  evaluateProbes,
  latentExtractor,
  probeExtractor,
  probedWeights,
  probeSettingsFor,
  selectProbeSets,
  type BaselineCache,
  type BaselineMeasurement,
  type BaselineMeasurements,
  type ProbeMeasurement,
  type ProbeSettings,
} from '../ldae/probe';
import { FileBaselineStore } from '../node/baselineStoreFile';
import type { Emit, ExperimentHooks } from './runExperiment';

const accuracies = (m: ProbeMeasurement) => ({
  linear_test_acc: m.linearTestAcc,
  linear_train_acc: m.linearTrainAcc,
  knn_test_acc: m.knnTestAcc,
});

const baseline = (b: BaselineMeasurement) => ({
  ...accuracies(b),
  ...(b.linearProbe ? { linear_probe: b.linearProbe } : {}),
  seconds: b.seconds,
  from_cache: b.fromCache,
});

const baselineFields = (b: BaselineMeasurements) => ({
  raw_pixel: baseline(b.rawPixel),
  random_init: baseline(b.randomInit),
  ...(b.latent ? { latent: baseline(b.latent) } : {}),
});

export function createProbeHooks(
  cfg: ExperimentConfig,
  data: LoadedDataset,
  cache: BaselineCache = createBaselineCache(new FileBaselineStore()),
): ExperimentHooks {
  const sets = selectProbeSets(data, cfg, data.meta.classNames.length);
  const settings: ProbeSettings = probeSettingsFor(cfg);
  let baselines: BaselineMeasurements | null = null;
  let lastProbe: { step: number; m: ProbeMeasurement } | null = null;
  let probeSeconds = 0;

  async function probe(step: number, model: LdaeModel, emit: Emit, ema: WeightsEma | null): Promise<ProbeMeasurement> {
    const m = await evaluateProbes(probeExtractor(model, cfg, ema), sets, settings);
    probeSeconds += m.seconds;
    lastProbe = { step, m };
    emit({ type: 'probe', step, weights: probedWeights(ema), ...accuracies(m), seconds: m.seconds });
    return m;
  }

  return {
    async beforeTraining(model, emit) {
      baselines = await computeBaselines(cfg, sets, settings, async () => ({ extract: probeExtractor(model, cfg), dispose: () => {} }), cache, latentExtractor(model.tokenizer));
      emit({ type: 'baselines', ...baselineFields(baselines) });
    },
    async afterWindow(step, model, emit, ema) {
      if (cfg.probeEvery <= 0 || step >= cfg.steps) return; // the end of the run is evaluated in summaryFields
      const since = lastProbe?.step ?? 0;
      if (Math.floor(step / cfg.probeEvery) > Math.floor(since / cfg.probeEvery)) await probe(step, model, emit, ema);
    },
    async summaryFields(model, step, emit, ema) {
      const final = lastProbe?.step === step ? lastProbe.m : await probe(step, model, emit, ema);
      return {
        probe: { step, weights: probedWeights(ema), ...accuracies(final), seconds: final.seconds },
        probe_seconds_total: probeSeconds,
        probe_sets: { train: sets.train.count, test: sets.test.count, t: cfg.probeT },
        ...(baselines ? { baselines: baselineFields(baselines) } : {}),
      };
    },
  };
}
