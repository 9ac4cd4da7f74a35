// Every tokenizer through the registry: cache round trip (file store) and one l-DAE training step.
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetNode } from '../../src/data/loadNode';
import { syntheticColourDataset } from '../../src/data/syntheticColour';
import { buildModel } from '../../src/ldae/build';
import { DEFAULT_CONFIG, TOKENIZERS, configProblems, effectiveLatentDim, type ExperimentConfig, type TokenizerKind } from '../../src/ldae/config';
import { splitImages } from '../../src/ldae/deviceData';
import { applyPreset } from '../../src/ldae/presets';
import { Trainer } from '../../src/ldae/trainer';
import { obtainTokenizerCached } from '../../src/ldae/tokenizers/cache/cachedFit';
import { tokenizerCacheKey } from '../../src/ldae/tokenizers/cache/key';
import { MemoryTokenizerCache } from '../../src/ldae/tokenizers/cache/memory';
import { TOKENIZER_FIELDS, type TokenizerFields } from '../../src/ldae/tokenizers/fields';
import { setupNodeBackend } from '../../src/node/backend';
import { FileTokenizerCache } from '../../src/node/tokenizerCacheFile';

let train: tf.Tensor4D;
/** A generated 32x32x3 dataset (synthetic colour fields with edges, src/data/syntheticColour.ts). */
let colourTrain: tf.Tensor4D;
let cacheDir: string;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  const data = await loadDatasetNode('fashion-mnist');
  train = splitImages(data.train, data.meta, 512);
  const colour = syntheticColourDataset(256, 1);
  colourTrain = splitImages(colour.train, colour.meta);
  cacheDir = mkdtempSync(path.join(tmpdir(), 'ldae-tokenizer-cache-'));
});

