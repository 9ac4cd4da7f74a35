// One typed, validated experiment config. The UI, the URL, the CLI and saved runs
// all read and write this object (see ../../../shared/ldae-notes.md for the knobs).
import type { ImageShape } from '../types/data';

/** The built-in (embedded) datasets. */
export const DATASETS = ['fashion-mnist', 'mnist'] as const;
export type BuiltinDatasetId = (typeof DATASETS)[number];
/** A dataset the user imported (an image folder, a CIFAR-10 archive): `import:<name>-<8 hex digits of its content>`. */
export type ImportedDatasetId = `import:${string}`;
export type DatasetId = BuiltinDatasetId | ImportedDatasetId;

const IMPORTED_DATASET_PATTERN = /^import:[a-z0-9][a-z0-9-]{0,40}-[0-9a-f]{8}$/;

export function isBuiltinDatasetId(value: string): value is BuiltinDatasetId {
  return (DATASETS as readonly string[]).includes(value);
}

export function isImportedDatasetId(value: string): value is ImportedDatasetId {
  return IMPORTED_DATASET_PATTERN.test(value);
}

export const TOKENIZERS = ['pca', 'pixel', 'patch-ae', 'patch-vae', 'conv-vae'] as const;
export type TokenizerKind = (typeof TOKENIZERS)[number];

/** Noise schedules; each maps t in [0,1] to (gamma_t, sigma_t). */
export const SCHEDULES = ['vp-ddpm-linear', 'vp-cosine', 'vp-linear-gamma2', 'ldae-linear-sigma'] as const;
export type ScheduleKind = (typeof SCHEDULES)[number];

export const TARGETS = ['eps', 'z0', 'x0'] as const;
export type PredictionTarget = (typeof TARGETS)[number];

/** Where the network's input lives: latent tokens z_t, or pixels V^T z_t via the inverse tokenizer. */
export const INPUT_SPACES = ['latent', 'pixel'] as const;
export type InputSpace = (typeof INPUT_SPACES)[number];

/** Where the network's output lives: latent tokens, or pixels (compared with the decoded target). */
export const OUTPUT_SPACES = ['latent', 'pixel'] as const;
export type OutputSpace = (typeof OUTPUT_SPACES)[number];

/** none: plain MSE; gamma2: lambda_t = gamma_t^2; inv-1p-sigma2: lambda_t = 1/(1+sigma_t^2);
 *  pca-weighted: l-DAE loss, lambda_t = 1/(1+sigma_t^2) times weight 1 on the first d PCA
 *  components of the error and 0.1 on the rest. */
export const LOSS_WEIGHTINGS = ['none', 'gamma2', 'inv-1p-sigma2', 'pca-weighted'] as const;
export type LossWeighting = (typeof LOSS_WEIGHTINGS)[number];

/** The size presets; `custom` takes modelWidth / modelDepth / modelHeads instead. */
export const MODEL_SIZE_PRESETS = ['micro', 'tiny', 'small'] as const;
export type ModelSizePreset = (typeof MODEL_SIZE_PRESETS)[number];
export const MODEL_SIZES = [...MODEL_SIZE_PRESETS, 'custom'] as const;
export type ModelSize = (typeof MODEL_SIZES)[number];

/** What the probe reads: the middle block's output mean-pooled (the paper), or the mean over all
 *  blocks' outputs, each mean-pooled (beyond the paper's protocol). */
export const PROBE_FEATURES = ['middle', 'mean-of-blocks'] as const;
export type ProbeFeatureKind = (typeof PROBE_FEATURES)[number];

export const BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export const LATENT_SCALINGS = ['unit-rms', 'none'] as const;
export type LatentScaling = (typeof LATENT_SCALINGS)[number];

