// kNN probe: perfect on features that are the labels, chance on features that carry no label.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupNodeBackend } from '../../src/node/backend';
import { knnAccuracy } from '../../src/ldae/probe/knn';
import { permutation, rng } from '../../src/ldae/random';

beforeAll(async () => {
  await setupNodeBackend('cpu');
});

const CLASSES = 10;

function labelsOf(count: number, seed: number): Uint8Array {
  const random = rng(seed);
  return Uint8Array.from({ length: count }, () => Math.floor(random() * CLASSES));
}

function oneHot(labels: Uint8Array): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES).cast('float32') as tf.Tensor2D);
}

describe('knnAccuracy', () => {
  it('is exactly 1 on features equal to one-hot labels', async () => {
    const trainY = labelsOf(1000, 1);
    const testY = labelsOf(300, 2);
    const trainX = oneHot(trainY);
    const testX = oneHot(testY);
    const before = tf.memory().numTensors;
    // chunkSize smaller than the test set and not a divisor of it: exercises the chunk loop and its tail.
    const acc = await knnAccuracy(trainX, trainY, testX, testY, { numClasses: CLASSES, chunkSize: 128 });
    expect(tf.memory().numTensors).toBe(before);
    expect(acc).toBe(1);
    tf.dispose([trainX, testX]);
  });

  it('is near chance (< 0.2) when the features are one-hot codes of shuffled labels', async () => {
    const trainY = labelsOf(2000, 3);
    const testY = labelsOf(1000, 4);
    const shuffle = (y: Uint8Array, seed: number) => {
      const p = permutation(y.length, rng(seed));
      return Uint8Array.from(p, (i) => y[i]);
    };
    const trainX = oneHot(shuffle(trainY, 5));
    const testX = oneHot(shuffle(testY, 6));
    const acc = await knnAccuracy(trainX, trainY, testX, testY, { numClasses: CLASSES });
    expect(acc).toBeLessThan(0.2);
    expect(acc).toBeGreaterThan(0.02);
    tf.dispose([trainX, testX]);
  });

  it('weights votes by exp(similarity / temperature): two close neighbours outvote three far ones', async () => {
    // Query [1, 0]; class 0 at cosine 0.99 (x2), class 1 at cosine 0.6 (x3). Unweighted majority says 1.
    const angle = (c: number) => [c, Math.sqrt(1 - c * c)];
    const trainX = tf.tensor2d([angle(0.99), angle(0.99), angle(0.6), angle(0.6), angle(0.6)]);
    const trainY = Uint8Array.from([0, 0, 1, 1, 1]);
    const testX = tf.tensor2d([[1, 0]]);
    expect(await knnAccuracy(trainX, trainY, testX, Uint8Array.from([0]), { numClasses: 2, k: 5 })).toBe(1);
    // At a very high temperature the vote becomes a plain majority.
    expect(await knnAccuracy(trainX, trainY, testX, Uint8Array.from([1]), { numClasses: 2, k: 5, temperature: 1e3 })).toBe(1);
    tf.dispose([trainX, testX]);
  });
});
