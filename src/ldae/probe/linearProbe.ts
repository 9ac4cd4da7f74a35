// Linear probe: softmax regression on frozen features, trained from scratch at every
// evaluation on the device. Adam with a cosine-decayed lr and an L2 penalty; zero init
// (the problem is convex, so zero init is deterministic and loses nothing).
// Defaults (measured on raw Fashion-MNIST pixels, 10,000 / 2,000, three subsets): with
// weightDecay 0.01 the test accuracy hardly depends on lr or step budget (0.840-0.841 for lr
// 0.01-0.04, 200-400 steps), while weak decay makes it an early-stopping number (lr 0.02,
// 1e-3: 0.835). Few, large steps: WebGPU cost is per dispatch (~20 per step here).
//
// Speed (wasm backend): per-step tf.gather costs several times the matmuls and tf.slice
// copies its whole input, so the rows are cut once into fixed seeded-random mini-batches
// (one gather each), visited in a fresh seeded order every epoch.
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, permutation, rng } from '../random';
import { yieldToEventLoop } from './features';

export interface LinearProbeOptions {
  numClasses: number;
  /** Optimisation steps in all (whole epochs, at least this many steps): small sets still converge. */
  steps: number;
  batchSize: number;
  lr: number;
  /** L2 penalty weightDecay/2 * ||W||^2 added to the mean cross-entropy. */
  weightDecay: number;
  seed: number;
  /** Fraction of training done, after every epoch. */
  onProgress?: (fraction: number) => void;
}

export const DEFAULT_LINEAR_PROBE: LinearProbeOptions = {
  numClasses: 10,
  steps: 200,
  batchSize: 512,
  lr: 0.04,
  weightDecay: 0.01,
  seed: 1,
};

export interface LinearProbeResult {
  trainAcc: number;
  testAcc: number;
  /** Frobenius norm of the learned weights (bias row left out). */
  weightNorm: number;
  /** Adam steps taken: `steps` rounded up to whole epochs. */
  steps: number;
}

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPS = 1e-8;

/** [x, 1]: a constant-1 last column, so that the last row of W is the bias. */
export function withBiasColumn(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.concat2d([x, tf.ones([x.shape[0], 1])], 1));
}

/**
 * Gradient of mean softmax cross-entropy + 1/2 sum(decay * W^2) for logits = x W, with x from
 * withBiasColumn and decay [F+1, 1] (0 on the bias row): dW = x^T (softmax(x W) - y) / B + decay * W.
 */
export function softmaxRegressionGrad(x: tf.Tensor2D, yOneHot: tf.Tensor2D, W: tf.Tensor2D, decay: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const dlogits = tf.softmax(tf.matMul(x, W)).sub(yOneHot).div(x.shape[0]) as tf.Tensor2D;
    return tf.matMul(x, dlogits, true, false).add(W.mul(decay)) as tf.Tensor2D;
  });
}

function zeroVariable(shape: [number, number]): tf.Variable<tf.Rank.R2> {
  const init = tf.zeros<tf.Rank.R2>(shape);
  const variable = tf.variable(init, false);
  init.dispose();
  return variable;
}

/** Fraction of rows whose argmax logit equals the label, as a scalar tensor. */
function accuracy(x: tf.Tensor2D, y: tf.Tensor1D, W: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.matMul(withBiasColumn(x), W).argMax(1).equal(y).cast('float32').mean() as tf.Scalar);
}

/**
 * Trains softmax regression on trainX (standardised features) and reports train and test
 * accuracy. All steps stay on the device; the two accuracies are read back once at the end.
 */
export async function linearProbe(
  trainX: tf.Tensor2D,
  trainLabels: ArrayLike<number>,
  testX: tf.Tensor2D,
  testLabels: ArrayLike<number>,
  options: Partial<LinearProbeOptions> = {},
): Promise<LinearProbeResult> {
  const opt = { ...DEFAULT_LINEAR_PROBE, ...options };
  const [n, f] = trainX.shape;
  const c = opt.numClasses;
  if (trainLabels.length !== n || testLabels.length !== testX.shape[0]) {
    throw new Error(`linearProbe: ${n} train rows vs ${trainLabels.length} labels, ${testX.shape[0]} test rows vs ${testLabels.length} labels`);
  }
  const random = rng(deriveSeed(opt.seed, 'linear-probe'));
  const batches = Math.ceil(n / opt.batchSize);
  const epochs = Math.ceil(opt.steps / batches);
  const totalSteps = batches * epochs;

  const shuffle = permutation(n, random);
  const miniBatches = Array.from({ length: batches }, (_, i) =>
    tf.tidy(() => {
      const rows = shuffle.subarray(i * opt.batchSize, Math.min((i + 1) * opt.batchSize, n));
      const labels = tf.tensor1d(Int32Array.from(rows, (r) => trainLabels[r]), 'int32');
      return {
        x: withBiasColumn(tf.gather(trainX, tf.tensor1d(rows, 'int32'))),
        y: tf.oneHot(labels, c).cast('float32') as tf.Tensor2D,
      };
    }),
  );
  const decay = tf.tidy(() => tf.concat2d([tf.fill([f, 1], opt.weightDecay), tf.zeros([1, 1])], 0));
  const W = zeroVariable([f + 1, c]);
  const m = zeroVariable([f + 1, c]);
  const v = zeroVariable([f + 1, c]);
  const yTrain = tf.tensor1d(Int32Array.from(trainLabels), 'int32');
  const yTest = tf.tensor1d(Int32Array.from(testLabels), 'int32');
  try {
    let step = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (const batch of permutation(batches, random)) {
        step++;
        const lr = 0.5 * opt.lr * (1 + Math.cos((Math.PI * (step - 1)) / totalSteps));
        // Adam with the bias corrections folded into the step size (Kingma & Ba, sec. 2).
        const correction = Math.sqrt(1 - ADAM_BETA2 ** step);
        const stepSize = (lr * correction) / (1 - ADAM_BETA1 ** step);
        tf.tidy(() => {
          const { x, y } = miniBatches[batch];
          const g = softmaxRegressionGrad(x, y, W, decay);
          m.assign(m.mul(ADAM_BETA1).add(g.mul(1 - ADAM_BETA1)));
          v.assign(v.mul(ADAM_BETA2).add(g.square().mul(1 - ADAM_BETA2)));
          W.assign(W.sub(m.div(v.sqrt().add(ADAM_EPS * correction)).mul(stepSize)));
        });
      }
      opt.onProgress?.((epoch + 1) / epochs);
      await yieldToEventLoop();
    }
    const accs = tf.tidy(() => tf.stack([accuracy(trainX, yTrain, W), accuracy(testX, yTest, W), tf.norm(tf.slice(W, [0, 0], [f, c]))]));
    const [trainAcc, testAcc, weightNorm] = await accs.data();
    accs.dispose();
    return { trainAcc, testAcc, weightNorm, steps: totalSteps };
  } finally {
    for (const t of [...miniBatches.flatMap(({ x, y }) => [x, y]), decay, W, m, v, yTrain, yTest]) t.dispose();
  }
}
