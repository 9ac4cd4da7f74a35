// What the probes read from a model, one definition for the worker and the CLI: the config's
// probe features (probeT, probeNoise, probeFeatures) of the live weights, or of the weights' EMA
// when the trainer keeps one.
import type * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../config';
import type { WeightsEma } from '../ema';
import type { FeatureOptions, LdaeModel } from '../ldaeModel';
import { deriveSeed } from '../random';
import type { Tokenizer } from '../tokenizers/types';
import type { FeatureBatch, FeatureExtractor } from './features';

export type ProbedWeights = 'ema' | 'live';

export type ProbeFeatureConfig = Pick<ExperimentConfig, 'seed' | 'probeT' | 'probeNoise' | 'probeFeatures'>;

/** probeNoise: one seed per batch of a probe set, so every evaluation of a run sees the same noise on the same image. */
function featureOptions(cfg: ProbeFeatureConfig, batch: FeatureBatch = { set: 'images', start: 0 }): FeatureOptions {
  return {
    blocks: cfg.probeFeatures,
    noiseSeed: cfg.probeNoise ? deriveSeed(cfg.seed, 'probe-noise', batch.set, batch.start) : null,
  };
}

export function probedWeights(ema: WeightsEma | null): ProbedWeights {
  return ema ? 'ema' : 'live';
}

/** The probe's feature extractor for `model`; with `ema`, every batch is read with the EMA weights swapped in. */
export function probeExtractor(model: LdaeModel, cfg: ProbeFeatureConfig, ema: WeightsEma | null = null): FeatureExtractor {
  const live: FeatureExtractor = (x, batch) => model.features(x, cfg.probeT, featureOptions(cfg, batch));
  return ema ? (x, batch) => ema.swapIn(() => live(x, batch)) : live;
}

/** The latent baseline's features: the tokenizer's z0 of every patch, concatenated, [B, tokens x d]. */
export function latentExtractor(tokenizer: Tokenizer): FeatureExtractor {
  return (x) => {
    const z = tokenizer.encode(x);
    return z.reshape([z.shape[0], -1]) as tf.Tensor2D;
  };
}
