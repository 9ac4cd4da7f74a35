import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetNode } from '../../src/data/loadNode';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import { splitImages } from '../../src/ldae/deviceData';
import { patchify } from '../../src/ldae/patches';
import { fitDataPca, PcaTokenizer } from '../../src/ldae/tokenizers/pca';
import { PixelTokenizer } from '../../src/ldae/tokenizers/pixel';
import { fitTokenizer, restoreTokenizer } from '../../src/ldae/tokenizers';
import type { PatchPca } from '../../src/ldae/patchPca';

let train: tf.Tensor4D;
let heldOut: tf.Tensor4D;
let pca: PatchPca;
const cfg: ExperimentConfig = { ...DEFAULT_CONFIG, patchSize: 7, latentDim: 8, tokenizerSamples: 40000 };

beforeAll(async () => {
  await tf.setBackend('cpu');
  const data = await loadDatasetNode('fashion-mnist');
  train = splitImages(data.train, data.meta, 20000);
  heldOut = splitImages(data.test, data.meta, 4000);
  pca = await fitDataPca(cfg, train);
});

afterAll(() => tf.dispose([train, heldOut]));

async function maxAbs(t: tf.Tensor): Promise<number> {
  const v = (await t.abs().max().data())[0];
  t.dispose();
  return v;
}

describe('patch-wise PCA', () => {
  it('has an orthonormal basis, |V V^T - I| < 1e-4, and descending eigenvalues', async () => {
    const D = pca.patchDim;
    expect(D).toBe(49);
    const V = tf.tensor2d(pca.basis, [D, D]);
    expect(await maxAbs(tf.matMul(V, V, false, true).sub(tf.eye(D)))).toBeLessThan(1e-4);
    V.dispose();
    for (let i = 1; i < D; i++) expect(pca.eigenvalues[i]).toBeLessThanOrEqual(pca.eigenvalues[i - 1]);
  });

  it('mean held-out reconstruction error equals the sum of discarded eigenvalues within 2%', async () => {
    const tokenizer = new PcaTokenizer(pca, 7, 8, 'none');
    const recon = tokenizer.decode(tokenizer.encode(heldOut), 28);
    const P = patchify(heldOut, 7);
    const R = patchify(recon, 7);
    const perPatch = (await R.sub(P).square().sum(2).mean().data())[0];
    let discarded = 0;
    for (let i = 8; i < 49; i++) discarded += pca.eigenvalues[i];
    expect(Math.abs(perPatch - discarded) / discarded).toBeLessThan(0.02);
    tf.dispose([recon, P, R]);
    tokenizer.dispose();
  });

  it('with d = D, encode then decode is the identity within 1e-4 (both latent scalings)', async () => {
    for (const scaling of ['unit-rms', 'none'] as const) {
      const tokenizer = new PcaTokenizer(pca, 7, 49, scaling);
      const x = heldOut.slice([0, 0, 0, 0], [64, 28, 28, 1]);
      expect(await maxAbs(tokenizer.decode(tokenizer.encode(x), 28).sub(x))).toBeLessThan(1e-4);
      x.dispose();
      tokenizer.dispose();
    }
  });

  it('unit-rms scaling gives the kept latents unit RMS on held-out data', async () => {
    const tokenizer = new PcaTokenizer(pca, 7, 8, 'unit-rms');
    const z = tokenizer.encode(heldOut);
    const rms = Math.sqrt((await z.square().mean().data())[0]);
    expect(rms).toBeGreaterThan(0.95);
    expect(rms).toBeLessThan(1.05);
    z.dispose();
    tokenizer.dispose();
  });

  it('pixel tokenizer: identity with latentScaling none, invertible with unit-rms', async () => {
    const x = heldOut.slice([0, 0, 0, 0], [16, 28, 28, 1]);
    const identity = new PixelTokenizer(pca, 7, 'none');
    const z = identity.encode(x);
    expect(z.shape).toEqual([16, 16, 49]);
    const p = patchify(x, 7);
    expect(await maxAbs(z.sub(p))).toBe(0);
    const scaled = new PixelTokenizer(pca, 7, 'unit-rms');
    expect(await maxAbs(scaled.decode(scaled.encode(x), 28).sub(x))).toBeLessThan(1e-5);
    tf.dispose([x, z, p]);
    identity.dispose();
    scaled.dispose();
  });

  it('registry fits, serializes and restores; unknown kinds throw a clear error', async () => {
    const small = { ...cfg, tokenizerSamples: 2000 };
    const tok = await fitTokenizer(small, train);
    const back = restoreTokenizer(tok.serialize());
    const x = heldOut.slice([0, 0, 0, 0], [4, 28, 28, 1]);
    expect(await maxAbs(back.encode(x).sub(tok.encode(x)))).toBeLessThan(1e-6);
    expect(tok.explainedVariance()?.length).toBe(49);
    expect(tok.basisImages().shape).toEqual([8, 7, 7, 1]);
    await expect(fitTokenizer({ ...small, tokenizer: 'bogus' as ExperimentConfig['tokenizer'] }, train)).rejects.toThrow(/"bogus" is not implemented/);
    x.dispose();
    tok.dispose();
    back.dispose();
  });
});
