// The probe's public API: what the worker and the CLI call.
export { evaluateProbes, probeFeatures, probeSettingsFor, type ProbeMeasurement, type ProbeSettings } from './evaluate';
export { extractFeatures, pixelFeatures, standardize, type FeatureBatch, type FeatureExtractor, type LabelledImages } from './features';
export { latentExtractor, probeExtractor, probedWeights, type ProbedWeights } from './modelFeatures';
export { knnAccuracy, DEFAULT_KNN, type KnnOptions } from './knn';
export { linearProbe, DEFAULT_LINEAR_PROBE, type LinearProbeOptions } from './linearProbe';
export { selectProbeSets, stratifiedSubset, type ProbeSets } from './subset';
export {
  computeBaselines,
  createBaselineCache,
  hashKey,
  latentBaseline,
  latentBaselineKey,
  randomInitBaseline,
  randomInitBaselineKey,
  rawPixelBaseline,
  rawPixelBaselineKey,
  sharedBaselineCache,
  type BaselineCache,
  type BaselineMeasurement,
  type BaselineMeasurements,
  type BaselineStore,
  type RandomInitFactory,
} from './baselines';
