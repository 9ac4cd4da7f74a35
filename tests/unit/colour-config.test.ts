// Config checks against the image shape: grey 28x28 (built-in), colour 32x32x3 (given), unknown (skipped).
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_DATASET_SHAPES,
  DEFAULT_CONFIG,
  configProblems,
  effectiveLatentDim,
  patchDim,
  patchSizeChoices,
  patchSizesFor,
  validateConfig,
  type ExperimentConfig,
} from '../../src/ldae/config';
import { tokenizerCacheKey } from '../../src/ldae/tokenizers/cache/key';
import { colourDefaults, configForShape } from '../../src/ldae/colourDefaults';

const COLOUR_32 = { height: 32, width: 32, channels: 3 };
const GREY_28 = BUILTIN_DATASET_SHAPES['fashion-mnist'];
const cfg = (patch: Partial<ExperimentConfig>): ExperimentConfig => ({ ...DEFAULT_CONFIG, ...patch });
const messages = (c: ExperimentConfig, shape?: typeof COLOUR_32) => configProblems(c, shape).map((p) => `${p.field}: ${p.message}`);

describe('config against the image shape', () => {
  it('D = P*P*C; the pixel tokenizer has d = D', () => {
    expect(patchDim({ patchSize: 4 }, 3)).toBe(48);
    expect(patchDim({ patchSize: 7 }, 1)).toBe(49);
    expect(effectiveLatentDim({ patchSize: 8, tokenizer: 'pixel', latentDim: 5 }, 3)).toBe(192);
    expect(effectiveLatentDim({ patchSize: 8, tokenizer: 'pca', latentDim: 5 }, 3)).toBe(5);
  });

  it('patch 8 is fine on 32x32x3, patch 7 is rejected with the sizes that divide 32', () => {
    expect(messages(cfg({ patchSize: 8, latentDim: 16 }), COLOUR_32)).toEqual([]);
    const bad = configProblems(cfg({ patchSize: 7 }), COLOUR_32);
    expect(bad.map((p) => p.field)).toEqual(['patchSize']);
    expect(bad[0].message).toBe('patchSize must divide the image side 32 (1, 2, 4, 8, 16, 32), got 7');
    expect(() => validateConfig(cfg({ patchSize: 7 }), COLOUR_32)).toThrow(/divide the image side 32/);
    // ...and the same config is fine on a built-in 28x28 dataset.
    expect(messages(cfg({ patchSize: 7 }))).toEqual([]);
  });

  it('latentDim up to P*P*3 on colour, up to P*P on grey', () => {
    expect(messages(cfg({ patchSize: 8, latentDim: 192 }), COLOUR_32)).toEqual([]);
    expect(configProblems(cfg({ patchSize: 8, latentDim: 193 }), COLOUR_32).map((p) => p.message)).toEqual([
      'latentDim must be in [1, 192] (D = patchSize^2 x channels = 8^2 x 3), got 193',
    ]);
    expect(messages(cfg({ patchSize: 4, latentDim: 48 }), COLOUR_32)).toEqual([]);
    // Grey 28 (the built-in shape when none is given): patch 4 holds only 16.
    expect(configProblems(cfg({ patchSize: 4, latentDim: 48 })).map((p) => p.field)).toEqual(['latentDim']);
    expect(configProblems(cfg({ patchSize: 4, latentDim: 48 }), GREY_28).map((p) => p.field)).toEqual(['latentDim']);
  });

  it('skips the shape checks for a dataset whose shape is not known yet, and rejects non-square images', () => {
    // An unknown dataset id fails the dataset check only (the import helper widens that field).
    const unknown = cfg({ dataset: 'import:cats' as ExperimentConfig['dataset'], patchSize: 5, latentDim: 3000 });
    expect(configProblems(unknown).map((p) => p.field)).toEqual(['dataset']);
    expect(configProblems(cfg({ patchSize: 4 }), { height: 32, width: 28, channels: 3 })[0].message).toMatch(/square/);
  });

  it('patch sizes offered in the UI come from the side', () => {
    expect(patchSizesFor(28)).toEqual([1, 2, 4, 7, 14, 28]);
    expect(patchSizeChoices(28)).toEqual([2, 4, 7, 14]);
    expect(patchSizeChoices(32)).toEqual([2, 4, 8, 16]);
  });

  it('tokenizer cache keys differ between grey 28 and colour 32 (same config, same count)', () => {
    const c = cfg({ patchSize: 4, latentDim: 8 });
    const grey = tokenizerCacheKey(c, 1000, GREY_28);
    const colour = tokenizerCacheKey(c, 1000, COLOUR_32);
    const grey32 = tokenizerCacheKey(c, 1000, { height: 32, width: 32, channels: 1 });
    expect(new Set([grey, colour, grey32]).size).toBe(3);
    expect(grey).toContain('_28px_');
    expect(colour).toContain('_32px3c_');
    // The pixel tokenizer's d = D depends on the channels too.
    expect(tokenizerCacheKey(cfg({ tokenizer: 'pixel', patchSize: 4 }), 1000, COLOUR_32)).toContain('_d48_');
  });
});

describe('colour defaults', () => {
  it('32x32x3: patch 8 (16 tokens), d = 16 of D = 192, tiny; grey 28: the default patch 7, d = 8', () => {
    expect(colourDefaults(COLOUR_32)).toEqual({ patchSize: 8, latentDim: 16, modelSize: 'tiny' });
    expect(colourDefaults(GREY_28)).toEqual({ patchSize: DEFAULT_CONFIG.patchSize, latentDim: DEFAULT_CONFIG.latentDim, modelSize: DEFAULT_CONFIG.modelSize });
    // Other shapes: the divisor nearest side / 4, d capped at D; always a valid config.
    expect(colourDefaults({ height: 28, width: 28, channels: 3 })).toMatchObject({ patchSize: 7, latentDim: 16 });
    expect(colourDefaults({ height: 32, width: 32, channels: 1 })).toMatchObject({ patchSize: 8, latentDim: 8 });
    expect(colourDefaults({ height: 8, width: 8, channels: 3 })).toMatchObject({ patchSize: 2, latentDim: 12 });
    for (const shape of [COLOUR_32, GREY_28, { height: 28, width: 28, channels: 3 }, { height: 8, width: 8, channels: 3 }]) {
      expect(configProblems(cfg(colourDefaults(shape)), shape)).toEqual([]);
    }
  });

  it('a new shape replaces untouched or invalid patch size / d, and keeps valid choices', () => {
    // Default config (made for grey 28) -> colour 32: the colour defaults.
    expect(configForShape(DEFAULT_CONFIG, GREY_28, COLOUR_32)).toMatchObject({ patchSize: 8, latentDim: 16 });
    // ...and back: the grey defaults again.
    expect(configForShape(cfg({ patchSize: 8, latentDim: 16 }), COLOUR_32, GREY_28)).toMatchObject({ patchSize: 7, latentDim: 8 });
    // A choice that fits the new shape stays; one that does not is replaced.
    const chosen = cfg({ patchSize: 4, latentDim: 12 });
    expect(configForShape(chosen, GREY_28, COLOUR_32)).toBe(chosen);
    expect(configForShape(cfg({ patchSize: 14, latentDim: 8 }), GREY_28, COLOUR_32)).toMatchObject({ patchSize: 8, latentDim: 16 });
    // Same shape again: nothing changes.
    expect(configForShape(DEFAULT_CONFIG, GREY_28, GREY_28)).toBe(DEFAULT_CONFIG);
  });
});
