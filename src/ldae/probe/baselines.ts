// The lines a skeptic draws: the same probes on raw pixels (standardised), on the features of
// the same architecture at random initialisation (same seed), and on the tokenizer's latents z0
// of all patches concatenated. Each is computed once per dataset / probe split / seeds (and, for
// random init, architecture; for the latents, tokenizer) and cached.
import { TOKENIZER_FIELDS } from '../tokenizers/fields';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../config';
import { evaluateProbes, probeSettingsFor, type ProbeMeasurement, type ProbeSettings } from './evaluate';
import { pixelFeatures, type FeatureExtractor } from './features';
import type { ProbeSets } from './subset';

export interface BaselineMeasurement extends ProbeMeasurement {
  fromCache: boolean;
  /**
   * Raw pixels only: whose linear-probe settings the line was measured with. 'default' when the
   * run changed the probe settings and raw pixels probe better with the defaults (which were tuned
   * on raw pixels): the line a run must beat is raw pixels at their best, not at the run's settings.
   */
  linearProbe?: 'run' | 'default';
}

export interface BaselineMeasurements {
  rawPixel: BaselineMeasurement;
  randomInit: BaselineMeasurement;
  /** Null when no latent extractor was given. */
  latent: BaselineMeasurement | null;
}

/** Optional persistence (the CLI: JSON files in .cache/; the browser: IndexedDB). */
export interface BaselineStore {
  load(key: string): Promise<ProbeMeasurement | null>;
  save(key: string, value: ProbeMeasurement): Promise<void>;
}

export interface BaselineCache {
  memory: Map<string, ProbeMeasurement>;
  store: BaselineStore | null;
}

export function createBaselineCache(store: BaselineStore | null = null): BaselineCache {
  return { memory: new Map(), store };
}

/** One in-memory cache for the life of the worker / process. */
export const sharedBaselineCache: BaselineCache = createBaselineCache();

/** Config fields that only steer training (or the runtime): they cannot change random-init features. */
const TRAINING_ONLY_FIELDS: readonly (keyof ExperimentConfig)[] = [
  'lr',
  'warmupSteps',
  'steps',
  'weightDecay',
  'gradClip',
  'augmentShift',
  'augmentFlip',
  'emaDecay',
  'batchSize',
  'metricsEvery',
  'probeEvery',
  'singleLevel',
  'singleLevelT',
  'target',
  'lossWeighting',
  'backend',
];

function probeKeyParts(cfg: ExperimentConfig, settings: ProbeSettings) {
  const { seed, extract, linear, knn } = settings;
  const { dataset, probeTrainSize, probeTestSize, probeSteps, probeLr, probeWeightDecay } = cfg;
  return { dataset, probeTrainSize, probeTestSize, probeSteps, probeLr, probeWeightDecay, splitSeed: cfg.seed, probeSeed: seed, linear, knn, extract };
}

export function rawPixelBaselineKey(cfg: ExperimentConfig, settings: ProbeSettings): string {
  return JSON.stringify({ baseline: 'raw-pixel', ...probeKeyParts(cfg, settings) });
}

