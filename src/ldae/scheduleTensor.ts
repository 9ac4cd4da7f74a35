// The noise schedules of schedules.ts on the device: t [B] (a device tensor) -> gamma_t, sigma_t
// [B], so a batch whose t is drawn on the device (deviceRandom.ts) needs no upload. Same formulas,
// float32; the DDPM table is a device constant made once per backend.
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from './config';
import { deviceTable, scalarArg } from './deviceConstants';
import { COSINE_S, DDPM_ALPHA_BARS, DDPM_T } from './schedules';

export interface NoiseLevels {
  gamma: tf.Tensor1D;
  sigma: tf.Tensor1D;
}

const k = scalarArg;

/** gamma = sqrt(ab), sigma = sqrt(1 - ab), ab clipped to [0, 1]. */
function vp(alphaBar: tf.Tensor): NoiseLevels {
  const ab = tf.clipByValue(alphaBar, 0, 1);
  return { gamma: tf.sqrt(ab) as tf.Tensor1D, sigma: tf.sqrt(tf.sub(k(1), ab)) as tf.Tensor1D };
}

function baseLevels(cfg: Pick<ExperimentConfig, 'schedule' | 'sigmaMax'>, t: tf.Tensor1D): NoiseLevels {
  const tc = tf.clipByValue(t, 0, 1) as tf.Tensor1D;
  switch (cfg.schedule) {
    case 'ldae-linear-sigma':
      return { gamma: tf.onesLike(t), sigma: tf.mul(tc, k(cfg.sigmaMax)) as tf.Tensor1D };
    case 'vp-linear-gamma2':
      return vp(tf.sub(k(1), tc));
    case 'vp-cosine': {
      // ab = cos^2(x) / cos^2(x0), x = (t + s) / (1 + s) pi / 2, x0 = x at t = 0; 1 - ab written as
      // sin(x - x0) sin(x + x0) / cos^2(x0), which float32 keeps accurate near t = 0 (1 - ab would cancel).
      const w = Math.PI / 2 / (1 + COSINE_S);
      const cos2x0 = Math.cos(COSINE_S * w) ** 2;
      const gamma2 = tf.div(tf.square(tf.cos(tf.mul(tf.add(tc, k(COSINE_S)), k(w)))), k(cos2x0));
      const sigma2 = tf.div(tf.mul(tf.sin(tf.mul(tc, k(w))), tf.sin(tf.mul(tf.add(tc, k(2 * COSINE_S)), k(w)))), k(cos2x0));
      return { gamma: tf.sqrt(tf.clipByValue(gamma2, 0, 1)) as tf.Tensor1D, sigma: tf.sqrt(tf.clipByValue(sigma2, 0, 1)) as tf.Tensor1D };
    }
    case 'vp-ddpm-linear': {
      const table = deviceTable('ddpm-alpha-bars', () => tf.tensor1d(Float32Array.from(DDPM_ALPHA_BARS)));
      const kk = tf.mul(tc, k(DDPM_T));
      const lo = tf.floor(kk);
      const hi = tf.minimum(tf.add(lo, k(1)), k(DDPM_T));
      const f = tf.sub(kk, lo);
      const at = (i: tf.Tensor) => tf.gather(table, tf.cast(i, 'int32'));
      return vp(tf.add(tf.mul(at(lo), tf.sub(k(1), f)), tf.mul(at(hi), f)));
    }
  }
}

/** scheduleFor(cfg) applied to every t, on the device. */
export function noiseLevelsOnDevice(cfg: Pick<ExperimentConfig, 'schedule' | 'sigmaMax' | 'inputScaling'>, t: tf.Tensor1D): NoiseLevels {
  const [gamma, sigma] = tf.tidy(() => {
    const levels = baseLevels(cfg, t);
    return [cfg.inputScaling ? levels.gamma : tf.onesLike(t), levels.sigma];
  });
  return { gamma: gamma as tf.Tensor1D, sigma: sigma as tf.Tensor1D };
}
