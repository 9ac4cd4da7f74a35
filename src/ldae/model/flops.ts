// Analytic FLOPs of one forward pass per image: every matmul counts 2*m*n*k (multiply-add = 2).
// Elementwise work (norms, GELU, softmax, residuals) is not counted, as is usual for MFU.
import { T_FREQ_DIM } from './embeddings';
import type { ViTConfig } from './types';

export function forwardFlopsPerImage(c: ViTConfig): number {
  const { tokens: N, width: W, depth, inDim, outDim, condHidden: C } = c;
  const hidden = c.mlpRatio * W;
  const nMods = 6 * depth + 2;
  const cond = c.tConditioning ? 2 * (T_FREQ_DIM * C + C * C + C * nMods * W) : 0;
  const perBlock =
    2 * N * W * 3 * W + // QKV
    2 * N * N * W + // Q K^T over all heads
    2 * N * N * W + // softmax(.) V
    2 * N * W * W + // output projection
    2 * 2 * N * W * hidden; // MLP fc1 + fc2
  return 2 * N * inDim * W + cond + depth * perBlock + 2 * N * W * outDim;
}

/** Training FLOPs per image: forward + backward (2x forward for the weight and input grads). */
export function trainFlopsPerImage(c: ViTConfig): number {
  return 3 * forwardFlopsPerImage(c);
}