afterAll(() => {
  train.dispose();
  colourTrain.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

function configFor(tokenizer: TokenizerKind, preset = 'ldae'): ExperimentConfig {
  return {
    ...applyPreset(DEFAULT_CONFIG, preset),
    tokenizer,
    patchSize: 7,
    latentDim: 8,
    tokenizerSamples: 2000,
    tokenizerSteps: tokenizer === 'conv-vae' ? 10 : 40,
    modelSize: 'micro',
    batchSize: 16,
    steps: 10,
    warmupSteps: 1,
  };
}

const GREY_28 = { height: 28, width: 28, channels: 1 };

describe('tokenizer cache key', () => {
  it('changes with every field that changes the fitted tokenizer, and only with those', () => {
    const base = configFor('patch-vae');
    const key = tokenizerCacheKey(base, 512, GREY_28);
    for (const change of [
      { dataset: 'mnist' },
      { patchSize: 4 },
      { latentDim: 16 },
      { tokenizer: 'patch-ae' },
      { seed: 2 },
      { latentScaling: 'none' },
      { tokenizerSamples: 3000 },
      { tokenizerSteps: 41 },
      { vaeBeta: 0.01 },
    ] as Partial<ExperimentConfig>[]) {
      expect(tokenizerCacheKey({ ...base, ...change }, 512, GREY_28)).not.toBe(key);
    }
    expect(tokenizerCacheKey(base, 513, GREY_28)).not.toBe(key);
    const trainingOnly: ExperimentConfig = { ...base, lr: 0.5, steps: 7, modelSize: 'small' };
    expect(tokenizerCacheKey(trainingOnly, 512, GREY_28)).toBe(key);
    // PCA ignores the learned tokenizers' knobs.
    const pca = configFor('pca');
    expect(tokenizerCacheKey({ ...pca, tokenizerSteps: 99, vaeBeta: 0.5 }, 512, GREY_28)).toBe(tokenizerCacheKey(pca, 512, GREY_28));
  });

  it('holds every field of TOKENIZER_FIELDS (the type asks for a changed value of each)', () => {
    const base = configFor('patch-vae');
    const changed: TokenizerFields = { dataset: 'mnist', patchSize: 4, latentDim: 16, tokenizer: 'conv-vae', seed: 2, latentScaling: 'none', tokenizerSamples: 3000, tokenizerSteps: 41, vaeBeta: 0.01 };
    for (const field of TOKENIZER_FIELDS) {
      expect(tokenizerCacheKey({ ...base, [field]: changed[field] }, 512, GREY_28), field).not.toBe(tokenizerCacheKey(base, 512, GREY_28));
    }
  });
});

describe('file tokenizer cache', () => {
  it('refits (and overwrites) a truncated entry instead of failing', async () => {
    const cfg = configFor('patch-ae');
    const cache = new FileTokenizerCache(path.join(cacheDir, 'broken'));
    const first = await obtainTokenizerCached(cfg, train, cache);
    const file = cache.fileFor(first.key);
    writeFileSync(file, readFileSync(file).subarray(0, 100));
    await expect(cache.get(first.key)).rejects.toThrow(/truncated|JSON/);
    const again = await obtainTokenizerCached(cfg, train, cache);
    expect(again.fromCache).toBe(false);
    const third = await obtainTokenizerCached(cfg, train, cache);
    expect(third.fromCache).toBe(true);
    [first, again, third].forEach((f) => f.tokenizer.dispose());
  });
});

describe.each(TOKENIZERS.map((k) => [k]))('%s tokenizer', (kind) => {
  it('fits, is stored in the file cache, and a cache hit restores an equal tokenizer', async () => {
    const cfg = configFor(kind);
    const cache = new FileTokenizerCache(cacheDir);
    const first = await obtainTokenizerCached(cfg, train, cache);
    expect(first.fromCache).toBe(false);
    expect(existsSync(cache.fileFor(first.key))).toBe(true);
    const second = await obtainTokenizerCached(cfg, train, cache);
    expect(second.fromCache).toBe(true);
    expect(second.tokenizer.kind).toBe(kind);

    const x = train.slice(0, 4);
    const d = effectiveLatentDim(cfg, 1);
    const z1 = first.tokenizer.encode(x);
    const z2 = second.tokenizer.encode(x);
    expect(z1.shape).toEqual([4, 16, d]);
    const y = second.tokenizer.decode(z2, 28);
    expect(y.shape).toEqual([4, 28, 28, 1]);
    const diff = tf.tidy(() => tf.stack([z1.sub(z2).abs().max(), first.tokenizer.decode(z1, 28).sub(y).abs().max()]));
    expect(Array.from(await diff.data())).toEqual([0, 0]);
    tf.dispose([x, z1, z2, y, diff]);
    first.tokenizer.dispose();
    second.tokenizer.dispose();
  });

  it.each([
    ['ldae', 'grey 28x28'],
    ['dit-baseline', 'grey 28x28'],
    ['ldae', 'colour 32x32x3'],
    ['dit-baseline', 'colour 32x32x3'],
  ])('runs l-DAE training steps with the %s preset on %s, finite loss, no leak', async (preset, images) => {
    const colour = images.startsWith('colour');
    // Colour: patch 8 (16 tokens, D = 192), as cheap as the grey cell.
    const cfg = colour ? { ...configFor(kind, preset), patchSize: 8 } : configFor(kind, preset);
    const x = colour ? colourTrain : train;
    const [, height, width, channels] = x.shape;
    expect(configProblems(cfg, { height, width, channels })).toEqual([]);
    const { tokenizer } = await obtainTokenizerCached(cfg, x, new MemoryTokenizerCache());
    const model = await buildModel(cfg, tokenizer, x);
    expect(model.tokens).toBe(16);
    expect(tokenizer.patchDim).toBe(colour ? 192 : 49);
    const trainer = new Trainer(model, x);
    trainer.trainStep();
    const before = tf.memory().numTensors;
    trainer.trainStep();
    trainer.trainStep();
    const metrics = await trainer.readMetrics();
    expect(metrics).not.toBeNull();
    expect(Number.isFinite(metrics!.loss)).toBe(true);
    expect(Number.isFinite(metrics!.gradNorm)).toBe(true);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
    trainer.dispose();
    model.dispose();
  });
});
