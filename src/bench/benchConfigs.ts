// The configs the benchmark trains, shared by Node (bench/node.ts) and the browser bench worker:
// - ldae: DEFAULT_CONFIG (Fashion-MNIST 28x28x1, patch 7 = 16 tokens);
// - colour: 32x32x3 images with the colour defaults (patch 8 = 16 tokens, d = 16; colourDefaults),
//   on the synthetic colour set (no real colour data may be downloaded; the cost of a step depends
//   on shapes, not on pixel values);
// - ldae-tuned: the ldae-tuned preset (random 2-pixel shifts on top of the ldae objective).
// Without --sizes, ldae runs at every size and the others at the size they default to (tiny).
import { colourDefaults } from '../ldae/colourDefaults';
import { DEFAULT_CONFIG, MODEL_SIZE_PRESETS, type ExperimentConfig, type ModelSizePreset } from '../ldae/config';
import { applyPreset } from '../ldae/presets';
import { syntheticColourDataset } from '../data/syntheticColour';
import type { ImageShape, LoadedDataset } from '../types/data';

export const BENCH_CONFIGS = ['ldae', 'colour', 'ldae-tuned'] as const;
export type BenchConfigName = (typeof BENCH_CONFIGS)[number];

export const COLOUR_SHAPE: ImageShape = { height: 32, width: 32, channels: 3 };

/** Which images a config trains on: the default dataset or the synthetic colour set. */
export type BenchData = 'default' | 'colour';

export interface BenchCell {
  config: BenchConfigName;
  size: ModelSizePreset;
}

export function benchData(config: BenchConfigName): BenchData {
  return config === 'colour' ? 'colour' : 'default';
}

/** The full experiment config of one bench cell. */
export function benchExperimentConfig(config: BenchConfigName, size: ModelSizePreset): ExperimentConfig {
  if (config === 'colour') {
    const { patchSize, latentDim } = colourDefaults(COLOUR_SHAPE);
    return { ...DEFAULT_CONFIG, patchSize, latentDim, modelSize: size };
  }
  const base = config === 'ldae-tuned' ? applyPreset(DEFAULT_CONFIG, 'ldae-tuned') : DEFAULT_CONFIG;
  return { ...base, modelSize: size };
}

/** The model size a config starts from when --sizes is not given. */
function defaultSizes(config: BenchConfigName): ModelSizePreset[] {
  if (config === 'ldae') return [...MODEL_SIZE_PRESETS];
  const size = config === 'colour' ? colourDefaults(COLOUR_SHAPE).modelSize : applyPreset(DEFAULT_CONFIG, config).modelSize;
  return [size === 'custom' ? 'tiny' : size];
}

/** The (config, size) cells to run, in order: each config at `sizes`, or at its default sizes when null. */
export function benchCells(configs: readonly BenchConfigName[], sizes: readonly ModelSizePreset[] | null): BenchCell[] {
  return configs.flatMap((config) => (sizes ?? defaultSizes(config)).map((size) => ({ config, size })));
}

/** The synthetic 32x32x3 training set of the colour config (`count` images, fixed seed). */
export function colourBenchDataset(count: number): LoadedDataset {
  return syntheticColourDataset(count, 16, COLOUR_SHAPE.height, 7);
}
