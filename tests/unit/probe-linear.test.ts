// Linear probe: exact gradients, separable data is learned, seeded runs repeat, no leaks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupNodeBackend } from '../../src/node/backend';
import { linearProbe, softmaxRegressionGrad, withBiasColumn } from '../../src/ldae/probe/linearProbe';
import { rng } from '../../src/ldae/random';

beforeAll(async () => {
  await setupNodeBackend('cpu');
});

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Points labelled by argmax of a random linear map, keeping only those with a top-2 logit gap >= margin. */
function separableSet(count: number, dim: number, classes: number, seed: number, margin = 0.5) {
  const random = rng(seed);
  const Wtrue = Array.from({ length: dim * classes }, () => gaussian(random));
  const x = new Float32Array(count * dim);
  const labels = new Uint8Array(count);
  for (let kept = 0; kept < count; ) {
    const row = Array.from({ length: dim }, () => gaussian(random));
    const logits = Array.from({ length: classes }, (_, c) => row.reduce((s, v, j) => s + v * Wtrue[j * classes + c], 0));
    const sorted = [...logits].sort((a, b) => b - a);
    if (sorted[0] - sorted[1] < margin) continue;
    x.set(row, kept * dim);
    labels[kept] = logits.indexOf(sorted[0]);
    kept++;
  }
  return { x: tf.tensor2d(x, [count, dim]), labels };
}

describe('softmaxRegressionGrad', () => {
  it('equals autodiff of mean cross-entropy + weightDecay/2 ||W||^2 (bias = last row, not decayed)', async () => {
    const random = rng(3);
    const x = tf.tensor2d(Array.from({ length: 6 * 5 }, () => gaussian(random)), [6, 5]);
    const y = tf.oneHot(tf.tensor1d([0, 2, 1, 3, 3, 0], 'int32'), 4).cast('float32') as tf.Tensor2D;
    const W = tf.tensor2d(Array.from({ length: 5 * 4 }, () => gaussian(random)), [5, 4]);
    const b = tf.tensor1d([0.1, -0.2, 0.3, 0]);
    const wd = 0.05;
    const loss = (w: tf.Tensor2D, bias: tf.Tensor1D) =>
      tf.losses.softmaxCrossEntropy(y, tf.matMul(x, w).add(bias)).add(tf.sum(tf.square(w)).mul(wd / 2)) as tf.Scalar;
    const [autoW, autoB] = tf.grads((w, bias) => loss(w as tf.Tensor2D, bias as tf.Tensor1D))([W, b]);
    const Wb = tf.concat([W, b.reshape([1, 4])], 0) as tf.Tensor2D;
    const decay = tf.tensor2d([wd, wd, wd, wd, wd, 0], [6, 1]);
    const grad = softmaxRegressionGrad(withBiasColumn(x), y, Wb, decay);
    const expected = tf.concat([autoW, autoB.reshape([1, 4])], 0);
    const maxAbs = async (t: tf.Tensor) => (await tf.max(tf.abs(t)).data())[0];
    expect(await maxAbs(grad.sub(expected))).toBeLessThan(1e-6);
    // The gradient is not trivially zero.
    expect(await maxAbs(grad)).toBeGreaterThan(1e-3);
    tf.dispose([x, y, W, b, autoW, autoB, Wb, decay, grad, expected]);
  });
});

describe('linearProbe', () => {
  it('reaches >= 0.99 test accuracy on a linearly separable set, and repeats exactly with the same seed', async () => {
    // Labels = argmax of a random linear map (logit std ~4) with a top-2 gap of at least 2.
    const all = separableSet(2500, 16, 10, 11, 2);
    const trainX = all.x.slice([0, 0], [2000, 16]) as tf.Tensor2D;
    const testX = all.x.slice([2000, 0], [500, 16]) as tf.Tensor2D;
    const trainY = all.labels.subarray(0, 2000);
    const testY = all.labels.subarray(2000);
    all.x.dispose();

    const before = tf.memory().numTensors;
    const first = await linearProbe(trainX, trainY, testX, testY, { numClasses: 10, seed: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(first.testAcc).toBeGreaterThanOrEqual(0.99);
    expect(first.trainAcc).toBeGreaterThanOrEqual(0.99);

    const again = await linearProbe(trainX, trainY, testX, testY, { numClasses: 10, seed: 5 });
    expect(again).toEqual(first);

    // Against shuffled labels the same probe cannot generalise: guards against a probe that reads test labels.
    const shuffledTest = Uint8Array.from(testY, (_, i) => testY[(i * 7919 + 13) % testY.length]);
    const chance = await linearProbe(trainX, trainY, testX, shuffledTest, { numClasses: 10, seed: 5 });
    expect(chance.testAcc).toBeLessThan(0.25);
    tf.dispose([trainX, testX]);
  });
});

describe('linearProbe settings', () => {
  it('stronger weight decay learns smaller weights; the step budget is honoured in whole epochs', async () => {
    const all = separableSet(1024, 8, 4, 21, 0.5);
    const labels = all.labels;
    const run = (weightDecay: number, steps: number) => linearProbe(all.x, labels, all.x, labels, { numClasses: 4, seed: 3, weightDecay, steps, batchSize: 512 });
    const weak = await run(0.001, 400);
    const strong = await run(0.3, 400);
    expect(weak.weightNorm).toBeGreaterThan(0);
    expect(strong.weightNorm).toBeLessThan(0.5 * weak.weightNorm);
    // 1024 rows at batch 512 = 2 batches per epoch: 400 steps exactly, 11 -> 12 (6 epochs).
    expect(weak.steps).toBe(400);
    expect((await run(0.01, 11)).steps).toBe(12);
    // More steps from zero init move the weights further (a convex problem, lr 0.04).
    expect((await run(0.001, 10)).weightNorm).toBeLessThan(weak.weightNorm);
    all.x.dispose();
  });
});
