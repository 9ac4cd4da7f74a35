// Settings that are legal but risky: they do not block Start (or exit the CLI), they are said
// next to the knob (and on stderr in the CLI). Only for a config without problems.
import { builtinDatasetShape, configProblems, type ExperimentConfig } from './config';
import { modelShape } from './model/sizes';
import type { ImageShape } from '../types/data';

export interface ConfigWarning {
  field: keyof ExperimentConfig;
  message: string;
}

/** Above this AdamW lr the ViT here tends to diverge (the presets use 1e-3). */
const RISKY_LR = 0.01;
/** Browsers often give a tab about 2 GB of GPU memory; warn well before. */
const RISKY_ACTIVATION_BYTES = 1.5e9;

/**
 * Rough float32 bytes that one training step keeps for the backward pass: per block and token,
 * about 16 x width numbers (attention projections, the 4x MLP, norms, adaLN) plus the attention
 * matrix, heads x tokens numbers per token.
 */
export function activationBytesPerStep(cfg: ExperimentConfig, shape: ImageShape): number {
  const { width, depth, heads } = modelShape(cfg);
  const tokens = Math.floor(shape.height / cfg.patchSize) * Math.floor(shape.width / cfg.patchSize);
  return 4 * cfg.batchSize * depth * tokens * (16 * width + 2 * heads * tokens);
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

export function configWarnings(cfg: ExperimentConfig, shape?: ImageShape): ConfigWarning[] {
  return configProblems(cfg, shape).length > 0 ? [] : validConfigWarnings(cfg, shape);
}

/** configWarnings for a config already known to have no problems (callers that checked them). */
export function validConfigWarnings(cfg: ExperimentConfig, shape?: ImageShape): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  if (cfg.lr > RISKY_LR) {
    warnings.push({ field: 'lr', message: `lr ${cfg.lr} is high for AdamW on this transformer (the presets use 1e-3): the loss may turn NaN; try 1e-3` });
  }
  const image = shape ?? builtinDatasetShape(cfg.dataset);
  if (image) {
    const bytes = activationBytesPerStep(cfg, image);
    if (bytes > RISKY_ACTIVATION_BYTES) {
      const fits = Math.max(1, Math.floor((cfg.batchSize * RISKY_ACTIVATION_BYTES) / bytes));
      warnings.push({
        field: 'batchSize',
        message: `batch ${cfg.batchSize} with this model and patch size keeps about ${gb(bytes)} of activations per step (rough estimate); a browser tab often gets about 2 GB of GPU memory: try a batch of ${fits} or less`,
      });
    }
  }
  if (cfg.augmentFlip && cfg.dataset === 'mnist') {
    warnings.push({ field: 'augmentFlip', message: 'horizontal flips change what digits mean (a flipped 2 is not a 2): leave this off for MNIST' });
  }
  return warnings;
}
