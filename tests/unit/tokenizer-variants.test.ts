// Patch-wise AE and VAE tokenizers on Fashion-MNIST patches (wasm backend, small budgets).
import * as tf from '@tensorflow/tfjs';
import { Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetNode } from '../../src/data/loadNode';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import { splitImages } from '../../src/ldae/deviceData';
import { tokenizerFromBytes, tokenizerToBytes } from '../../src/ldae/tokenizers/cache/binary';
import { fitLinearPatchCodec, type LinearPatchTokenizer } from '../../src/ldae/tokenizers/linearPatchCodec';
import { fitPatchAeTokenizer, restorePatchAeTokenizer } from '../../src/ldae/tokenizers/patchAE';
import { fitPatchVaeTokenizer, restorePatchVaeTokenizer } from '../../src/ldae/tokenizers/patchVAE';
import { reconstructionMetrics } from '../../src/ldae/tokenizers/reconstructionMetrics';
import type { TokenizerFitProgress } from '../../src/ldae/tokenizers/types';
import { setupNodeBackend } from '../../src/node/backend';

const cfg: ExperimentConfig = { ...DEFAULT_CONFIG, patchSize: 7, latentDim: 8, tokenizerSamples: 10000, tokenizerSteps: 1500 };

let train: tf.Tensor4D;
let heldOut: tf.Tensor4D;
let ae: LinearPatchTokenizer;
const aeProgress: TokenizerFitProgress[] = [];
let tensorsBefore = 0;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  const data = await loadDatasetNode('fashion-mnist');
  train = splitImages(data.train, data.meta, 5000);
  heldOut = splitImages(data.test, data.meta, 500);
  tensorsBefore = tf.memory().numTensors;
  ae = await fitPatchAeTokenizer(cfg, train, (p) => aeProgress.push(p));
});

afterAll(() => {
  ae.dispose();
  tf.dispose([train, heldOut]);
});

/** Rows of a row-major [k, D] array as an ml-matrix. */
function rows(data: Float32Array, k: number, D: number): Matrix {
  const m = new Matrix(k, D);
  for (let i = 0; i < k; i++) for (let j = 0; j < D; j++) m.set(i, j, data[i * D + j]);
  return m;
}

/** Principal angles (degrees) between the row spaces of A [k, D] and of B [k, D] (B orthonormal rows). */
function principalAnglesDeg(A: Matrix, B: Matrix): number[] {
  const k = A.rows;
  const Qa = new QrDecomposition(A.transpose()).orthogonalMatrix.subMatrix(0, A.columns - 1, 0, k - 1);
  const cosines = new SingularValueDecomposition(Qa.transpose().mmul(B.transpose())).diagonal;
  return cosines.map((c) => (Math.acos(Math.min(1, c)) * 180) / Math.PI);
}

