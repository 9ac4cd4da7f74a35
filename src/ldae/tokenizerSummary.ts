// What the UI shows about a fitted tokenizer: explained variance, basis images, held-out
// reconstructions and their error.
import * as tf from '@tensorflow/tfjs';
import type { TokenizerSummary } from '../types/run';
import { toFloatImages } from './floatImages';
import { patchify } from './patches';
import type { Tokenizer } from './tokenizers/types';

const SHOWN = 8;

/**
 * reconMse: per-pixel MSE of decode(encode(x)) on held-out images; reconPsnr for a peak of 1;
 * varianceKept = 1 - E|x - x_hat|^2 / E|x - mean patch|^2 over held-out patches (any tokenizer).
 */
export async function summarizeTokenizer(
  tokenizer: Tokenizer,
  heldOut: tf.Tensor4D,
  fitSeconds: number,
  fromCache: boolean,
): Promise<TokenizerSummary> {
  const side = heldOut.shape[1];
  const [mseT, keptT, recon, basis] = tf.tidy(() => {
    const recon = tokenizer.decode(tokenizer.encode(heldOut), side);
    const err = recon.sub(heldOut).square();
    const patches = patchify(heldOut, tokenizer.patchSize);
    const total = patches.sub(patches.mean([0, 1])).square().mean();
    return [err.mean(), tf.scalar(1).sub(err.mean().div(total)), recon, tokenizer.basisImages()];
  });
  const shown = Math.min(SHOWN, heldOut.shape[0]);
  const originals = heldOut.slice([0, 0, 0, 0], [shown, -1, -1, -1]);
  const reconShown = recon.slice([0, 0, 0, 0], [shown, -1, -1, -1]);
  const [mse, kept] = await Promise.all([mseT.data(), keptT.data()]);
  const summary: TokenizerSummary = {
    kind: tokenizer.kind,
    patchSize: tokenizer.patchSize,
    patchDim: tokenizer.patchDim,
    latentDim: tokenizer.latentDim,
    explainedVariance: tokenizer.explainedVariance(),
    varianceKept: kept[0],
    reconMse: mse[0],
    reconPsnr: 10 * Math.log10(1 / Math.max(mse[0], 1e-12)),
    fitSeconds,
    basis: await toFloatImages(basis),
    originals: await toFloatImages(originals),
    reconstructions: await toFloatImages(reconShown),
    fromCache,
  };
  tf.dispose([mseT, keptT, recon, basis, originals, reconShown]);
  return summary;
}
