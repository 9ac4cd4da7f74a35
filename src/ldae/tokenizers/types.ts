import type * as tf from '@tensorflow/tfjs';
import type { TokenizerKind } from '../config';

/**
 * A patch tokenizer: maps patches x (flattened P*P*C pixels) to latent tokens z (d numbers)
 * and back. Every tokenizer (PCA, pixel, patch AE/VAE, conv VAE) implements this, and the
 * objective only ever talks to this interface.
 *
 * Shapes: images are [B, H, W, C] float32 in [0, 1]; tokens are [B, N, d] where
 * N = (H/P) * (W/P) in row-major patch order.
 */
export interface Tokenizer {
  readonly kind: TokenizerKind;
  readonly patchSize: number;
  /** D = P * P * C. */
  readonly patchDim: number;
  /** d, the latent dimension per token. */
  readonly latentDim: number;
  /** images [B,H,W,C] -> latents z0 [B,N,d] (already scaled as the tokenizer documents). */
  encode(images: tf.Tensor4D): tf.Tensor3D;
  /** latents [B,N,d] -> images [B,H,W,C]. Must be differentiable (used inside the loss). */
  decode(z: tf.Tensor3D, imageSide: number): tf.Tensor4D;
  /** Basis images [K, P, P, C] for display (eigen-patches, decoder columns, decoded unit latents). */
  basisImages(): tf.Tensor4D;
  /** Cumulative explained variance for k = 1..D when defined (PCA), else null. */
  explainedVariance(): number[] | null;
  /** Plain-data form for caching (IndexedDB / file); restored by the tokenizer registry. */
  serialize(): SerializedTokenizer;
  dispose(): void;
}

export interface SerializedTokenizer {
  kind: TokenizerKind;
  patchSize: number;
  patchDim: number;
  latentDim: number;
  /** Named float arrays with shapes, e.g. { V: {shape:[d,D], data}, mean: ... }. */
  arrays: Record<string, { shape: number[]; data: Float32Array }>;
  /** Scalars and small extras (latent scale, eigenvalues, fit metrics). */
  extras: Record<string, number | number[] | string>;
}

export interface TokenizerFitProgress {
  fraction: number;
  reconMse: number | null;
}
