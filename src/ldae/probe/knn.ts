// kNN probe (DINO protocol): k nearest probe-train neighbours by cosine similarity,
// each voting for its label with weight exp(similarity / temperature).
import * as tf from '@tensorflow/tfjs';
import { yieldToEventLoop } from './features';

export interface KnnOptions {
  numClasses: number;
  k: number;
  temperature: number;
  /** Test rows per similarity matmul ([chunk, trainCount] floats alive at once). */
  chunkSize: number;
  onProgress?: (fraction: number) => void;
}

export const DEFAULT_KNN: KnnOptions = { numClasses: 10, k: 20, temperature: 0.07, chunkSize: 256 };

function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => x.div(x.square().sum(1, true).sqrt().maximum(1e-12)) as tf.Tensor2D);
}

/** Test accuracy of the weighted kNN vote; one readback at the end. */
export async function knnAccuracy(
  trainX: tf.Tensor2D,
  trainLabels: ArrayLike<number>,
  testX: tf.Tensor2D,
  testLabels: ArrayLike<number>,
  options: Partial<KnnOptions> = {},
): Promise<number> {
  const opt = { ...DEFAULT_KNN, ...options };
  const nTrain = trainX.shape[0];
  const nTest = testX.shape[0];
  if (trainLabels.length !== nTrain || testLabels.length !== nTest) {
    throw new Error(`knnAccuracy: ${nTrain} train rows vs ${trainLabels.length} labels, ${nTest} test rows vs ${testLabels.length} labels`);
  }
  const k = Math.min(opt.k, nTrain);
  // Stored as [F, nTrain]: a matMul with transposeB is ~20x slower on the wasm backend.
  const trainUnitT = tf.tidy(() => l2Normalize(trainX).transpose());
  const yTrain = tf.tensor1d(Int32Array.from(trainLabels), 'int32');
  const yTest = tf.tensor1d(Int32Array.from(testLabels), 'int32');
  let correct: tf.Scalar = tf.scalar(0);
  try {
    for (let start = 0; start < nTest; start += opt.chunkSize) {
      const size = Math.min(opt.chunkSize, nTest - start);
      const next = tf.tidy(() => {
        const query = l2Normalize(tf.slice(testX, [start, 0], [size, -1]));
        const sim = tf.matMul(query, trainUnitT);
        const { values, indices } = tf.topk(sim, k);
        const neighbourLabels = tf.gather(yTrain, indices.reshape([-1])).reshape([size, k]);
        const weights = values.div(opt.temperature).exp();
        const votes = tf.oneHot(neighbourLabels as tf.Tensor2D, opt.numClasses).mul(weights.expandDims(2)).sum(1);
        const hits = votes.argMax(1).equal(tf.slice(yTest, [start], [size])).cast('float32').sum();
        return correct.add(hits) as tf.Scalar;
      });
      correct.dispose();
      correct = next;
      opt.onProgress?.((start + size) / nTest);
      await yieldToEventLoop();
    }
    const [hits] = await correct.data();
    return hits / nTest;
  } finally {
    for (const t of [trainUnitT, yTrain, yTest, correct]) t.dispose();
  }
}
