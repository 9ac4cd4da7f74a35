// The denoising visualizer's data: fixed sample images, corrupted at chosen levels t, and what
// the network makes of them. Same images and same eps for the same sampleSeed, so snapshots at
// different training steps are comparable.
import * as tf from '@tensorflow/tfjs';
import type { Snapshot, SnapshotRow } from '../types/run';
import { toFloatImages } from './floatImages';
import type { LdaeModel } from './ldaeModel';
import { patchify, unpatchify } from './patches';
import { deriveSeed, rng, sampleWithoutReplacement } from './random';

/** Display range for predictions (an eps prediction at gamma ~ 0 implies huge z0). */
const DISPLAY_MIN = -0.5;
const DISPLAY_MAX = 1.5;

export async function takeSnapshot(
  model: LdaeModel,
  images: tf.Tensor4D,
  levels: number[],
  sampleSeed: number,
  step: number,
  count = 8,
): Promise<Snapshot> {
  const { cfg, tokenizer, imageSide: side } = model;
  const P = tokenizer.patchSize;
  const pick = sampleWithoutReplacement(images.shape[0], count, rng(deriveSeed(sampleSeed, 'snapshot-images')));
  const x0 = tf.tidy(() => tf.gather(images, tf.tensor1d(pick, 'int32')) as tf.Tensor4D);
  const B = x0.shape[0];
  const rows: SnapshotRow[] = [];
  for (let li = 0; li < levels.length; li++) {
    const t = levels[li];
    const tArr = new Float32Array(B).fill(t);
    const noise = model.noise(tArr, deriveSeed(sampleSeed, 'snapshot-eps', li));
    const tT = tf.tensor1d(tArr);
    const pass = model.pass(x0, tT, noise);
    const [noisedDecoded, networkInput, prediction, patchError] = tf.tidy(() => {
      const noisedDecoded = tokenizer.decode(pass.zt, side);
      const networkInput = cfg.inputSpace === 'pixel' ? unpatchify(pass.input, P, side) : noisedDecoded;
      let predictedPixels: tf.Tensor4D;
      if (cfg.outputSpace === 'pixel') {
        predictedPixels = unpatchify(pass.prediction, P, side);
      } else if (cfg.target === 'z0') {
        predictedPixels = tokenizer.decode(pass.prediction, side);
      } else {
        // eps prediction: the implied clean latent z0_hat = (z_t - sigma_t eps_hat) / gamma_t.
        const g = noise.gamma.maximum(1e-4).reshape([-1, 1, 1]);
        const zHat = pass.zt.sub(pass.prediction.mul(noise.sigma.reshape([-1, 1, 1]))).div(g) as tf.Tensor3D;
        predictedPixels = tokenizer.decode(zHat, side);
      }
      const prediction = predictedPixels.clipByValue(DISPLAY_MIN, DISPLAY_MAX) as tf.Tensor4D;
      const g = side / P;
      const patchError = patchify(predictedPixels, P).sub(patchify(x0, P)).square().mean(2).reshape([B, g, g]);
      return [noisedDecoded, networkInput, prediction, patchError];
    });
    const level = model.schedule(t);
    rows.push({
      t,
      sigma: level.sigma,
      gamma: level.gamma,
      clean: await toFloatImages(x0),
      noisedDecoded: await toFloatImages(noisedDecoded),
      networkInput: await toFloatImages(networkInput as tf.Tensor4D),
      prediction: await toFloatImages(prediction),
      patchError: { count: B, gridH: side / P, gridW: side / P, data: (await patchError.data()) as Float32Array },
    });
    tf.dispose([noise.gamma, noise.sigma, noise.eps, tT, noisedDecoded, networkInput, prediction, patchError, ...Object.values(pass)]);
  }
  x0.dispose();
  return { step, rows };
}
