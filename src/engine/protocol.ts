// The one seam between the UI and the training engine (a dedicated Web Worker).
// Everything the UI can ask is an EngineCommand; everything it can hear is an EngineEvent.
// Only plain data crosses it: no tensors, no classes.
import type { BackendChoice, DatasetId, ExperimentConfig } from '../ldae/config';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

export interface DatasetMeta {
  id: DatasetId;
  name: string;
  height: number;
  width: number;
  channels: number;
  classNames: string[];
  trainCount: number;
  testCount: number;
  /** Bytes transferred for the asset and time to decode it after arrival. */
  transferBytes: number;
  decodeMs: number;
}

/** A small grid of images for display: uint8 pixels, row-major [count, height, width, channels]. */
export interface ImageGrid {
  count: number;
  height: number;
  width: number;
  channels: number;
  pixels: Uint8Array;
  labels: number[];
}

/** A float image batch for visualisation, values roughly in [0, 1], layout [count, height, width, channels]. */
export interface FloatImages {
  count: number;
  height: number;
  width: number;
  channels: number;
  data: Float32Array;
}

export type RunState = 'idle' | 'fitting-tokenizer' | 'running' | 'paused' | 'probing' | 'done' | 'error';

export interface MetricsPoint {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  msPerStep: number;
  imagesPerSec: number;
  numTensors: number;
  /** Bytes held by the backend where it reports them (webgpu/webgl), else null. */
  numBytes: number | null;
}

export interface ProbeResult {
  step: number;
  linearTestAcc: number;
  linearTrainAcc: number;
  knnTestAcc: number;
  seconds: number;
}

export interface BaselineResult {
  linearTestAcc: number;
  knnTestAcc: number;
}

export interface Baselines {
  rawPixel: BaselineResult;
  randomInit: BaselineResult;
}

/** One row of the denoising visualizer: a noise level applied to fixed sample images. */
export interface SnapshotRow {
  t: number;
  sigma: number;
  gamma: number;
  /** Clean image x0. */
  clean: FloatImages;
  /** Noised latent decoded to pixels, V^T z_t. */
  noisedDecoded: FloatImages;
  /** What the network sees (pixels or, for latent input, its decoded view). */
  networkInput: FloatImages;
  /** The network's prediction of the clean image, in pixels. */
  prediction: FloatImages;
  /** Per-patch mean squared error, [count, gridH, gridW]. */
  patchError: { count: number; gridH: number; gridW: number; data: Float32Array };
}

export interface Snapshot {
  step: number;
  rows: SnapshotRow[];
}

export interface TokenizerSummary {
  kind: ExperimentConfig['tokenizer'];
  patchDim: number;
  latentDim: number;
  /** Cumulative explained variance for k = 1..D (PCA), or null when not defined. */
  explainedVariance: number[] | null;
  /** Fraction of held-out patch variance kept at the chosen d. */
  varianceKept: number;
  reconMse: number;
  reconPsnr: number;
  fitSeconds: number;
  /** Basis images (eigen-patches / decoder columns), [count, P, P, C], roughly in [0, 1]. */
  basis: FloatImages;
  /** Before/after reconstructions of a few held-out images. */
  originals: FloatImages;
  reconstructions: FloatImages;
  fromCache: boolean;
}

export interface ModelSummary {
  params: number;
  /** Training FLOPs per image (forward + backward ~ 3x forward; matmuls only, multiply-add = 2). */
  flopsPerImage: number;
  /** Forward FLOPs per image (what feature extraction costs). */
  forwardFlopsPerImage: number;
  tokens: number;
  width: number;
  depth: number;
}

export type EngineCommand =
  | { type: 'init'; backend: BackendChoice; dataset: DatasetId }
  | { type: 'loadDataset'; dataset: DatasetId }
  | { type: 'previewTokenizer'; config: ExperimentConfig }
  | { type: 'start'; config: ExperimentConfig }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'step'; count: number }
  | { type: 'stop' }
  | { type: 'reset' }
  | { type: 'snapshot'; levels: number[]; sampleSeed: number }
  | { type: 'probe' };

export type EngineEvent =
  | { type: 'ready'; backend: BackendName; adapter: AdapterInfo | null; requested: BackendChoice; fallbackReason: string | null }
  | { type: 'datasetProgress'; dataset: DatasetId; loadedBytes: number; totalBytes: number | null }
  | { type: 'datasetLoaded'; meta: DatasetMeta; samples: ImageGrid }
  | { type: 'state'; state: RunState; step: number; totalSteps: number }
  | { type: 'tokenizerProgress'; fraction: number; reconMse: number | null }
  | { type: 'tokenizerReady'; summary: TokenizerSummary }
  | { type: 'model'; summary: ModelSummary }
  | { type: 'metrics'; points: MetricsPoint[] }
  | { type: 'probeProgress'; fraction: number }
  | { type: 'probe'; result: ProbeResult }
  | { type: 'baselines'; baselines: Baselines }
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'log'; message: string }
  | { type: 'error'; message: string; where: string; fatal: boolean };

export type EngineEventOf<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;
