// AdamW (Loshchilov & Hutter): Adam with bias correction and decoupled weight decay, global
// gradient-norm clipping, and the warm-up + cosine schedule, all on the device.
//
// Moments m, v and the step counter live on the device, so the lr, bias corrections and clip
// factor are computed there: a step uploads nothing and reads nothing back.
// Layout of m, v: 'flat' (one vector for all parameters: a dozen kernels per step plus one
// split, best where each kernel launch costs, i.e. GPUs) or 'per-variable' (a dozen kernels
// per variable, no split: on wasm every slice copies its whole source tensor, which makes the
// split 5x slower than the per-variable kernels) or 'wasm-fused' (per-variable moments, and the
// whole update is one fused kernel, fusedAdamW.ts, which installKernels('wasm') registers as a JS
// kernel on the wasm heap: src/backends/wasmAdamW.ts). Default: wasm-fused wherever that kernel
// is registered (wasm), per-variable on cpu, else flat. The flat layout runs as flatAdamW.ts's two
// kernels wherever they are registered (webgpu: no uploads, no split). The tfjs-op layouts are the reference.
import * as tf from '@tensorflow/tfjs';
import { deviceScalar, uploadsCost } from '../deviceConstants';
import { adamWApply, adamWKernelAttrs, adamWPrepare, hasFlatAdamWKernels, SC } from './flatAdamW';
import { ensureOwnBuffers, fusedAdamWUpdate, hasFusedAdamW } from './fusedAdamW';
import { type LrSchedule, lrTensor } from './schedule';

export type AdamWLayout = 'flat' | 'per-variable' | 'wasm-fused';

export interface AdamWOptions {
  schedule: LrSchedule;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay coefficient, applied as p <- p - lr * wd * p to matrices only
   *  (rank >= 2; biases, 1-D vectors are not decayed). */
  weightDecay?: number;
  /** Clip the global gradient L2 norm to this value; 0 disables clipping. */
  gradClip?: number;
  layout?: AdamWLayout;
}

export interface AdamW {
  /**
   * One update from gradients (a map keyed by variable name, as tf.variableGrads returns, or an
   * array in `variables` order). Returns the global gradient norm before clipping (a scalar the
   * caller disposes). Does not dispose the gradients.
   */
  step(grads: tf.NamedTensorMap | tf.Tensor[]): tf.Scalar;
  /** variableGrads + step + dispose of the gradients. Returns tensors the caller disposes. */
  minimize(loss: () => tf.Scalar): { loss: tf.Scalar; gradNorm: tf.Scalar };
  /** The lr used by the last step (device scalar owned by the optimizer; do not dispose). */
  readonly lastLr: tf.Scalar;
  /** Number of steps taken. */
  readonly steps: number;
  /** The first and second moments (one entry, flat, or one per variable); for tests. */
  readonly moments: { m: tf.Variable[]; v: tf.Variable[] };
  /** Every variable of the optimizer's state (m, v, step counter, last lr), in a fixed order. */
  readonly stateVariables: tf.Variable[];
  /** After assigning `stateVariables` from a saved state: the step count that state was taken at. */
  restoreSteps(steps: number): void;
  dispose(): void;
}

