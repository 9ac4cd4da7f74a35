// Model size presets. `tiny` is the notes' 0.74M-parameter reference (width 96, 4 blocks).
import type { ModelSize } from '../config';
import type { ViTConfig } from './types';

interface SizePreset {
  width: number;
  depth: number;
  heads: number;
}

export const SIZE_PRESETS: Record<ModelSize, SizePreset> = {
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

/** MLP ratio 4 as in ViT/DiT; t-conditioning hidden size width/4 (paper: no loss at 1/4). */
export function vitConfig(size: ModelSize, opts: ViTShape, positions: ViTConfig['positions'] = 'sincos'): ViTConfig {
  const p = SIZE_PRESETS[size];
  return {
    size,
    tokens: opts.tokens,
    inDim: opts.inDim,
    outDim: opts.outDim,
    width: p.width,
    depth: p.depth,
    heads: p.heads,
    mlpRatio: 4,
    condHidden: p.width / 4,
    tConditioning: opts.tConditioning,
    positions,
  };
}