export interface ExperimentConfig {
  // data
  dataset: DatasetId;
  /** Side of the square patch P; must divide the image side (28 or 32). D = P*P*C. */
  patchSize: number;
  // tokenizer
  tokenizer: TokenizerKind;
  /** Latent dimension d per patch (ignored by `pixel`, where d = D). */
  latentDim: number;
  /** unit-rms: divide latents by the root-mean eigenvalue of the kept components so z0 has unit RMS. */
  latentScaling: LatentScaling;
  /** Number of random training patches used to fit the tokenizer. */
  tokenizerSamples: number;
  /**
   * beta of the KL term for the VAE tokenizers. Per token the loss is the sum of squared errors over
   * the patch's D pixels (pixels in [0, 1]) + beta * KL in nats summed over the d latents: a Gaussian
   * decoder with per-pixel variance beta / 2, so latent directions whose data variance (PCA
   * eigenvalue) is below beta / 2 collapse to the prior. Default 1e-3 (pixel noise std 0.022): on
   * Fashion-MNIST 7x7 patches nothing collapses up to d = 16 and the VAE reconstructs like the AE
   * (held-out MSE equal to 3 digits). beta = 1 collapses all but ~2 directions.
   */
  vaeBeta: number;
  /** Optimisation steps for the learned tokenizers (AE / VAE / conv VAE). */
  tokenizerSteps: number;
  // noise
  schedule: ScheduleKind;
  /** sigma at t = 1 for the l-DAE schedule (paper: sqrt 2). */
  sigmaMax: number;
  /** Train at one noise level instead of t ~ U(0,1). */
  singleLevel: boolean;
  /** The t used when singleLevel is on. */
  singleLevelT: number;
  // objective
  target: PredictionTarget;
  /** VP form z_t = gamma_t z0 + sigma_t eps when on; gamma_t = 1 (z_t = z0 + sigma_t eps) when off. */
  inputScaling: boolean;
  inputSpace: InputSpace;
  outputSpace: OutputSpace;
  lossWeighting: LossWeighting;
  tConditioning: boolean;
  // model
  modelSize: ModelSize;
  /** Width, blocks and heads of a `custom` model (ignored for the presets). */
  modelWidth: number;
  modelDepth: number;
  modelHeads: number;
  // training
  batchSize: number;
  lr: number;
  warmupSteps: number;
  steps: number;
  weightDecay: number;
  gradClip: number;
  /** Random shift of each training image by up to k pixels (zero padding, random crop); 0 = off. */
  augmentShift: number;
  /** Random horizontal flip of each training image (wrong for digits). */
  augmentFlip: boolean;
  /** EMA of the weights, probed instead of the live weights when > 0 (0 = off). */
  emaDecay: number;
  seed: number;
  /** Metrics are read back from the device once every this many steps. */
  metricsEvery: number;
  // probe
  /** Evaluate the probes every K steps (0 = only on demand / at the end). */
  probeEvery: number;
  probeTrainSize: number;
  probeTestSize: number;
  /** Probe noise level as a fraction of the schedule (paper: t = 10 of 1000). */
  probeT: number;
  /** Probe input with real noise sigma_t eps at probeT (fixed per image); off = clean gamma_t enc(x). */
  probeNoise: boolean;
  probeFeatures: ProbeFeatureKind;
  /** Linear probe: L2 weight decay on the weights (not the bias). */
  probeWeightDecay: number;
  /** Linear probe: Adam steps (rounded up to whole epochs of batch 512). */
  probeSteps: number;
  /** Linear probe: peak Adam learning rate (cosine decay to 0). */
  probeLr: number;
  // runtime
  backend: BackendChoice;
}

export const DEFAULT_CONFIG: ExperimentConfig = {
  dataset: 'fashion-mnist',
  patchSize: 7,
  tokenizer: 'pca',
  latentDim: 8,
  latentScaling: 'unit-rms',
  tokenizerSamples: 20000,
  vaeBeta: 1e-3,
  tokenizerSteps: 1500,
  schedule: 'ldae-linear-sigma',
  sigmaMax: Math.SQRT2,
  singleLevel: false,
  singleLevelT: 0.5,
  target: 'x0',
  inputScaling: false,
  inputSpace: 'pixel',
  outputSpace: 'pixel',
  lossWeighting: 'pca-weighted',
  tConditioning: true,
  modelSize: 'tiny',
  modelWidth: 96,
  modelDepth: 4,
  modelHeads: 4,
  batchSize: 128,
  lr: 1e-3,
  warmupSteps: 100,
  steps: 2000,
  weightDecay: 0,
  gradClip: 1.0,
  augmentShift: 0,
  augmentFlip: false,
  emaDecay: 0,
  seed: 1,
  metricsEvery: 10,
  probeEvery: 500,
  probeTrainSize: 10000,
  probeTestSize: 2000,
  probeT: 0.01,
  probeNoise: false,
  probeFeatures: 'middle',
  probeWeightDecay: 0.01,
  probeSteps: 200,
  probeLr: 0.04,
  backend: 'auto',
};

