// The adaLN-modulated LayerNorm (layers.ts modulatedLayerNorm) as four kernels: this file is
// their contract. A backend provides them by registering kernels under these names
// (src/backends/webgpuLayerNorm.ts does, for webgpu: 2 dispatches forward instead of 10, 3
// backward instead of 12); modulatedLayerNorm uses them whenever all four are registered for the
// active backend, its tfjs-op composite otherwise. The kernel registry is the registry.
//
// x [B, N, W] (rows r = b N + n); shift, scale [P, 1, W] with P = B (per-sample) or 1.
// - LN_STATS_KERNEL {x}, attrs {eps} -> stats [B*N, 2]: per row mean and rstd = 1/sqrt(var + eps).
// - MOD_LN_KERNEL {x, stats, shift, scale} -> y = (x - mean) rstd (1 + scale) + shift.
// - MOD_LN_PARAM_GRAD_KERNEL {dy, x, stats}, attrs {withXhat, paramBatch} -> [P, 1, W]: the sum
//   over the rows of each p of dy (withXhat false: dShift) or dy xhat (true: dScale).
// - MOD_LN_X_GRAD_KERNEL {dy, x, stats, scale} -> dx = rstd (g - mean(g) - xhat mean(g xhat)),
//   g = dy (1 + scale).
import * as tf from '@tensorflow/tfjs';

export const LN_STATS_KERNEL = 'LdaeLnStats';
export const MOD_LN_KERNEL = 'LdaeModLn';
export const MOD_LN_PARAM_GRAD_KERNEL = 'LdaeModLnParamGrad';
export const MOD_LN_X_GRAD_KERNEL = 'LdaeModLnXGrad';
const KERNELS = [LN_STATS_KERNEL, MOD_LN_KERNEL, MOD_LN_PARAM_GRAD_KERNEL, MOD_LN_X_GRAD_KERNEL];

export function hasFusedLayerNorm(backend: string): boolean {
  return KERNELS.every((k) => tf.getKernel(k, backend) !== undefined);
}

const run = (name: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown> = {}) =>
  tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;

export function lnStats(x: tf.Tensor, eps: number): tf.Tensor {
  return run(LN_STATS_KERNEL, { x }, { eps });
}

export function modLn(x: tf.Tensor, stats: tf.Tensor, shift: tf.Tensor, scale: tf.Tensor): tf.Tensor {
  return run(MOD_LN_KERNEL, { x, stats, shift, scale });
}

export function modLnParamGrad(dy: tf.Tensor, x: tf.Tensor, stats: tf.Tensor, withXhat: boolean, paramBatch: number): tf.Tensor {
  return run(MOD_LN_PARAM_GRAD_KERNEL, { dy, x, stats }, { withXhat, paramBatch });
}

export function modLnXGrad(dy: tf.Tensor, x: tf.Tensor, stats: tf.Tensor, scale: tf.Tensor): tf.Tensor {
  return run(MOD_LN_X_GRAD_KERNEL, { dy, x, stats, scale });
}
