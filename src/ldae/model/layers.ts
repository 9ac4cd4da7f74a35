// Building blocks of the DiT block, with hand-written gradients where tfjs' defaults are slow.
//
// Why (measured with tfjs-backend-wasm 4.22, see `npm run bench -- --backends node:wasm --profile`): the wasm backend runs
// matMul through XNNPACK only when neither operand is transposed and both have batch 1; with a
// transpose flag it falls back to a naive loop ~15x slower, and the default matMul gradient uses
// exactly those flags. Its 2D transpose is a naive strided loop, ~7x slower than the same
// permutation written as a 3D transpose; reductions over a non-innermost axis transpose first.
// So `linear` transposes explicitly (3D form) and gets bias gradients from a ones-row matmul.
// Transcendentals (erf, tanh, exp) are scalar libm calls on wasm while sigmoid is XNNPACK SIMD,
// hence GELU written through sigmoid.
import * as tf from '@tensorflow/tfjs';
import { scalarArg, uploadsCost } from '../deviceConstants';
import { GELU_C1, GELU_C3, fusedGelu, fusedGeluGrad, hasFusedGelu } from './fusedGelu';
import { hasFusedLayerNorm, lnStats, modLn, modLnParamGrad, modLnXGrad } from './fusedLayerNorm';

export const LN_EPS = 1e-6; // DiT

type CustomGradFn = Parameters<typeof tf.customGrad>[0];

const onWasm = () => tf.getBackend() === 'wasm';

/** [M,K] -> [K,M]. On wasm via a 3D transpose when M is even (much faster there). */
function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  const [m, k] = x.shape;
  if (!onWasm() || m % 2 !== 0 || m < 64) return tf.transpose(x);
  return tf.reshape(tf.transpose(tf.reshape(x, [2, m / 2, k]), [2, 0, 1]), [k, m]);
}

/** x [M,K] @ w [K,O] + b: one fused kernel forward; fast-path matmuls backward. */
export const linear = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x, b: w, bias: b }),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      if (!onWasm()) {
        return [tf.matMul(dy, ws, false, true), tf.matMul(xs, dy, true, false), tf.sum(dy, 0)];
      }
      const [m, k] = xs.shape;
      const n = dy.shape[1];
      const dx = tf.matMul(dy, transpose2d(ws));
      // dW = x^T dy. XNNPACK packs the right operand on every call (it caches packed weights by
      // tensor id; activations are new each step) and packing costs more than a 3D transpose, so
      // the smaller activation goes on the right and the larger one is transposed.
      // The bias gradient reuses dy's packing (ones-row matmul right after) or its transpose.
      if (k >= n) return [dx, tf.matMul(transpose2d(xs), dy), tf.reshape(tf.matMul(tf.ones([1, m]), dy), [n])];
      const dyT = transpose2d(dy);
      return [dx, transpose2d(tf.matMul(dyT, xs)), tf.sum(dyT, 1)];
    },
  };
}) as unknown as CustomGradFn) as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/** Sums g over the axes where `shape` is 1 and g is not (undoes broadcasting). */
function sumToShape(g: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = shape.flatMap((s, i) => (s === 1 && g.shape[i] !== 1 ? [i] : []));
  return axes.length === 0 ? g : tf.sum(g, axes, true);
}

/**
 * adaLN modulation of a LayerNorm without affine parameters (DiT's norm1/norm2/norm_final):
 * y = LN(x) * (1 + scale) + shift, over the last axis. x [B,N,W]; shift, scale [B or 1, 1, W].
 */
export const modulatedLayerNorm = tf.customGrad(((x: tf.Tensor, shift: tf.Tensor, scale: tf.Tensor, save: tf.GradSaveFunc) => {
  if (hasFusedLayerNorm(tf.getBackend())) return fusedModulatedLayerNorm(x, shift, scale, save);
  const xc = tf.sub(x, tf.mean(x, -1, true)); // (tf.moments adds a cast = a copy on wasm)
  const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), LN_EPS));
  const xhat = tf.mul(xc, rstd);
  const scale1 = tf.add(scale, 1);
  save([xhat, rstd, scale1]);
  return {
    value: tf.add(tf.mul(xhat, scale1), shift),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xh, rs, s1] = saved;
      const dShift = sumToShape(dy, shift.shape);
      const dScale = sumToShape(tf.mul(dy, xh), scale.shape);
      const g = tf.mul(dy, s1);
      const meanG = tf.mean(g, -1, true);
      const meanGx = tf.mean(tf.mul(g, xh), -1, true);
      const dx = tf.mul(tf.sub(tf.sub(g, meanG), tf.mul(xh, meanGx)), rs);
      return [dx, dShift, dScale];
    },
  };
}) as unknown as CustomGradFn) as (x: tf.Tensor, shift: tf.Tensor, scale: tf.Tensor) => tf.Tensor;

/** modulatedLayerNorm through fusedLayerNorm.ts's kernels: saves x and the row stats only. */
function fusedModulatedLayerNorm(x: tf.Tensor, shift: tf.Tensor, scale: tf.Tensor, save: tf.GradSaveFunc) {
  const stats = lnStats(x, LN_EPS);
  save([x, stats, scale]);
  return {
    value: modLn(x, stats, shift, scale),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, st, sc] = saved;
      const dShift = modLnParamGrad(dy, xs, st, false, shift.shape[0]);
      const dScale = modLnParamGrad(dy, xs, st, true, scale.shape[0]);
      return [modLnXGrad(dy, xs, st, sc), dShift, dScale];
    },
  };
}

/**
 * GELU, tanh approximation (DiT: nn.GELU(approximate="tanh")):
 * 0.5 x (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3))) = x * sigmoid(z), z = 2 sqrt(2/pi)(x + 0.044715 x^3).
 * One kernel each way where the backend has fusedGelu.ts's kernels (webgpu), tfjs ops otherwise.
 */
export const gelu = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  if (hasFusedGelu(tf.getBackend())) {
    save([x]);
    return { value: fusedGelu(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [fusedGeluGrad(dy, saved[0])] };
  }
  const x2 = tf.square(x);
  const s = tf.sigmoid(tf.mul(x, tf.add(tf.mul(x2, GELU_C3), GELU_C1)));
  save([x, x2, s]);
  return {
    value: tf.mul(x, s),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, xs2, sg] = saved;
      // d/dx x s(z) = s + x s (1 - s) z',  z' = C1 + 3 C3 x^2
      const dz = tf.add(tf.mul(xs2, 3 * GELU_C3), GELU_C1);
      const ds = tf.mul(tf.sub(sg, tf.square(sg)), tf.mul(xs, dz));
      return [tf.mul(dy, tf.add(sg, ds))];
    },
  };
}) as unknown as CustomGradFn) as (x: tf.Tensor) => tf.Tensor;

export function silu(x: tf.Tensor): tf.Tensor {
  return uploadsCost() ? siluCustomGrad(x) : tf.mul(x, tf.sigmoid(x));
}

/** x sigmoid(x) with d/dx = s (1 + x (1 - s)) written out: tfjs' Sigmoid gradient uploads a 1 every call. */
const siluCustomGrad = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const s = tf.sigmoid(x);
  save([x, s]);
  return {
    value: tf.mul(x, s),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, sg] = saved;
      const one = scalarArg(1);
      return [tf.mul(dy, tf.mul(sg, tf.add(one, tf.mul(xs, tf.sub(one, sg)))))];
    },
  };
}) as unknown as CustomGradFn) as (x: tf.Tensor) => tf.Tensor;