type NumField = { [K in keyof ExperimentConfig]: ExperimentConfig[K] extends number ? K : never }[keyof ExperimentConfig];
/** The string fields with a fixed list of values (dataset is open: built-in or imported, checked apart). */
type EnumField = Exclude<
  {
    [K in keyof ExperimentConfig]: ExperimentConfig[K] extends string ? K : never;
  }[keyof ExperimentConfig],
  'dataset'
>;
type BoolField = { [K in keyof ExperimentConfig]: ExperimentConfig[K] extends boolean ? K : never }[keyof ExperimentConfig];

export interface NumRange {
  min: number;
  max: number;
  integer: boolean;
}

export const NUMERIC_RANGES: Record<NumField, NumRange> = {
  // Loose bounds (a 32x32x3 image as one patch); configProblems checks both against the image shape.
  patchSize: { min: 1, max: 32, integer: true },
  latentDim: { min: 1, max: 3072, integer: true },
  tokenizerSamples: { min: 100, max: 200000, integer: true },
  vaeBeta: { min: 0, max: 10, integer: false },
  tokenizerSteps: { min: 0, max: 100000, integer: true },
  sigmaMax: { min: 0.01, max: 100, integer: false },
  singleLevelT: { min: 0, max: 1, integer: false },
  modelWidth: { min: 16, max: 512, integer: true },
  modelDepth: { min: 2, max: 16, integer: true },
  modelHeads: { min: 1, max: 16, integer: true },
  batchSize: { min: 1, max: 4096, integer: true },
  lr: { min: 1e-7, max: 1, integer: false },
  warmupSteps: { min: 0, max: 1e6, integer: true },
  steps: { min: 1, max: 1e7, integer: true },
  weightDecay: { min: 0, max: 1, integer: false },
  gradClip: { min: 0, max: 1e6, integer: false },
  augmentShift: { min: 0, max: 8, integer: true },
  emaDecay: { min: 0, max: 0.99999, integer: false },
  seed: { min: 1, max: 2 ** 31 - 1, integer: true },
  metricsEvery: { min: 1, max: 1e5, integer: true },
  probeEvery: { min: 0, max: 1e7, integer: true },
  probeTrainSize: { min: 10, max: 60000, integer: true },
  probeTestSize: { min: 10, max: 10000, integer: true },
  probeT: { min: 0, max: 1, integer: false },
  probeWeightDecay: { min: 0, max: 1, integer: false },
  probeSteps: { min: 10, max: 5000, integer: true },
  probeLr: { min: 1e-5, max: 1, integer: false },
};

export const ENUM_VALUES: Record<EnumField, readonly string[]> = {
  tokenizer: TOKENIZERS,
  latentScaling: LATENT_SCALINGS,
  schedule: SCHEDULES,
  target: TARGETS,
  inputSpace: INPUT_SPACES,
  outputSpace: OUTPUT_SPACES,
  lossWeighting: LOSS_WEIGHTINGS,
  modelSize: MODEL_SIZES,
  probeFeatures: PROBE_FEATURES,
  backend: BACKENDS,
};

export const BOOLEAN_FIELDS: readonly BoolField[] = ['singleLevel', 'inputScaling', 'tConditioning', 'augmentFlip', 'probeNoise'];

/** Image shape of each built-in dataset; imported datasets bring theirs in their DatasetMeta. */
export const BUILTIN_DATASET_SHAPES: Record<BuiltinDatasetId, ImageShape> = {
  'fashion-mnist': { height: 28, width: 28, channels: 1 },
  mnist: { height: 28, width: 28, channels: 1 },
};

/** The shape of cfg.dataset when it is a built-in dataset, else null (known only once it is loaded). */
export function builtinDatasetShape(dataset: string): ImageShape | null {
  return isBuiltinDatasetId(dataset) ? BUILTIN_DATASET_SHAPES[dataset] : null;
}

/** D = P * P * C: the numbers in one patch. */
export function patchDim(cfg: Pick<ExperimentConfig, 'patchSize'>, channels: number): number {
  return cfg.patchSize * cfg.patchSize * channels;
}

/** Effective latent dimension: d, or D for the identity (pixel) tokenizer. */
export function effectiveLatentDim(cfg: Pick<ExperimentConfig, 'patchSize' | 'tokenizer' | 'latentDim'>, channels: number): number {
  return cfg.tokenizer === 'pixel' ? patchDim(cfg, channels) : cfg.latentDim;
}

