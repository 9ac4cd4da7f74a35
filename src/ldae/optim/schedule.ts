// Learning rate: linear warm-up, then cosine decay to minFactor * base at the last step.
// Step s is 0-based (the s-th update). The same formula exists in JS (for metrics and the UI)
// and on the device (so the optimizer needs no per-step upload).
import * as tf from '@tensorflow/tfjs';

export interface LrSchedule {
  base: number;
  warmupSteps: number;
  totalSteps: number;
  /** lr at the last step as a fraction of base (0 = decay to 0). */
  minFactor: number;
}

export function lrSchedule(base: number, warmupSteps: number, totalSteps: number, minFactor = 0): LrSchedule {
  return { base, warmupSteps, totalSteps, minFactor };
}

/**
 * lr(s) = base * (s+1)/warmup for s < warmup (step 0 already learns, step warmup-1 reaches base);
 * then base * (minFactor + (1-minFactor) * (1 + cos(pi * p)) / 2), p = (s-warmup)/(total-warmup-1)
 * clipped to [0,1], so lr(warmup) = base and lr(total-1) = minFactor * base.
 */
export function lrAt(s: LrSchedule, step: number): number {
  const warm = s.warmupSteps > 0 ? Math.min(1, (step + 1) / s.warmupSteps) : 1;
  const p = Math.min(1, Math.max(0, (step - s.warmupSteps) / Math.max(1, s.totalSteps - s.warmupSteps - 1)));
  return s.base * warm * (s.minFactor + ((1 - s.minFactor) * (1 + Math.cos(Math.PI * p))) / 2);
}

/** lrAt on the device: `step` is a float32 scalar holding the 0-based step. */
export function lrTensor(s: LrSchedule, step: tf.Scalar): tf.Scalar {
  return tf.tidy(() => {
    const warm = s.warmupSteps > 0 ? tf.minimum(1, tf.div(tf.add(step, 1), s.warmupSteps)) : tf.scalar(1);
    const p = tf.clipByValue(tf.div(tf.sub(step, s.warmupSteps), Math.max(1, s.totalSteps - s.warmupSteps - 1)), 0, 1);
    const cosine = tf.add(s.minFactor, tf.mul((1 - s.minFactor) / 2, tf.add(1, tf.cos(tf.mul(p, Math.PI)))));
    return tf.mul(tf.mul(warm, cosine), s.base) as tf.Scalar;
  });
}
