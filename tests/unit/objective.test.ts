import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, configProblems } from '../../src/ldae/config';
import { corrupt, createPcaLossBasis, denoisePass, weightedLoss } from '../../src/ldae/objective';
import { symmetricEigen, type PatchPca } from '../../src/ldae/patchPca';
import { patchify } from '../../src/ldae/patches';
import { rng } from '../../src/ldae/random';
import { PcaTokenizer } from '../../src/ldae/tokenizers/pca';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function randomPca(D: number, seed: number): PatchPca {
  const r = rng(seed);
  const a = Float64Array.from({ length: D * D }, () => r() - 0.5);
  const sym = new Float64Array(D * D);
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) for (let k = 0; k < D; k++) sym[i * D + j] += a[i * D + k] * a[j * D + k];
  const { eigenvalues, basis } = symmetricEigen(sym, D);
  return { patchDim: D, mean: Float32Array.from({ length: D }, () => r()), eigenvalues, basis, samples: 0 };
}

describe('objective', () => {
  it('PCA-weighted loss equals lambda_t (0.1 |e|^2 + 0.9 |V e|^2) for an orthonormal basis, on random tensors', async () => {
    const [B, N, D, d] = [5, 4, 16, 3];
    const pca = randomPca(D, 11);
    const pcaLoss = createPcaLossBasis(pca, d);
    const pred = tf.randomNormal([B, N, D], 0, 1, 'float32', 1) as tf.Tensor3D;
    const target = tf.randomNormal([B, N, D], 0, 1, 'float32', 2) as tf.Tensor3D;
    const sigmaArr = Float32Array.from({ length: B }, (_, i) => 0.3 * i);
    const sigma = tf.tensor1d(sigmaArr);
    const gamma = tf.onesLike(sigma) as tf.Tensor1D;
    const loss = (await weightedLoss('pca-weighted', pred, target, gamma, sigma, pcaLoss).data())[0];

    // Reference in float64 from the closed form, with V = the first d rows of the basis.
    const p = await pred.data();
    const q = await target.data();
    let expected = 0;
    for (let b = 0; b < B; b++) {
      const lambda = 1 / (1 + sigmaArr[b] ** 2);
      let acc = 0;
      for (let n = 0; n < N; n++) {
        const e = Array.from({ length: D }, (_, j) => q[(b * N + n) * D + j] - p[(b * N + n) * D + j]);
        const e2 = e.reduce((s, v) => s + v * v, 0);
        let ve2 = 0;
        for (let i = 0; i < d; i++) {
          let r = 0;
          for (let j = 0; j < D; j++) r += pca.basis[i * D + j] * e[j];
          ve2 += r * r;
        }
        acc += 0.1 * e2 + 0.9 * ve2;
      }
      expected += (lambda * acc) / N / D / B;
    }
    expect(Math.abs(loss - expected) / expected).toBeLessThan(1e-5);
    // ... and differs from plain MSE (the weighting really does something).
    const plain = (await weightedLoss('inv-1p-sigma2', pred, target, gamma, sigma, null).data())[0];
    expect(Math.abs(plain - expected) / expected).toBeGreaterThan(0.1);
    tf.dispose([pred, target, sigma, gamma]);
    pcaLoss.dispose();
  });

  it('weightings: gamma2 uses gamma_t^2, none ignores the level', async () => {
    const pred = tf.zeros([2, 1, 1]) as tf.Tensor3D;
    const target = tf.ones([2, 1, 1]) as tf.Tensor3D;
    const gamma = tf.tensor1d([1, 0.5]);
    const sigma = tf.tensor1d([0, Math.sqrt(0.75)]);
    expect((await weightedLoss('gamma2', pred, target, gamma, sigma, null).data())[0]).toBeCloseTo((1 + 0.25) / 2, 6);
    expect((await weightedLoss('none', pred, target, gamma, sigma, null).data())[0]).toBeCloseTo(1, 6);
    expect((await weightedLoss('inv-1p-sigma2', pred, target, gamma, sigma, null).data())[0]).toBeCloseTo((1 + 1 / 1.75) / 2, 6);
    tf.dispose([pred, target, gamma, sigma]);
  });

  it('corrupts z_t = gamma z0 + sigma eps and builds input/target in the configured spaces', async () => {
    const D = 4;
    const pca = randomPca(D, 3);
    const tok = new PcaTokenizer(pca, 2, 2, 'unit-rms');
    const x0 = tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
    const eps = tf.randomNormal([3, 4, 2], 0, 1, 'float32', 4) as tf.Tensor3D;
    const noise = { gamma: tf.tensor1d([1, 0.6, 0]), sigma: tf.tensor1d([0, 0.8, 1]), eps };
    const t = tf.tensor1d([0, 0.5, 1]);
    const identity = (tokens: tf.Tensor3D) => tokens.clone();

    const z0 = tok.encode(x0);
    const zt = corrupt(z0, noise);
    const ztv = (await zt.array()) as number[][][];
    const epsv = (await eps.array()) as number[][][];
    const z0v = (await z0.array()) as number[][][];
    expect(ztv[1][2][1]).toBeCloseTo(0.6 * z0v[1][2][1] + 0.8 * epsv[1][2][1], 5);
    expect(ztv[2][0][0]).toBeCloseTo(epsv[2][0][0], 5);

    const latent = denoisePass({ ...DEFAULT_CONFIG, inputSpace: 'latent', outputSpace: 'latent', target: 'eps' }, tok, identity, x0, t, noise);
    expect(latent.input.shape).toEqual([3, 4, 2]);
    expect((await latent.target.sub(eps).abs().max().data())[0]).toBe(0);

    const pixel = denoisePass({ ...DEFAULT_CONFIG, inputSpace: 'pixel', outputSpace: 'pixel', target: 'x0' }, tok, identity, x0, t, noise);
    expect(pixel.input.shape).toEqual([3, 4, 4]);
    const patches = patchify(x0, 2);
    expect((await pixel.target.sub(patches).abs().max().data())[0]).toBe(0);
    // Pixel input at sigma = 0 is the PCA reconstruction V^T V x (+ mean), not x itself.
    const recon = patchify(tok.decode(z0, 4), 2);
    expect((await pixel.input.slice([0, 0, 0], [1, 4, 4]).sub(recon.slice([0, 0, 0], [1, 4, 4])).abs().max().data())[0]).toBeLessThan(1e-5);

    const z0pix = denoisePass({ ...DEFAULT_CONFIG, inputSpace: 'latent', outputSpace: 'pixel', target: 'z0' }, tok, identity, x0, t, noise);
    expect((await z0pix.target.sub(recon).abs().max().data())[0]).toBeLessThan(1e-5);
    tf.dispose([x0, eps, noise.gamma, noise.sigma, t, z0, zt, patches, recon, ...Object.values(latent), ...Object.values(pixel), ...Object.values(z0pix)]);
    tok.dispose();
  });

  it('config rejects undefined combinations', () => {
    const fields = (patch: object) => configProblems({ ...DEFAULT_CONFIG, ...patch }).map((p) => p.field);
    expect(fields({ target: 'eps', outputSpace: 'pixel' })).toContain('target');
    expect(fields({ lossWeighting: 'pca-weighted', outputSpace: 'latent', target: 'z0' })).toContain('lossWeighting');
    expect(fields({})).toEqual([]);
  });
});
