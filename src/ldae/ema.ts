// Exponential moving average of a model's weights: after every optimizer step
// ema <- decay * ema + (1 - decay) * w, starting from the initial weights (no bias correction, so
// it averages over roughly the last 1 / (1 - decay) steps). The probes read the model through
// `swapIn`, which puts the averaged values into the model's own variables for one synchronous
// call and puts the live ones back: no copy of the model, no copy of any buffer.
import * as tf from '@tensorflow/tfjs';

export interface WeightsEma {
  readonly decay: number;
  /** The averaged values, one per source variable, same order. */
  readonly values: readonly tf.Variable[];
  /** One EMA step towards the source variables' current values (call after each optimizer step). */
  update(): void;
  /** Runs the synchronous `fn` with the EMA values in the source variables; the live values are back when it returns or throws. */
  swapIn<T>(fn: () => T): T;
  dispose(): void;
}

export function createWeightsEma(source: readonly tf.Variable[], decay: number): WeightsEma {
  if (!(decay > 0 && decay < 1)) throw new Error(`EMA decay must be in (0, 1), got ${decay}`);
  // tf.variable shares the initial buffer; nothing writes a weight buffer in place (the optimizer
  // and update() assign new tensors), so no copy is needed.
  const values = source.map((v) => tf.variable(v, false));
  const keep = tf.keep(tf.scalar(decay));
  const blend = tf.keep(tf.scalar(1 - decay));
  return {
    decay,
    values,
    update() {
      tf.tidy(() => {
        for (let i = 0; i < values.length; i++) values[i].assign(tf.add(tf.mul(values[i], keep), tf.mul(source[i], blend)));
      });
    },
    swapIn(fn) {
      const live = source.map((v) => tf.keep(tf.clone(v)));
      try {
        source.forEach((v, i) => v.assign(values[i]));
        return fn();
      } finally {
        source.forEach((v, i) => v.assign(live[i]));
        tf.dispose(live);
      }
    },
    dispose() {
      tf.dispose([...values, keep, blend]);
    },
  };
}
