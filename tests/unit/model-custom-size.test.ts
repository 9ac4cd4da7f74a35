// modelSize custom: width / depth / heads from the config, validated; 96/4/4 is exactly tiny.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { configFromSearchParams, configProblems, DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import { modelShape, vitConfig } from '../../src/ldae/model/sizes';
import { createViT } from '../../src/ldae/model/vit';
import { setupNodeBackend } from '../../src/node/backend';
import { seededArray } from './modelHelpers';

beforeAll(async () => {
  await setupNodeBackend('cpu');
});

const shape = { tokens: 16, inDim: 49, outDim: 49, tConditioning: true };
const custom = (modelWidth: number, modelDepth: number, modelHeads: number): ExperimentConfig => ({ ...DEFAULT_CONFIG, modelSize: 'custom', modelWidth, modelDepth, modelHeads });

describe('custom model size', () => {
  it('96 / 4 / 4 has exactly the parameters and FLOPs of tiny; other shapes differ', () => {
    const tiny = createViT(vitConfig('tiny', shape), 1);
    const same = createViT(vitConfig(custom(96, 4, 4), shape), 1);
    expect(same.paramCount()).toBe(tiny.paramCount());
    expect(same.forwardFlopsPerImage()).toBe(tiny.forwardFlopsPerImage());
    const wider = createViT(vitConfig(custom(128, 4, 4), shape), 1);
    expect(wider.paramCount()).toBeGreaterThan(tiny.paramCount());
    [tiny, same, wider].forEach((m) => m.dispose());
    // The presets ignore the custom fields.
    expect(modelShape({ ...custom(64, 8, 2), modelSize: 'micro' })).toEqual({ width: 32, depth: 2, heads: 2 });
  });

  it('validates width, heads and head dimension only for custom', () => {
    const fields = (c: ExperimentConfig) => configProblems(c).map((p) => p.field);
    expect(fields(custom(96, 4, 4))).toEqual([]);
    expect(configProblems(custom(100, 4, 3))[0].message).toBe('modelWidth must be a multiple of modelHeads (3), got 100');
    expect(fields(custom(48, 4, 16))).toEqual(['modelHeads']); // head dimension 3 < 4
    expect(fields(custom(8, 4, 2))).toEqual(['modelWidth']); // below the range
    expect(fields(custom(96, 1, 4))).toEqual(['modelDepth']);
    expect(fields(custom(96, 17, 4))).toEqual(['modelDepth']);
    expect(fields({ ...custom(100, 4, 3), modelSize: 'tiny' })).toEqual([]);
    // Shown even while an unrelated field is invalid (the UI shows every problem at once).
    expect(fields({ ...custom(100, 4, 3), batchSize: Number.NaN })).toEqual(['batchSize', 'modelWidth']);
    const { config, problems } = configFromSearchParams(new URLSearchParams('modelSize=custom&modelWidth=64&modelDepth=3&modelHeads=2'));
    expect(problems).toEqual([]);
    expect(modelShape(config)).toEqual({ width: 64, depth: 3, heads: 2 });
  });

  it('an odd depth probes block floor(depth / 2); a width 4 does not divide still builds', async () => {
    const cfg = vitConfig(custom(36, 3, 3), { tokens: 4, inDim: 3, outDim: 5, tConditioning: true });
    expect(cfg.condHidden).toBe(9);
    const model = createViT(cfg, 2);
    model.variables.forEach((v, i) => tf.tidy(() => v.assign(v.add(tf.tensor(seededArray(v.size, 50 + i, 0.2), v.shape)))));
    const tokens = tf.tensor3d(seededArray(2 * 4 * 3, 9), [2, 4, 3]);
    const t = tf.tensor1d([0.1, 0.7]);
    const res = model.residuals(tokens, t);
    expect(res).toHaveLength(4);
    const features = model.features(tokens, t);
    const out = model.apply(tokens, t);
    expect(Array.from(await features.data())).toEqual(Array.from(await res[1].data()));
    expect(out.shape).toEqual([2, 4, 5]);
    model.dispose();
    tf.dispose([tokens, t, features, out, ...res]);
    const odd = vitConfig(custom(18, 2, 3), shape);
    expect(odd.condHidden).toBe(5);
    createViT(odd, 1).dispose();
  });
});
