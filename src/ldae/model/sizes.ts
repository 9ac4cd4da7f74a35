// Model size presets. `tiny` is the notes' 0.74M-parameter reference (width 96, 4 blocks);
// `custom` takes the config's modelWidth / modelDepth / modelHeads.
import type { ExperimentConfig, ModelSizePreset } from '../config';
import type { ViTConfig } from './types';

export interface SizePreset {
  width: number;
  depth: number;
  heads: number;
}

export const SIZE_PRESETS: Record<ModelSizePreset, SizePreset> = {
  /** For tests and SwiftShader WebGPU. */
  micro: { width: 32, depth: 2, heads: 2 },
  tiny: { width: 96, depth: 4, heads: 4 },
  small: { width: 192, depth: 6, heads: 6 },
};

export interface ViTShape {
  tokens: number;
  inDim: number;
  outDim: number;
  tConditioning: boolean;
}

export type SizeFields = Pick<ExperimentConfig, 'modelSize' | 'modelWidth' | 'modelDepth' | 'modelHeads'>;

/** Width, depth and heads of a config's model: the preset's, or the custom fields. */
export function modelShape(cfg: SizeFields): SizePreset {
  if (cfg.modelSize === 'custom') return { width: cfg.modelWidth, depth: cfg.modelDepth, heads: cfg.modelHeads };
  return SIZE_PRESETS[cfg.modelSize];
}

/** A preset by name, or the config's size fields. */
const sizeFields = (size: ModelSizePreset | SizeFields): SizeFields =>
  typeof size === 'string' ? { modelSize: size, modelWidth: 0, modelDepth: 0, modelHeads: 0 } : size;

/**
 * MLP ratio 4 as in ViT/DiT; t-conditioning hidden size width/4 (paper: no loss at 1/4), rounded
 * for custom widths that 4 does not divide.
 */
export function vitConfig(size: ModelSizePreset | SizeFields, opts: ViTShape, positions: ViTConfig['positions'] = 'sincos'): ViTConfig {
  const fields = sizeFields(size);
  const p = modelShape(fields);
  return {
    size: fields.modelSize,
    tokens: opts.tokens,
    inDim: opts.inDim,
    outDim: opts.outDim,
    width: p.width,
    depth: p.depth,
    heads: p.heads,
    mlpRatio: 4,
    condHidden: Math.max(1, Math.round(p.width / 4)),
    tConditioning: opts.tConditioning,
    positions,
  };
}
