import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetNode } from '../../src/data/loadNode';
import { buildModel, obtainTokenizer } from '../../src/ldae/build';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import { splitImages } from '../../src/ldae/deviceData';
import { applyPreset, PRESET_IDS } from '../../src/ldae/presets';
import { takeSnapshot } from '../../src/ldae/snapshot';

let train: tf.Tensor4D;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const data = await loadDatasetNode('fashion-mnist');
  train = splitImages(data.train, data.meta, 256);
});

const base: ExperimentConfig = { ...DEFAULT_CONFIG, modelSize: 'micro', tokenizerSamples: 1000 };

describe('LdaeModel', () => {
  it('features(images, t) is the pooled middle block, [B, width], and leaks nothing', async () => {
    for (const inputSpace of ['pixel', 'latent'] as const) {
      const cfg = { ...base, inputSpace };
      const { tokenizer } = await obtainTokenizer(cfg, train, null);
      const model = await buildModel(cfg, tokenizer, train);
      const x = train.slice([0, 0, 0, 0], [5, -1, -1, -1]);
      tf.dispose(model.features(x, 0.01)); // the first call may create cached constants
      const before = tf.memory().numTensors;
      const f = model.features(x, 0.01);
      expect(f.shape).toEqual([5, 32]);
      // Equals the mean over tokens of the ViT's middle-block output on the clean tokenized input.
      const manual = tf.tidy(() => {
        const z = tokenizer.encode(x);
        const input = inputSpace === 'latent' ? z : (tf.tidy(() => tf.reshape(tokenizer.decode(z, 28), [5, 4, 7, 4, 7]).transpose([0, 1, 3, 2, 4]).reshape([5, 16, 49])) as tf.Tensor3D);
        return model.vit.features(input, tf.fill([5], 0.01) as tf.Tensor1D).mean(1);
      });
      const diff = tf.tidy(() => f.sub(manual).abs().max());
      expect((await diff.data())[0]).toBeLessThan(1e-5);
      tf.dispose([f, manual, diff]);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      model.dispose();
    }
  });

  it('every preset builds, computes a finite loss, and reports params and FLOPs', async () => {
    for (const id of PRESET_IDS) {
      const cfg = applyPreset(base, id);
      const { tokenizer } = await obtainTokenizer(cfg, train, null);
      const model = await buildModel(cfg, tokenizer, train);
      const x = train.slice([0, 0, 0, 0], [4, -1, -1, -1]);
      const t = new Float32Array([0.1, 0.4, 0.7, 1]);
      const noise = model.noise(t, 5);
      const tT = tf.tensor1d(t);
      const loss = model.loss(x, tT, noise);
      const v = (await loss.data())[0];
      expect(Number.isFinite(v) && v > 0).toBe(true);
      const s = model.summary();
      expect(s.params).toBe(model.vit.paramCount());
      expect(s.flopsPerImage).toBe(3 * s.forwardFlopsPerImage);
      tf.dispose([x, noise.gamma, noise.sigma, noise.eps, tT, loss]);
      model.dispose();
    }
  });

  it('snapshots: same images and noise for the same seed; t = 0 shows the tokenizer reconstruction; finite for eps/z0/x0 targets', async () => {
    for (const id of ['dit-baseline', 'predict-z0', 'ldae'] as const) {
      const cfg = applyPreset(base, id);
      const { tokenizer } = await obtainTokenizer(cfg, train, null);
      const model = await buildModel(cfg, tokenizer, train);
      const before = tf.memory().numTensors;
      const a = await takeSnapshot(model, train, [0, 0.5, 1], 3, 0, 4);
      const b = await takeSnapshot(model, train, [0, 0.5, 1], 3, 0, 4);
      expect(tf.memory().numTensors).toBe(before);
      expect(b.rows[1].noisedDecoded.data).toEqual(a.rows[1].noisedDecoded.data);
      const row0 = a.rows[0];
      expect(row0.sigma).toBe(0);
      const clean = tf.tensor4d(row0.clean.data, [4, 28, 28, 1]);
      const recon = tf.tidy(() => tokenizer.decode(tokenizer.encode(clean), 28));
      const shown = tf.tensor4d(row0.noisedDecoded.data, [4, 28, 28, 1]);
      const diff = tf.tidy(() => recon.sub(shown).abs().max());
      expect((await diff.data())[0]).toBeLessThan(1e-5);
      tf.dispose([clean, recon, shown, diff]);
      for (const row of a.rows) {
        expect(row.prediction.data.every(Number.isFinite)).toBe(true);
        expect(row.patchError.data.length).toBe(4 * 16);
        expect(row.patchError.data.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
      }
      expect(a.rows[2].noisedDecoded.data).not.toEqual(a.rows[0].noisedDecoded.data);
      model.dispose();
    }
  });
});
