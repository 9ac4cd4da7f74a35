import type * as tf from '@tensorflow/tfjs';
import type { ModelSize } from '../config';

export interface ViTConfig {
  size: ModelSize;
  /** Token count N = (H/P)*(W/P). */
  tokens: number;
  /** Per-token input features (d for latent input, D for pixel input). */
  inDim: number;
  /** Per-token output features (d for latent output, D for pixel output). */
  outDim: number;
  width: number;
  depth: number;
  heads: number;
  /** MLP hidden = mlpRatio * width. */
  mlpRatio: number;
  /** Hidden size of the t-conditioning MLP (paper: width / 4). */
  condHidden: number;
  tConditioning: boolean;
  positions: 'learned' | 'sincos';
}

/**
 * A DiT-style ViT (pre-LN blocks with adaLN-Zero on t). The first half of the blocks is the
 * encoder; `features` returns the middle block's output. All parameters are tf.Variables.
 */
export interface ViT {
  readonly config: ViTConfig;
  readonly variables: tf.Variable[];
  /** tokens [B,N,inDim], t [B] in [0,1] -> [B,N,outDim]. Call inside tf.tidy / grads. */
  apply(tokens: tf.Tensor3D, t: tf.Tensor1D): tf.Tensor3D;
  /** Middle-block output [B,N,width] (block floor(depth/2); the representation, before pooling). */
  features(tokens: tf.Tensor3D, t: tf.Tensor1D): tf.Tensor3D;
  /** Residual stream [B,N,width] after the embedding (index 0) and after each block i (index i),
   *  depth+1 tensors; `features` is index floor(depth/2). For probing other blocks and for tests. */
  residuals(tokens: tf.Tensor3D, t: tf.Tensor1D): tf.Tensor3D[];
  paramCount(): number;
  /** Analytic forward FLOPs per image (multiply-add = 2 FLOPs); training ~ 3x. */
  forwardFlopsPerImage(): number;
  dispose(): void;
}