/** Every patch size that tiles a side exactly (its divisors, ascending): 1, 2, 4, 7, 14, 28 for 28. */
export function patchSizesFor(side: number): number[] {
  const sizes: number[] = [];
  for (let p = 1; p <= side; p++) if (side % p === 0) sizes.push(p);
  return sizes;
}
/**
 * The patch sizes worth offering for a side: its divisors without 1 (one token per pixel) and the
 * side itself (one token per image): 2, 4, 7, 14 for 28; 2, 4, 8, 16 for 32.
 */
export function patchSizeChoices(side: number): number[] {
  const inner = patchSizesFor(side).filter((p) => p > 1 && p < side);
  return inner.length > 0 ? inner : patchSizesFor(side);
}

/** Smallest width per attention head a custom model may have. */
export const MIN_HEAD_DIM = 4;

export class ConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Every problem with a config, one message per field; empty when valid. The patch-size and
 * latent-dim checks need the image shape: `shape` (the loaded dataset's meta), else the built-in
 * dataset's shape; for a dataset whose shape is not known yet (an imported one, or `shape` null:
 * files the CLI has yet to import) they are skipped here and run again at run start, when the
 * dataset is loaded.
 */
export function configProblems(cfg: ExperimentConfig, shape?: ImageShape | null): ConfigError[] {
  const problems: ConfigError[] = [];
  for (const [field, range] of Object.entries(NUMERIC_RANGES) as [NumField, NumRange][]) {
    const v = cfg[field];
    const kind = range.integer ? 'an integer' : 'a number';
    if (typeof v !== 'number' || !Number.isFinite(v) || v < range.min || v > range.max || (range.integer && !Number.isInteger(v))) {
      problems.push(new ConfigError(field, `${field} must be ${kind} in [${range.min}, ${range.max}], got ${String(v)}`));
    }
  }
  for (const [field, allowed] of Object.entries(ENUM_VALUES) as [EnumField, readonly string[]][]) {
    if (!allowed.includes(cfg[field] as string)) {
      problems.push(new ConfigError(field, `${field} must be one of ${allowed.join(' | ')}, got ${String(cfg[field])}`));
    }
  }
  if (typeof cfg.dataset !== 'string' || !(isBuiltinDatasetId(cfg.dataset) || isImportedDatasetId(cfg.dataset))) {
    problems.push(new ConfigError('dataset', `dataset must be one of ${DATASETS.join(' | ')} or an imported dataset (import:<name>-<8 hex digits>), got ${String(cfg.dataset)}`));
  }
  for (const field of BOOLEAN_FIELDS) {
    if (typeof cfg[field] !== 'boolean') problems.push(new ConfigError(field, `${field} must be true or false, got ${String(cfg[field])}`));
  }
  // The custom size's width / heads check needs only those two fields (shown even while others are invalid).
  const invalid = new Set(problems.map((p) => p.field));
  if (cfg.modelSize === 'custom' && !invalid.has('modelWidth') && !invalid.has('modelHeads')) {
    if (cfg.modelWidth % cfg.modelHeads !== 0) {
      problems.push(new ConfigError('modelWidth', `modelWidth must be a multiple of modelHeads (${cfg.modelHeads}), got ${cfg.modelWidth}`));
    } else if (cfg.modelWidth / cfg.modelHeads < MIN_HEAD_DIM) {
      problems.push(new ConfigError('modelHeads', `the head dimension modelWidth / modelHeads must be at least ${MIN_HEAD_DIM}, got ${cfg.modelWidth} / ${cfg.modelHeads}`));
    }
  }
  if (problems.length > 0) return problems;

  const image = shape === undefined ? builtinDatasetShape(cfg.dataset) : shape;
  if (image) problems.push(...shapeProblems(cfg, image));
  if (cfg.target === 'x0' && cfg.outputSpace !== 'pixel') {
    problems.push(new ConfigError('target', 'target x0 (the original image) needs outputSpace pixel'));
  }
  if (cfg.target === 'eps' && cfg.outputSpace !== 'latent') {
    problems.push(new ConfigError('target', 'target eps (the latent noise) needs outputSpace latent'));
  }
  if (cfg.lossWeighting === 'pca-weighted' && cfg.outputSpace !== 'pixel') {
    problems.push(new ConfigError('lossWeighting', 'lossWeighting pca-weighted weights pixel errors in the PCA basis: it needs outputSpace pixel'));
  }
  if (cfg.lossWeighting === 'gamma2' && !cfg.inputScaling) {
    problems.push(new ConfigError('lossWeighting', 'lossWeighting gamma2 needs inputScaling (gamma_t = 1 otherwise)'));
  }
  if (cfg.schedule === 'ldae-linear-sigma' && cfg.inputScaling) {
    problems.push(new ConfigError('inputScaling', 'the ldae-linear-sigma schedule has gamma_t = 1: turn inputScaling off or pick a VP schedule'));
  }
  return problems;
}

