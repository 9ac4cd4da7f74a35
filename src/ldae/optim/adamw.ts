// AdamW (Loshchilov & Hutter): Adam with bias correction and decoupled weight decay, global
// gradient-norm clipping, and the warm-up + cosine schedule, all on the device.
//
// For speed the gradients are concatenated into one flat vector: clipping, the moment updates
// and the Adam direction are a dozen kernels in total instead of a dozen per variable, and the
// moments m, v live in two flat device variables. The step counter also lives on the device,
// so a step uploads nothing and reads nothing back.
import * as tf from '@tensorflow/tfjs';
import { type LrSchedule, lrTensor } from './schedule';

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
  dispose(): void;
}

export function createAdamW(variables: tf.Variable[], options: AdamWOptions): AdamW {
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  const epsilon = options.epsilon ?? 1e-8;
  const weightDecay = options.weightDecay ?? 0;
  const gradClip = options.gradClip ?? 0;
  const sizes = variables.map((v) => v.size);
  const total = sizes.reduce((a, b) => a + b, 0);

  const m = tf.variable(tf.zeros([total]), false);
  const v = tf.variable(tf.zeros([total]), false);
  const stepVar = tf.variable(tf.scalar(0), false);
  const lrVar = tf.variable(tf.scalar(0), false);
  let steps = 0;

  function step(grads: tf.NamedTensorMap | tf.Tensor[]): tf.Scalar {
    const list = Array.isArray(grads) ? grads : variables.map((x) => grads[x.name]);
    list.forEach((g, i) => {
      if (g === undefined) throw new Error(`AdamW: no gradient for variable ${variables[i].name}`);
    });
    const gradNorm = tf.tidy(() => {
      const flat = tf.concat(list.map((g) => tf.reshape(g, [-1])));
      const norm = tf.sqrt(tf.sum(tf.square(flat))) as tf.Scalar;
      const g = gradClip > 0 ? tf.mul(flat, tf.minimum(1, tf.div(gradClip, tf.add(norm, 1e-6)))) : flat;

      const lr = lrTensor(options.schedule, stepVar);
      const t = tf.add(stepVar, 1);
      m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
      v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
      // update = lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
      const stepSize = tf.div(lr, tf.sub(1, tf.pow(beta1, t)));
      const invSqrtBc2 = tf.rsqrt(tf.sub(1, tf.pow(beta2, t)));
      const update = tf.mul(tf.div(m, tf.add(tf.mul(tf.sqrt(v), invSqrtBc2), epsilon)), stepSize);

      const parts = tf.split(update, sizes);
      const decay = weightDecay > 0 ? tf.sub(1, tf.mul(lr, weightDecay)) : null;
      variables.forEach((p, i) => {
        const u = tf.reshape(parts[i], p.shape);
        p.assign(decay && p.rank >= 2 ? tf.sub(tf.mul(p, decay), u) : tf.sub(p, u));
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
    dispose() {
      tf.dispose([m, v, stepVar, lrVar]);
    },
  };
}
