// Conv VAE tokenizer: geometry, its wasm-trainable convolution, reconstruction on Fashion-MNIST.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetNode } from '../../src/data/loadNode';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import { splitImages } from '../../src/ldae/deviceData';
import { tokenizerFromBytes, tokenizerToBytes } from '../../src/ldae/tokenizers/cache/binary';
import { conv2dSame } from '../../src/ldae/tokenizers/conv2dSame';
import { convVaeGeometry, fitConvVae, fitConvVaeTokenizer, restoreConvVaeTokenizer, type ConvVaeTokenizer } from '../../src/ldae/tokenizers/convVAE';
import { reconstructionMetrics } from '../../src/ldae/tokenizers/reconstructionMetrics';
import { setupNodeBackend } from '../../src/node/backend';

const cfg: ExperimentConfig = { ...DEFAULT_CONFIG, tokenizer: 'conv-vae', patchSize: 7, latentDim: 8, tokenizerSteps: 150, tokenizerSamples: 2000 };

let train: tf.Tensor4D;
let heldOut: tf.Tensor4D;
let vae: ConvVaeTokenizer;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  const data = await loadDatasetNode('fashion-mnist');
  train = splitImages(data.train, data.meta, 5000);
  heldOut = splitImages(data.test, data.meta, 500);
  vae = await fitConvVaeTokenizer(cfg, train);
});

afterAll(() => {
  vae.dispose();
  tf.dispose([train, heldOut]);
});

describe('conv VAE geometry', () => {
  it('puts d numbers per token on the patch tokenizers grid, grouping 2 x 2 latent cells when 4 divides d', () => {
    const g = convVaeGeometry(28, 1, 7, 8);
    expect([g.tokenSide, g.group, g.latentChannels, g.latentSide, g.stages, g.paddedSide, g.padBefore]).toEqual([4, 2, 2, 8, 2, 32, 2]);
    const odd = convVaeGeometry(28, 1, 7, 6);
    expect([odd.group, odd.latentChannels, odd.latentSide]).toEqual([1, 6, 4]);
    for (const P of [2, 4, 7, 14, 28]) {
      for (const d of [4, 6, 16]) {
        const geo = convVaeGeometry(28, 1, P, d);
        expect(geo.latentSide).toBe((28 / P) * geo.group);
        expect(geo.group * geo.group * geo.latentChannels).toBe(d);
        expect(geo.paddedSide).toBeGreaterThanOrEqual(28);
        expect(geo.paddedSide).toBe(geo.latentSide * 2 ** geo.stages);
      }
    }
  });

  it('untrained at patch 4 and 14: encode gives [B, (28/P)^2, d], decode gives [B, 28, 28, 1]', async () => {
    for (const [P, d] of [
      [4, 8],
      [14, 12],
    ]) {
      const t = await fitConvVae(train.slice(0, 64), { patchSize: P, latentDim: d, steps: 0, seed: 1, beta: 1e-3, latentScaling: 'unit-rms' });
      const z = t.encode(heldOut.slice(0, 2));
      expect(z.shape).toEqual([2, (28 / P) ** 2, d]);
      const y = t.decode(z, 28);
      expect(y.shape).toEqual([2, 28, 28, 1]);
      tf.dispose([z, y]);
      t.dispose();
    }
  });
});

describe('conv2dSame', () => {
  it('has the gradient of tf.conv2d + bias (autodiff on the cpu backend)', async () => {
    const backend = tf.getBackend();
    await tf.setBackend('cpu');
    try {
      const x = tf.randomNormal([3, 6, 5, 4], 0, 1, 'float32', 11) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 4, 5], 0, 1, 'float32', 12) as tf.Tensor4D;
      const b = tf.randomNormal([5], 0, 1, 'float32', 13) as tf.Tensor1D;
      const probe = tf.randomNormal([3, 6, 5, 5], 0, 1, 'float32', 14);
      const ours = tf.grads((a: tf.Tensor, c: tf.Tensor, e: tf.Tensor) => conv2dSame(a as tf.Tensor4D, c as tf.Tensor4D, e as tf.Tensor1D).mul(probe).sum())([x, w, b]);
      const ref = tf.grads((a: tf.Tensor, c: tf.Tensor, e: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, c as tf.Tensor4D, 1, 'same').add(e).mul(probe).sum())([x, w, b]);
      const value = tf.tidy(() => conv2dSame(x, w, b).sub(tf.conv2d(x, w, 1, 'same').add(b)).abs().max());
      expect((await value.data())[0]).toBeLessThan(1e-5);
      for (let i = 0; i < 3; i++) {
        const err = tf.tidy(() => ours[i].sub(ref[i]).abs().max().div(ref[i].abs().max()));
        expect((await err.data())[0]).toBeLessThan(1e-5);
        err.dispose();
      }
      tf.dispose([x, w, b, probe, value, ...ours, ...ref]);
    } finally {
      await tf.setBackend(backend);
    }
  });
});

describe('conv VAE', () => {
  it("reconstructs held-out images with MSE < 0.5 x the mean-image predictor's", async () => {
    const m = await reconstructionMetrics(vae, heldOut);
    const baseline = tf.tidy(() => heldOut.sub(train.mean(0)).square().mean());
    const meanImageMse = (await baseline.data())[0];
    baseline.dispose();
    expect(m.mse).toBeLessThan(0.5 * meanImageMse);
    expect(m.psnr).toBeGreaterThan(10 * Math.log10(1 / meanImageMse) + 3);
  });

  it('encodes the posterior mean [B, 16, d] at unit RMS, decodes differentiably, shows d basis patches', async () => {
    const x = heldOut.slice(0, 4);
    const z = vae.encode(x);
    expect(z.shape).toEqual([4, 16, 8]);
    const again = vae.encode(x);
    const rms = tf.tidy(() => vae.encode(train.slice(0, 500)).square().mean().sqrt());
    const same = tf.tidy(() => z.sub(again).abs().max());
    expect((await same.data())[0]).toBe(0);
    const r = (await rms.data())[0];
    expect(r).toBeGreaterThan(0.85);
    expect(r).toBeLessThan(1.15);
    const g = tf.grad((zz: tf.Tensor) => vae.decode(zz as tf.Tensor3D, 28).square().sum())(z);
    const gSum = tf.tidy(() => g.abs().sum());
    expect((await gSum.data())[0]).toBeGreaterThan(0);
    const basis = vae.basisImages();
    expect(basis.shape).toEqual([8, 7, 7, 1]);
    const range = tf.tidy(() => tf.stack([basis.min(), basis.max()]));
    const [lo, hi] = await range.data();
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    tf.dispose([x, z, again, rms, same, g, gSum, basis, range]);
  });

  it('survives serialize -> bytes -> restore with identical reconstructions, and carries the data PCA', async () => {
    const restored = restoreConvVaeTokenizer(tokenizerFromBytes(tokenizerToBytes(vae.serialize())));
    const x = heldOut.slice(0, 16);
    const diff = tf.tidy(() => restored.decode(restored.encode(x), 28).sub(vae.decode(vae.encode(x), 28)).abs().max());
    expect((await diff.data())[0]).toBe(0);
    expect(restored.pca?.patchDim).toBe(49);
    tf.dispose([x, diff]);
    restored.dispose();
  });
});
