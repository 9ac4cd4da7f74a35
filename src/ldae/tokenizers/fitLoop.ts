// The optimisation loop shared by the learned tokenizers (patch AE, patch VAE, conv VAE):
// Adam with a cosine learning-rate decay, one seeded minibatch per step, and one readback
// (training loss + deterministic reconstruction MSE) every `readbackEvery` steps.
import * as tf from '@tensorflow/tfjs';
import type { TokenizerFitProgress } from './types';

export interface FitCurvePoint {
  step: number;
  /** The training objective on that step's minibatch (MSE term + beta * KL for the VAEs). */
  loss: number;
  /** Per-pixel MSE of that minibatch, reconstructed from the latent mean (no sampling). */
  reconMse: number;
}

export interface FitLoopOptions {
  variables: tf.Variable[];
  steps: number;
  learningRate: number;
  /** Final learning rate as a fraction of `learningRate` (cosine decay from 1 to this). */
  finalLrFraction?: number;
  readbackEvery: number;
  /** The minibatch for a step (seeded by the caller); disposed by the loop. */
  batch: (step: number) => tf.Tensor;
  /** Training objective for the minibatch; `step` seeds the VAE's reparameterisation noise. */
  loss: (batch: tf.Tensor, step: number) => tf.Scalar;
  /** Per-pixel reconstruction MSE of the minibatch through the latent mean. */
  reconMse: (batch: tf.Tensor) => tf.Scalar;
  onProgress?: (p: TokenizerFitProgress) => void;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

function cosineLr(step: number, steps: number, lr: number, finalFraction: number): number {
  const progress = steps <= 1 ? 1 : step / (steps - 1);
  return lr * (finalFraction + (1 - finalFraction) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** Runs the loop; resolves to the loss / reconstruction curve (one point per readback). */
export async function runFitLoop(opts: FitLoopOptions): Promise<FitCurvePoint[]> {
  const { variables, steps, readbackEvery } = opts;
  const finalFraction = opts.finalLrFraction ?? 0.02;
  const zeros = (v: tf.Variable) => tf.tidy(() => tf.variable(tf.zerosLike(v), false));
  const m = variables.map(zeros);
  const v2 = variables.map(zeros);
  const curve: FitCurvePoint[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      const batch = opts.batch(step);
      const lr = cosineLr(step, steps, opts.learningRate, finalFraction);
      const readback = (step + 1) % readbackEvery === 0 || step === steps - 1;
      const lossValue = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => opts.loss(batch, step), variables);
        const c1 = 1 - BETA1 ** (step + 1);
        const c2 = 1 - BETA2 ** (step + 1);
        variables.forEach((variable, i) => {
          const g = grads[variable.name];
          m[i].assign(m[i].mul(BETA1).add(g.mul(1 - BETA1)));
          v2[i].assign(v2[i].mul(BETA2).add(g.square().mul(1 - BETA2)));
          const update = m[i].div(c1).div(v2[i].div(c2).sqrt().add(EPSILON)).mul(lr);
          variable.assign(variable.sub(update));
        });
        return value;
      });
      if (!readback) lossValue.dispose();
      else {
        const recon = tf.tidy(() => opts.reconMse(batch));
        const [l, r] = await Promise.all([lossValue.data(), recon.data()]);
        lossValue.dispose();
        recon.dispose();
        curve.push({ step: step + 1, loss: l[0], reconMse: r[0] });
        opts.onProgress?.({ fraction: (step + 1) / steps, reconMse: r[0] });
        // On wasm/cpu the readback resolves as a microtask: yield a macrotask so a worker can post
        // the progress and take messages while a tokenizer fits (once per readback, ~4 ms at most).
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      batch.dispose();
    }
  } finally {
    m.forEach((t) => t.dispose());
    v2.forEach((t) => t.dispose());
  }
  return curve;
}

/** Reads every variable back to the CPU as named Float32Arrays (for the tokenizer's serialised form). */
export async function readVariables(named: Record<string, tf.Tensor>): Promise<Record<string, { shape: number[]; data: Float32Array }>> {
  const entries = Object.entries(named);
  const data = await Promise.all(entries.map(([, t]) => t.data() as Promise<Float32Array>));
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  entries.forEach(([name, t], i) => {
    out[name] = { shape: [...t.shape], data: Float32Array.from(data[i]) };
  });
  return out;
}