describe('patch-wise AE', () => {
  it('spans the top-d PCA subspace: principal angles between its decoder rows and the PCA basis all < 10 degrees', () => {
    const s = ae.serialize();
    const { latentDim: d, patchDim: D } = ae;
    expect(ae.pca).toBeDefined();
    const pcaTop = rows(ae.pca!.basis.subarray(0, d * D), d, D);
    const angles = principalAnglesDeg(rows(s.arrays.U.data, d, D), pcaTop);
    expect(angles).toHaveLength(d);
    for (const a of angles) expect(a).toBeLessThan(10);
    // The encoder spans the same subspace (V and U are not tied, nothing forces this but the loss).
    for (const a of principalAnglesDeg(rows(s.arrays.V.data, d, D), pcaTop)) expect(a).toBeLessThan(10);
    // ...and it is not the whole story of a random subspace: the next d PCA directions are far away.
    const pcaNext = rows(ae.pca!.basis.subarray(d * D, 2 * d * D), d, D);
    expect(Math.max(...principalAnglesDeg(rows(s.arrays.U.data, d, D), pcaNext))).toBeGreaterThan(60);
  });

  it('reconstructs training patches as well as PCA (the sum of discarded eigenvalues) within 3 %', () => {
    const D = ae.patchDim;
    let discarded = 0;
    for (let i = ae.latentDim; i < D; i++) discarded += ae.pca!.eigenvalues[i];
    const trainMse = Number(ae.serialize().extras.trainReconMse);
    expect(Math.abs(trainMse - discarded / D) / (discarded / D)).toBeLessThan(0.03);
  });

  it('reports progress up to fraction 1 with a falling reconstruction curve, and has unit-RMS latents', async () => {
    expect(aeProgress.length).toBeGreaterThan(3);
    expect(aeProgress[aeProgress.length - 1].fraction).toBe(1);
    for (let i = 1; i < aeProgress.length; i++) expect(aeProgress[i].fraction).toBeGreaterThan(aeProgress[i - 1].fraction);
    const curve = ae.serialize().extras.curveReconMse as number[];
    expect(curve[curve.length - 1]).toBeLessThan(curve[0]);
    const rms = tf.tidy(() => ae.encode(train.slice(0, 1000)).square().mean().sqrt());
    const value = (await rms.data())[0];
    rms.dispose();
    expect(value).toBeGreaterThan(0.9);
    expect(value).toBeLessThan(1.1);
  });

  it('encodes [B,H,W,C] -> [B,N,d] and decodes back, differentiably', async () => {
    const x = heldOut.slice(0, 3);
    const z = ae.encode(x);
    expect(z.shape).toEqual([3, 16, 8]);
    const y = ae.decode(z, 28);
    expect(y.shape).toEqual([3, 28, 28, 1]);
    const g = tf.grad((zz: tf.Tensor) => ae.decode(zz as tf.Tensor3D, 28).square().sum())(z);
    const gSum = tf.tidy(() => g.abs().sum());
    const gAbs = (await gSum.data())[0];
    gSum.dispose();
    expect(Number.isFinite(gAbs) && gAbs > 0).toBe(true);
    const basis = ae.basisImages();
    expect(basis.shape).toEqual([8, 7, 7, 1]);
    tf.dispose([x, z, y, g, basis]);
  });

  it('survives serialize -> bytes -> restore with identical encodings', async () => {
    const restored = restorePatchAeTokenizer(tokenizerFromBytes(tokenizerToBytes(ae.serialize())));
    const diff = tf.tidy(() => restored.encode(heldOut).sub(ae.encode(heldOut)).abs().max());
    expect((await diff.data())[0]).toBe(0);
    diff.dispose();
    expect(restored.pca?.eigenvalues[0]).toBe(ae.pca?.eigenvalues[0]);
    restored.dispose();
  });
});

describe('patch-wise VAE', () => {
  it('KL term falls as beta grows (beta 1e-3 -> 0.1 -> 1)', async () => {
    const kls: number[] = [];
    for (const beta of [1e-3, 0.1, 1]) {
      const vae = await fitLinearPatchCodec(train, {
        kind: 'patch-vae',
        patchSize: 7,
        latentDim: 4,
        samples: 5000,
        steps: 500,
        seed: 3,
        beta,
        latentScaling: 'unit-rms',
      });
      kls.push(Number(vae.serialize().extras.klPerToken));
      vae.dispose();
    }
    expect(kls[1]).toBeLessThan(kls[0]);
    expect(kls[2]).toBeLessThan(kls[1]);
  });

  it('reconstructs held-out images within 20 % of the AE at the default small beta, encode = the posterior mean', async () => {
    expect(cfg.vaeBeta).toBeLessThanOrEqual(1e-2);
    const vae = await fitPatchVaeTokenizer(cfg, train);
    expect(vae.kind).toBe('patch-vae');
    const [vaeMetrics, aeMetrics] = [await reconstructionMetrics(vae, heldOut), await reconstructionMetrics(ae, heldOut)];
    expect(vaeMetrics.mse).toBeLessThan(1.2 * aeMetrics.mse);
    expect(aeMetrics.mse).toBeLessThan(0.5 * aeMetrics.meanImageMse);
    expect(vaeMetrics.psnr).toBeCloseTo(10 * Math.log10(1 / vaeMetrics.mse), 6);
    // Deterministic encode (no sampling): the same input twice gives the same z.
    const diff = tf.tidy(() => vae.encode(heldOut.slice(0, 8)).sub(vae.encode(heldOut.slice(0, 8))).abs().max());
    expect((await diff.data())[0]).toBe(0);
    diff.dispose();
    const restored = restorePatchVaeTokenizer(vae.serialize());
    const rdiff = tf.tidy(() => restored.decode(restored.encode(heldOut.slice(0, 8)), 28).sub(vae.decode(vae.encode(heldOut.slice(0, 8)), 28)).abs().max());
    expect((await rdiff.data())[0]).toBe(0);
    tf.dispose([rdiff]);
    restored.dispose();
    vae.dispose();
  });

  it('leaks no tensors: fitting and disposing leaves only the AE fitted in beforeAll', () => {
    const aeTensors = 3; // mean, V^T, U
    expect(tf.memory().numTensors).toBe(tensorsBefore + aeTensors);
  });
});
