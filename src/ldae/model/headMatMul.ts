// Attention's batched matmuls reading and writing the heads in place: HEAD_MATMUL_KERNEL is a
// batched matmul over the B*H (sample, head) pairs whose operands and output are either plain
// [B*H, rows, cols] tensors or the [B*N, H*hd] activations themselves (matrix (b, h) = tokens x
// head channels, element (n, d) at ((b N + n) H + h) hd + d), so attention needs no transpose to
// split or merge the heads. This file is its contract; src/backends/webgpuHeadMatMul.ts provides
// it for webgpu, and attention.ts takes it whenever it is registered.
//
// HEAD_MATMUL_KERNEL {a, b}, attrs HeadMatMulAttrs -> scale * op(A) op(B) per (b, h) pair, where
// op transposes when the flag is set; output 'plain' [B*H, M, Ncols] or 'heads' [B*N, H*hd]
// (then M = N and Ncols = hd).
import * as tf from '@tensorflow/tfjs';

export const HEAD_MATMUL_KERNEL = 'LdaeHeadMatMul';

export type HeadLayout = 'plain' | 'heads';

export interface HeadMatMulAttrs {
  batch: number;
  heads: number;
  tokens: number;
  headDim: number;
  aLayout: HeadLayout;
  bLayout: HeadLayout;
  outLayout: HeadLayout;
  transposeA: boolean;
  transposeB: boolean;
  scale: number;
}

export function hasHeadMatMul(backend: string): boolean {
  return tf.getKernel(HEAD_MATMUL_KERNEL, backend) !== undefined;
}

export function headMatMul(a: tf.Tensor, b: tf.Tensor, attrs: HeadMatMulAttrs): tf.Tensor {
  return tf.engine().runKernel(HEAD_MATMUL_KERNEL, { a, b }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}