export function createAdamW(variables: tf.Variable[], options: AdamWOptions): AdamW {
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  const epsilon = options.epsilon ?? 1e-8;
  const weightDecay = options.weightDecay ?? 0;
  const gradClip = options.gradClip ?? 0;
  const backend = tf.getBackend();
  const fused = hasFusedAdamW(backend);
  const layout: AdamWLayout = options.layout ?? (fused ? 'wasm-fused' : backend === 'cpu' ? 'per-variable' : 'flat');
  if (layout === 'wasm-fused' && !fused) {
    throw new Error(`AdamW: layout 'wasm-fused' needs the fused kernel, which installKernels('wasm') registers for the wasm backend; none on ${backend}`);
  }
  const sizes = variables.map((x) => x.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const momentShapes = layout === 'flat' ? [[total]] : variables.map((x) => x.shape);
  const m = momentShapes.map((shape) => zerosVariable(shape));
  const v = momentShapes.map((shape) => zerosVariable(shape));
  const stepVar = zerosVariable([]) as tf.Variable<tf.Rank.R0>;
  const lrVar = zerosVariable([]) as tf.Variable<tf.Rank.R0>;
  let steps = 0;
  const kernelAttrs = adamWKernelAttrs(options.schedule, { beta1, beta2, epsilon, weightDecay, gradClip });

  function step(grads: tf.NamedTensorMap | tf.Tensor[]): tf.Scalar {
    const list = Array.isArray(grads) ? grads : variables.map((x) => grads[x.name]);
    list.forEach((g, i) => {
      if (g === undefined) throw new Error(`AdamW: no gradient for variable ${variables[i].name}`);
    });
    if (layout === 'wasm-fused') {
      const gradNorm = tf.tidy(() => {
        const lr = lrTensor(options.schedule, stepVar);
        const t = tf.add(stepVar, 1) as tf.Scalar;
        const norm = fusedAdamWUpdate(variables, list, m, v, lr, t, { beta1, beta2, epsilon, weightDecay, gradClip });
        stepVar.assign(t);
        lrVar.assign(lr);
        return norm;
      });
      steps++;
      return gradNorm;
    }
    if (layout === 'flat' && hasFlatAdamWKernels(tf.getBackend())) {
      const gradNorm = tf.tidy(() => {
        const flatGrad = tf.concat(list.map((g) => tf.reshape(g, [-1]))) as tf.Tensor1D;
        ensureOwnBuffers([m[0], v[0]]);
        const sc = adamWPrepare(stepVar, flatGrad, m[0], v[0], kernelAttrs);
        let offset = 0;
        variables.forEach((p, i) => {
          p.assign(adamWApply(p, m[0], v[0], sc, offset, weightDecay > 0 && p.rank >= 2));
          offset += sizes[i];
        });
        const at = (k: number) => tf.reshape(tf.slice(sc, [k], [1]), []) as tf.Scalar;
        stepVar.assign(at(SC.t));
        lrVar.assign(at(SC.lr));
        return at(SC.norm);
      });
      steps++;
      return gradNorm;
    }
    const gradNorm = tf.tidy(() => {
      const flatGrad = tf.concat(list.map((g) => tf.reshape(g, [-1])));
      const norm = tf.sqrt(tf.sum(tf.square(flatGrad))) as tf.Scalar;
      const clip = gradClip > 0 ? tf.minimum(1, tf.div(gradClip, tf.add(norm, 1e-6))) : tf.scalar(1);
      const lr = lrTensor(options.schedule, stepVar);
      const t = tf.add(stepVar, 1);
      // m <- b1 m + (1-b1) clip g;  v <- b2 v + (1-b2) clip^2 g^2
      const kM = tf.mul(clip, 1 - beta1);
      const kV = tf.mul(tf.square(clip), 1 - beta2);
      // p <- p - lr/(1-b1^t) * m / (sqrt(v/(1-b2^t)) + eps)
      //    = p - a * m / (sqrt(v) + e),  a = lr sqrt(1-b2^t)/(1-b1^t),  e = eps sqrt(1-b2^t)
      const sqrtBc2 = tf.sqrt(tf.sub(1, tf.pow(beta2, t)));
      const a = tf.div(tf.mul(lr, sqrtBc2), tf.sub(1, tf.pow(beta1, t)));
      const e = tf.mul(sqrtBc2, epsilon);
      const decay = weightDecay > 0 ? tf.sub(1, tf.mul(lr, weightDecay)) : null;
      const adamUpdate = (i: number, g: tf.Tensor) => {
        m[i].assign(tf.add(tf.mul(m[i], beta1), tf.mul(g, kM)));
        v[i].assign(tf.add(tf.mul(v[i], beta2), tf.mul(tf.square(g), kV)));
        return tf.mul(tf.div(m[i], tf.add(tf.sqrt(v[i]), e)), a);
      };
      const flatUpdate = layout === 'flat' ? tf.split(adamUpdate(0, flatGrad), sizes) : null;
      variables.forEach((p, i) => {
        const update = flatUpdate ? tf.reshape(flatUpdate[i], p.shape) : adamUpdate(i, list[i]);
        p.assign(decay && p.rank >= 2 ? tf.sub(tf.mul(p, decay), update) : tf.sub(p, update));
      });
      stepVar.assign(t as tf.Scalar);
      lrVar.assign(lr);
      return norm;
    });
    steps++;
    return gradNorm;
  }

  return {
    step,
    minimize(lossFn) {
      if (uploadsCost()) {
        // tf.variableGrads seeds the backward pass with ones(), an upload per step on a GPU.
        const seed = tf.clone(deviceScalar(1));
        const { value, grads } = tf.engine().gradients(lossFn, variables, seed, true);
        seed.dispose();
        const gradNorm = step(grads);
        tf.dispose(grads);
        return { loss: value as tf.Scalar, gradNorm };
      }
      const { value, grads } = tf.variableGrads(lossFn, variables);
      const gradNorm = step(variables.map((x) => grads[x.name]));
      tf.dispose(grads);
      return { loss: value, gradNorm };
    },
    get lastLr() {
      return lrVar as tf.Scalar;
    },
    get steps() {
      return steps;
    },
    get moments() {
      return { m, v };
    },
    get stateVariables() {
      return [...m, ...v, stepVar, lrVar];
    },
    restoreSteps(n) {
      steps = n;
    },
    dispose() {
      tf.dispose([...m, ...v, stepVar, lrVar]);
    },
  };
}

/** A non-trainable variable of zeros (tf.variable keeps its initial tensor alive: dispose it). */
function zerosVariable(shape: number[]): tf.Variable {
  const init = tf.zeros(shape);
  const variable = tf.variable(init, false);
  init.dispose();
  return variable;
}
