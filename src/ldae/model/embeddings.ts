// Fixed sinusoidal embeddings: 2D sincos positions over the patch grid (MAE/DiT) and the
// timestep frequency embedding of DiT.
import * as tf from '@tensorflow/tfjs';

/** DiT's frequency embedding size for t. */
export const T_FREQ_DIM = 256;
/** DiT feeds integer timesteps 0..999; our t lives in [0,1], so the embedding sees t * 1000. */
const T_SCALE = 1000;

function sincos1d(dim: number, positions: number[]): number[][] {
  const half = dim / 2;
  return positions.map((p) => {
    const row = new Array<number>(dim);
    for (let i = 0; i < half; i++) {
      const omega = 1 / 10000 ** (i / half);
      row[i] = Math.sin(p * omega);
      row[half + i] = Math.cos(p * omega);
    }
    return row;
  });
}

/**
 * [tokens, width] positions. A square grid (tokens = g*g, row-major) gets 2D sincos: half the
 * channels encode the row, half the column (width must be a multiple of 4). Any other token
 * count gets 1D sincos over the token index.
 */
export function sincosPositions(tokens: number, width: number): number[][] {
  const g = Math.round(Math.sqrt(tokens));
  if (g * g !== tokens || width % 4 !== 0) return sincos1d(width, Array.from({ length: tokens }, (_, i) => i));
  const rows = Array.from({ length: tokens }, (_, i) => Math.floor(i / g));
  const cols = Array.from({ length: tokens }, (_, i) => i % g);
  const eRow = sincos1d(width / 2, rows);
  const eCol = sincos1d(width / 2, cols);
  return eRow.map((r, i) => [...r, ...eCol[i]]);
}

/** Frequencies (times T_SCALE) as a [1, T_FREQ_DIM/2] row, to be kept by the model. */
export function timestepFrequencies(): tf.Tensor2D {
  const half = T_FREQ_DIM / 2;
  const f = Array.from({ length: half }, (_, i) => T_SCALE * Math.exp((-Math.log(10000) * i) / half));
  return tf.tensor2d([f]);
}

/** t [B] in [0,1] -> [B, T_FREQ_DIM] = [cos(1000 t f), sin(1000 t f)] (DiT order). */
export function timestepEmbedding(t: tf.Tensor1D, freqs: tf.Tensor2D): tf.Tensor2D {
  const args = tf.matMul(tf.reshape(t, [-1, 1]), freqs);
  return tf.concat([tf.cos(args), tf.sin(args)], 1) as tf.Tensor2D;
}
