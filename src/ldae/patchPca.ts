// Patch-wise PCA of the data: mean, covariance eigenvalues (descending) and the full orthonormal
// basis. The PCA tokenizer keeps its first d rows; the l-DAE loss weights errors in the full basis.
import * as tf from '@tensorflow/tfjs';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

export interface PatchPca {
  patchDim: number;
  /** Mean patch, length D. */
  mean: Float32Array;
  /** Covariance eigenvalues, descending, length D (clamped at 0). */
  eigenvalues: Float64Array;
  /** Full basis V_full, D x D row-major; row i is the i-th principal direction (unit norm). */
  basis: Float32Array;
  samples: number;
}

/** PCA of patches [n, D]: covariance on the device (one D x D readback), eigendecomposition in float64. */
export async function fitPatchPca(patches: tf.Tensor2D): Promise<PatchPca> {
  const [n, D] = patches.shape;
  if (n < 2) throw new Error(`PCA needs at least 2 patches, got ${n}`);
  const [meanT, covT] = tf.tidy(() => {
    const mean = patches.mean(0);
    const centred = patches.sub(mean);
    return [mean, tf.matMul(centred, centred, true, false).div(n - 1)];
  });
  const [mean, cov] = await Promise.all([meanT.data() as Promise<Float32Array>, covT.data() as Promise<Float32Array>]);
  meanT.dispose();
  covT.dispose();
  const { eigenvalues, basis } = symmetricEigen(cov, D);
  return { patchDim: D, mean: Float32Array.from(mean), eigenvalues, basis, samples: n };
}

/** Eigen-decomposition of a symmetric D x D matrix: eigenvalues descending, eigenvectors as rows. */
export function symmetricEigen(sym: ArrayLike<number>, D: number): { eigenvalues: Float64Array; basis: Float32Array } {
  const rows: number[][] = [];
  for (let i = 0; i < D; i++) {
    const row = new Array<number>(D);
    for (let j = 0; j < D; j++) row[j] = 0.5 * (sym[i * D + j] + sym[j * D + i]);
    rows.push(row);
  }
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
  const eigenvalues = new Float64Array(D);
  const basis = new Float32Array(D * D);
  order.forEach((col, k) => {
    eigenvalues[k] = Math.max(0, values[col]);
    // Sign convention (display only): the largest-magnitude entry of each eigen-patch is positive.
    let big = 0;
    for (let j = 0; j < D; j++) if (Math.abs(vectors.get(j, col)) > Math.abs(big)) big = vectors.get(j, col);
    const sign = big < 0 ? -1 : 1;
    for (let j = 0; j < D; j++) basis[k * D + j] = sign * vectors.get(j, col);
  });
  return { eigenvalues, basis };
}

/** Cumulative explained variance for k = 1..D. */
export function explainedVarianceCurve(eigenvalues: ArrayLike<number>): number[] {
  let total = 0;
  for (let i = 0; i < eigenvalues.length; i++) total += eigenvalues[i];
  const curve: number[] = [];
  let acc = 0;
  for (let i = 0; i < eigenvalues.length; i++) {
    acc += eigenvalues[i];
    curve.push(total > 0 ? acc / total : 0);
  }
  return curve;
}

export function serializePca(pca: PatchPca): { arrays: Record<string, { shape: number[]; data: Float32Array }>; extras: Record<string, number | number[]> } {
  const D = pca.patchDim;
  return {
    arrays: { pcaMean: { shape: [D], data: pca.mean }, pcaBasis: { shape: [D, D], data: pca.basis } },
    extras: { pcaEigenvalues: Array.from(pca.eigenvalues), pcaSamples: pca.samples },
  };
}

export function deserializePca(
  arrays: Record<string, { shape: number[]; data: Float32Array }>,
  extras: Record<string, number | number[] | string>,
): PatchPca {
  const mean = arrays.pcaMean;
  const basis = arrays.pcaBasis;
  const eig = extras.pcaEigenvalues;
  if (!mean || !basis || !Array.isArray(eig)) throw new Error('serialized tokenizer has no PCA arrays');
  return {
    patchDim: mean.shape[0],
    mean: Float32Array.from(mean.data),
    basis: Float32Array.from(basis.data),
    eigenvalues: Float64Array.from(eig),
    samples: Number(extras.pcaSamples ?? 0),
  };
}