/** The checks that depend on the image: square, P divides the side, d <= D = P*P*C. */
function shapeProblems(cfg: ExperimentConfig, shape: ImageShape): ConfigError[] {
  const { height, width, channels } = shape;
  if (height !== width) return [new ConfigError('patchSize', `images must be square, got ${height}x${width}`)];
  if (height % cfg.patchSize !== 0) {
    return [new ConfigError('patchSize', `patchSize must divide the image side ${height} (${patchSizesFor(height).join(', ')}), got ${cfg.patchSize}`)];
  }
  const D = patchDim(cfg, channels);
  if (cfg.tokenizer !== 'pixel' && cfg.latentDim > D) {
    return [new ConfigError('latentDim', `latentDim must be in [1, ${D}] (D = patchSize^2 x channels = ${cfg.patchSize}^2 x ${channels}), got ${cfg.latentDim}`)];
  }
  return [];
}

export function validateConfig(cfg: ExperimentConfig, shape?: ImageShape): ExperimentConfig {
  const problems = configProblems(cfg, shape);
  if (problems.length > 0) throw problems[0];
  return cfg;
}

/** Parse a `key=value` string into a typed config patch (used by the CLI and the URL). */
export function parseConfigValue(key: string, raw: string): Partial<ExperimentConfig> {
  if (!(key in DEFAULT_CONFIG)) {
    throw new ConfigError(key, `unknown config key "${key}"; known keys: ${Object.keys(DEFAULT_CONFIG).join(', ')}`);
  }
  const k = key as keyof ExperimentConfig;
  const def = DEFAULT_CONFIG[k];
  if (typeof def === 'number') {
    const v = raw === 'sqrt2' ? Math.SQRT2 : Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v)) throw new ConfigError(key, `${key} must be a number, got "${raw}"`);
    return { [k]: v } as Partial<ExperimentConfig>;
  }
  if (typeof def === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw new ConfigError(key, `${key} must be true or false, got "${raw}"`);
    return { [k]: raw === 'true' } as Partial<ExperimentConfig>;
  }
  return { [k]: raw } as Partial<ExperimentConfig>;
}

/** Config <-> URL query string: only fields that differ from the defaults are written. */
export function configToSearchParams(cfg: ExperimentConfig, base: ExperimentConfig = DEFAULT_CONFIG): URLSearchParams {
  const params = new URLSearchParams();
  for (const k of Object.keys(DEFAULT_CONFIG) as (keyof ExperimentConfig)[]) {
    if (cfg[k] !== base[k]) params.set(k, String(cfg[k]));
  }
  return params;
}

/**
 * Reads config fields from a query string; returns the config and one message per rejected field.
 * Every field is read before any is checked, so settings that only make sense together (target eps
 * with outputSpace latent) survive the URL; a field with a problem falls back to `base`, one at a
 * time (dropping one may settle another's).
 */
export function configFromSearchParams(
  params: URLSearchParams,
  base: ExperimentConfig = DEFAULT_CONFIG,
): { config: ExperimentConfig; problems: string[] } {
  let config: ExperimentConfig = { ...base };
  const problems: string[] = [];
  const fromUrl = new Set<keyof ExperimentConfig>();
  for (const k of Object.keys(DEFAULT_CONFIG) as (keyof ExperimentConfig)[]) {
    const raw = params.get(k);
    if (raw === null) continue;
    try {
      config = { ...config, ...parseConfigValue(k, raw) };
      fromUrl.add(k);
    } catch (e) {
      problems.push(`${(e as Error).message}; using ${String(config[k])}`);
    }
  }
  for (;;) {
    const bad = configProblems(config).find((p) => fromUrl.has(p.field as keyof ExperimentConfig));
    if (!bad) break;
    const k = bad.field as keyof ExperimentConfig;
    problems.push(`${bad.message}; using ${String(base[k])}`);
    config = { ...config, [k]: base[k] };
    fromUrl.delete(k);
  }
  return { config, problems };
}
