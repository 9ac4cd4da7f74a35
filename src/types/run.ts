// Plain data a training run produces (metrics, probes, snapshots, summaries), read by the
// worker, the CLI and the UI alike. No tensors, no classes.
import type { ExperimentConfig } from '../ldae/config';
import type { FloatImages } from './data';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
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
  /** Which weights were probed: the EMA of the weights (emaDecay > 0) or the live ones. */
  weights: 'ema' | 'live';
  linearTestAcc: number;
  linearTrainAcc: number;
  knnTestAcc: number;
  seconds: number;
}

export interface BaselineResult {
  linearTestAcc: number;
  knnTestAcc: number;
  /** Raw pixels: 'default' when the default linear probe beat the run's probe settings on them. */
  linearProbe?: 'run' | 'default';
}

export interface Baselines {
  rawPixel: BaselineResult;
  randomInit: BaselineResult;
  /** The tokenizer's latents z0 of all patches, concatenated ([tokens x d] numbers per image). */
  latent: BaselineResult;
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
  patchSize: number;
  /** D = P * P * C. */
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

/** The wasm backend's thread plan (src/backends/wasmThreadPlan.ts makes it). */
/** How wasm uses more than one thread: XNNPACK's pool inside the kernels, or one replica per thread each computing a slice of the batch. */
export type WasmParallel = 'kernels' | 'batch';

export interface WasmThreadPlan {
  /** Threads the step computes on: XNNPACK's pool ('kernels') or single-threaded replicas ('batch'); 1 = the single-threaded SIMD build. */
  threads: number;
  /** How more than one thread is used: 'kernels' (XNNPACK's pool inside the matmuls, needs cross-origin isolation) or 'batch' (one worker per thread, each computing a slice of every batch). */
  parallel: WasmParallel;
  /** Why it is 1 although more were wanted (not isolated, no support); null otherwise. */
  fallbackReason: string | null;
}
