// The fused AdamW update as one tfjs kernel, FUSED_ADAMW_KERNEL: this file is its contract (name,
// inputs, attributes, outputs) and the optimizer's side of the call. A backend provides it by
// registering a kernel under that name (src/backends/wasmAdamW.ts does, for wasm, from
// installKernels); the tfjs kernel registry is the registry, so this layer never imports a backend.
//
// Inputs: lr, t (device scalars: the step's learning rate and 1-based step), and per variable i
// p{i}, g{i}, m{i}, v{i}. The kernel updates m{i}, v{i} in place and returns
// [gradient norm before clipping, new value of p0, p1, ...] (fresh tensors: see wasmAdamW.ts).
import * as tf from '@tensorflow/tfjs';

export const FUSED_ADAMW_KERNEL = 'LdaeAdamWUpdate';

export interface FusedAdamWAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  gradClip: number;
  /** decay[i]: whether variable i gets weight decay (rank >= 2). */
  decay: boolean[];
  count: number;
}

/** Whether a backend has the fused kernel registered (installKernels does it for wasm). */
export function hasFusedAdamW(backend: string): boolean {
  return tf.getKernel(FUSED_ADAMW_KERNEL, backend) !== undefined;
}

/**
 * Gives every tensor in `vars` its own buffer if its data is shared with another tensor (e.g. the
 * initial value tf.variable() was made from, or a reshape someone still holds), so the kernel's
 * in-place writes touch only the variable. Usually a no-op.
 */
export function ensureOwnBuffers(vars: tf.Variable[]): void {
  const be = tf.backend();
  for (const x of vars) {
    if (be.refCount(x.dataId) > 1) x.assign(tf.tidy(() => tf.add(x, tf.zerosLike(x))));
  }
}

/**
 * One fused update: updates m, v in place and assigns each variable its new value. Returns the
 * global gradient norm before clipping (caller disposes).
 */
export function fusedAdamWUpdate(
  variables: tf.Variable[],
  grads: tf.Tensor[],
  m: tf.Variable[],
  v: tf.Variable[],
  lr: tf.Scalar,
  t: tf.Scalar,
  o: Omit<FusedAdamWAttrs, 'decay' | 'count'>,
): tf.Scalar {
  ensureOwnBuffers([...m, ...v]);
  const inputs: tf.NamedTensorMap = { lr, t };
  variables.forEach((p, i) => {
    inputs[`p${i}`] = p;
    inputs[`g${i}`] = grads[i];
    inputs[`m${i}`] = m[i];
    inputs[`v${i}`] = v[i];
  });
  const attrs: FusedAdamWAttrs = { ...o, decay: variables.map((p) => p.rank >= 2), count: variables.length };
  const [norm, ...updated] = tf.engine().runKernel(FUSED_ADAMW_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  variables.forEach((p, i) => {
    p.assign(updated[i]);
    updated[i].dispose();
  });
  return norm as tf.Scalar;
}