/** Every config field except the training-only ones (new fields count as architecture-relevant). */
export function randomInitBaselineKey(cfg: ExperimentConfig, settings: ProbeSettings): string {
  const arch = Object.fromEntries(
    Object.entries(cfg)
      .filter(([k]) => !TRAINING_ONLY_FIELDS.includes(k as keyof ExperimentConfig))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return JSON.stringify({ baseline: 'random-init', ...probeKeyParts(cfg, settings), arch });
}

/** Probe settings plus every config field the fitted tokenizer depends on. */
export function latentBaselineKey(cfg: ExperimentConfig, settings: ProbeSettings): string {
  return JSON.stringify({ baseline: 'latent', ...probeKeyParts(cfg, settings), tokenizer: Object.fromEntries(TOKENIZER_FIELDS.map((k) => [k, cfg[k]])) });
}

/** Short stable file-name-safe hash of a cache key (FNV-1a, 2 x 32 bit). */
export function hashKey(key: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/** Memory, then store, then compute (and remember in both). */
export async function cachedBaseline(
  cache: BaselineCache,
  key: string,
  compute: () => Promise<ProbeMeasurement>,
): Promise<BaselineMeasurement> {
  const inMemory = cache.memory.get(key);
  if (inMemory) return { ...inMemory, fromCache: true };
  const stored = (await cache.store?.load(key)) ?? null;
  if (stored) {
    cache.memory.set(key, stored);
    return { ...stored, fromCache: true };
  }
  const measured = await compute();
  const plain: ProbeMeasurement = {
    linearTestAcc: measured.linearTestAcc,
    linearTrainAcc: measured.linearTrainAcc,
    knnTestAcc: measured.knnTestAcc,
    seconds: measured.seconds,
  };
  cache.memory.set(key, plain);
  await cache.store?.save(key, plain);
  return { ...plain, fromCache: false };
}

type LinearProbeFields = Pick<ExperimentConfig, 'probeSteps' | 'probeLr' | 'probeWeightDecay'>;

const DEFAULT_LINEAR_FIELDS: LinearProbeFields = {
  probeSteps: DEFAULT_CONFIG.probeSteps,
  probeLr: DEFAULT_CONFIG.probeLr,
  probeWeightDecay: DEFAULT_CONFIG.probeWeightDecay,
};

const usesDefaultLinearProbe = (cfg: LinearProbeFields): boolean =>
  (Object.keys(DEFAULT_LINEAR_FIELDS) as (keyof LinearProbeFields)[]).every((k) => cfg[k] === DEFAULT_LINEAR_FIELDS[k]);

/**
 * Raw pixels under the run's linear-probe settings; when the config changed those, also under the
 * default ones, and the better of the two (by linear test accuracy, in the baseline's favour).
 */
export async function rawPixelBaseline(
  cfg: ExperimentConfig,
  sets: ProbeSets,
  settings: ProbeSettings,
  cache: BaselineCache = sharedBaselineCache,
): Promise<BaselineMeasurement> {
  const measure = (c: ExperimentConfig, s: ProbeSettings) => cachedBaseline(cache, rawPixelBaselineKey(c, s), () => evaluateProbes(pixelFeatures, sets, s));
  const own = await measure(cfg, settings);
  if (usesDefaultLinearProbe(cfg)) return { ...own, linearProbe: 'run' };
  const defaultCfg = { ...cfg, ...DEFAULT_LINEAR_FIELDS };
  const atDefault = await measure(defaultCfg, { ...settings, linear: probeSettingsFor(defaultCfg).linear });
  return atDefault.linearTestAcc > own.linearTestAcc ? { ...atDefault, linearProbe: 'default' } : { ...own, linearProbe: 'run' };
}

/** A feature extractor at random init and how to free it; built only on a cache miss. */
export type RandomInitFactory = () => Promise<{ extract: FeatureExtractor; dispose: () => void }>;

/**
 * Probes of the same architecture at random init. The model the trainer has just built and not
 * yet stepped IS that model (same config, same seed): pass `async () => ({ extract:
 * probeExtractor(model, cfg), dispose: () => {} })` before the first step.
 * Note: with adaLN-Zero every block is exactly the identity at init, so this line measures the
 * mean-pooled token embedding: for latent input or a tokenizer with a linear decoder, a linear map
 * of the mean latent (1/N) sum_n z_n plus a constant, rank at most d.
 */
export async function randomInitBaseline(
  cfg: ExperimentConfig,
  sets: ProbeSets,
  settings: ProbeSettings,
  createRandomInit: RandomInitFactory,
  cache: BaselineCache = sharedBaselineCache,
): Promise<BaselineMeasurement> {
  return cachedBaseline(cache, randomInitBaselineKey(cfg, settings), async () => {
    const model = await createRandomInit();
    try {
      return await evaluateProbes(model.extract, sets, settings);
    } finally {
      model.dispose();
    }
  });
}

/** Probes of the tokenizer's latents z0 of all patches, concatenated: `latentExtractor(tokenizer)`. */
export async function latentBaseline(
  cfg: ExperimentConfig,
  sets: ProbeSets,
  settings: ProbeSettings,
  extract: FeatureExtractor,
  cache: BaselineCache = sharedBaselineCache,
): Promise<BaselineMeasurement> {
  return cachedBaseline(cache, latentBaselineKey(cfg, settings), () => evaluateProbes(extract, sets, settings));
}

/**
 * The baselines, one after the other (never two evaluations' tensors at once): raw pixels, random
 * init, and the latents when `latent` (the tokenizer's latent extractor) is given. Progress in [0, 1].
 */
export async function computeBaselines(
  cfg: ExperimentConfig,
  sets: ProbeSets,
  settings: ProbeSettings,
  createRandomInit: RandomInitFactory,
  cache: BaselineCache = sharedBaselineCache,
  latent: FeatureExtractor | null = null,
): Promise<BaselineMeasurements> {
  const report = settings.onProgress;
  const parts = latent ? 3 : 2;
  const phase = (i: number): ProbeSettings => ({ ...settings, onProgress: report && ((f) => report((i + f) / parts)) });
  const rawPixel = await rawPixelBaseline(cfg, sets, phase(0), cache);
  const randomInit = await randomInitBaseline(cfg, sets, phase(1), createRandomInit, cache);
  const latentLine = latent ? await latentBaseline(cfg, sets, phase(2), latent, cache) : null;
  report?.(1);
  return { rawPixel, randomInit, latent: latentLine };
}
