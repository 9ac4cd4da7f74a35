// The probe in the experiment CLI: baselines on the freshly built model before the first step
// (cached in .cache/baselines), a probe line every probeEvery steps, and the final evaluation plus
// the baselines in the summary. Probe lines come at metrics-window boundaries: the first window
// that ends at or after a multiple of probeEvery (use a metricsEvery that divides probeEvery).
import type { LoadedDataset } from '../types/data';
import type { ExperimentConfig } from '../ldae/config';
import type { LdaeModel } from '../ldae/ldaeModel';
import {
  computeBaselines,
  createBaselineCache,
  evaluateProbes,
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

const baseline = (b: BaselineMeasurement) => ({ ...accuracies(b), seconds: b.seconds, from_cache: b.fromCache });

export function createProbeHooks(
  cfg: ExperimentConfig,
  data: LoadedDataset,
  cache: BaselineCache = createBaselineCache(new FileBaselineStore()),
): ExperimentHooks {
  const sets = selectProbeSets(data, cfg, data.meta.classNames.length);
  const settings: ProbeSettings = probeSettingsFor(cfg);
  const extractor = (model: LdaeModel) => (x: Parameters<LdaeModel['features']>[0]) => model.features(x, cfg.probeT);
  let baselines: BaselineMeasurements | null = null;
  let lastProbe: { step: number; m: ProbeMeasurement } | null = null;
  let probeSeconds = 0;

  async function probe(step: number, model: LdaeModel, emit: Emit): Promise<ProbeMeasurement> {
    const m = await evaluateProbes(extractor(model), sets, settings);
    probeSeconds += m.seconds;
    lastProbe = { step, m };
    emit({ type: 'probe', step, ...accuracies(m), seconds: m.seconds });
    return m;
  }

  return {
    async beforeTraining(model, emit) {
      baselines = await computeBaselines(cfg, sets, settings, async () => ({ extract: extractor(model), dispose: () => {} }), cache);
      emit({ type: 'baselines', raw_pixel: baseline(baselines.rawPixel), random_init: baseline(baselines.randomInit) });
    },
    async afterWindow(step, model, emit) {
      if (cfg.probeEvery <= 0 || step >= cfg.steps) return; // the end of the run is evaluated in summaryFields
      const since = lastProbe?.step ?? 0;
      if (Math.floor(step / cfg.probeEvery) > Math.floor(since / cfg.probeEvery)) await probe(step, model, emit);
    },
    async summaryFields(model, step, emit) {
      const final = lastProbe?.step === step ? lastProbe.m : await probe(step, model, emit);
      return {
        probe: { step, ...accuracies(final), seconds: final.seconds },
        probe_seconds_total: probeSeconds,
        probe_sets: { train: sets.train.count, test: sets.test.count, t: cfg.probeT },
        ...(baselines ? { baselines: { raw_pixel: baseline(baselines.rawPixel), random_init: baseline(baselines.randomInit) } } : {}),
      };
    },
  };
}
