// The flat-layout AdamW step as two kernels, ADAMW_PREPARE_KERNEL and ADAMW_APPLY_KERNEL: this
// file is their contract and the optimizer's side of the call. A backend provides them by
// registering kernels under these names (src/backends/webgpuAdamW.ts does, for webgpu); adamw.ts's
// 'flat' layout uses them whenever both are registered for the active backend, its tfjs-op
// composite otherwise (the reference path). The kernel registry is the registry.
//
// ADAMW_PREPARE_KERNEL {step, g, m, v}, attrs AdamWKernelAttrs: step is the float32 scalar
// 0-based step count, g the flat gradient [total], m and v the flat moments [total]. It updates m
// and v in place (m <- b1 m + (1-b1) c g, v <- b2 v + (1-b2) c^2 g^2, c = the clip factor) and
// returns sc [8] = [lr, t, a, e, decay, norm, kM, kV]: lr = the schedule at `step`, t = step + 1,
// a = lr sqrt(1-b2^t)/(1-b1^t), e = eps sqrt(1-b2^t), decay = 1 - lr wd, norm = |g| before clipping,
// kM = c (1-b1), kV = c^2 (1-b2).
// ADAMW_APPLY_KERNEL {p, m, v, sc}, attrs {offset, decay}: p's new value,
// (decay ? p sc[4] : p) - sc[2] m[offset + i] / (sqrt(v[offset + i]) + sc[3]) (a fresh tensor).
import * as tf from '@tensorflow/tfjs';
import type { LrSchedule } from './schedule';

export const ADAMW_PREPARE_KERNEL = 'LdaeAdamWPrepare';
export const ADAMW_APPLY_KERNEL = 'LdaeAdamWApply';

/** Indices into the prepare kernel's output. */
export const SC = { lr: 0, t: 1, a: 2, e: 3, decay: 4, norm: 5, kM: 6, kV: 7 } as const;

export interface AdamWKernelAttrs {
  base: number;
  warmupSteps: number;
  totalSteps: number;
  minFactor: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  gradClip: number;
}

export function hasFlatAdamWKernels(backend: string): boolean {
  return tf.getKernel(ADAMW_PREPARE_KERNEL, backend) !== undefined && tf.getKernel(ADAMW_APPLY_KERNEL, backend) !== undefined;
}

export function adamWKernelAttrs(s: LrSchedule, o: Omit<AdamWKernelAttrs, 'base' | 'warmupSteps' | 'totalSteps' | 'minFactor'>): AdamWKernelAttrs {
  return { base: s.base, warmupSteps: s.warmupSteps, totalSteps: s.totalSteps, minFactor: s.minFactor, ...o };
}

/** Updates m, v in place (they must own their buffers) and returns sc [8]. */
export function adamWPrepare(step: tf.Scalar, g: tf.Tensor1D, m: tf.Variable, v: tf.Variable, attrs: AdamWKernelAttrs): tf.Tensor1D {
  return tf.engine().runKernel(ADAMW_PREPARE_KERNEL, { step, g, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor1D;
}

export function adamWApply(p: tf.Tensor, m: tf.Tensor, v: tf.Tensor, sc: tf.Tensor1D, offset: number, decay: boolean): tf.Tensor {
  return tf.engine().runKernel(ADAMW_APPLY_KERNEL, { p, m, v, sc }, { offset, decay } as unknown as tf.NamedAttrMap) as tf.Tensor;
}
