// Building blocks of the DiT block with hand-written gradients where autodiff would launch
// many more small kernels than needed (LayerNorm + adaLN modulation, GELU).
import * as tf from '@tensorflow/tfjs';

export const LN_EPS = 1e-6; // DiT

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

type CustomGradFn = Parameters<typeof tf.customGrad>[0];

/** Sums g over the axes where `shape` is 1 and g is not (undoes broadcasting). */
function sumToShape(g: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = shape.flatMap((s, i) => (s === 1 && g.shape[i] !== 1 ? [i] : []));
  return axes.length === 0 ? g : tf.sum(g, axes, true);
}

/**
 * adaLN modulation of a LayerNorm without affine parameters (DiT's norm1/norm2/norm_final):
 * y = LN(x) * (1 + scale) + shift, over the last axis. x [B,N,W]; shift, scale [B or 1, 1, W].
 */
export const modulatedLayerNorm = tf.customGrad(((x: tf.Tensor, shift: tf.Tensor, scale: tf.Tensor, save: tf.GradSaveFunc) => {
    const { mean, variance } = tf.moments(x, -1, true);
    const rstd = tf.rsqrt(tf.add(variance, LN_EPS));
    const xhat = tf.mul(tf.sub(x, mean), rstd);
    const scale1 = tf.add(scale, 1);
    save([xhat, rstd, scale1]);
    return {
      value: tf.add(tf.mul(xhat, scale1), shift),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, rs, s1] = saved;
        const dShift = sumToShape(dy, shift.shape);
        const dScale = sumToShape(tf.mul(dy, xh), scale.shape);
        const g = tf.mul(dy, s1);
        const meanG = tf.mean(g, -1, true);
        const meanGx = tf.mean(tf.mul(g, xh), -1, true);
        const dx = tf.mul(tf.sub(tf.sub(g, meanG), tf.mul(xh, meanGx)), rs);
        return [dx, dShift, dScale];
      },
    };
  }) as unknown as CustomGradFn) as (x: tf.Tensor, shift: tf.Tensor, scale: tf.Tensor) => tf.Tensor;

/** Exact GELU, x * Phi(x) (PyTorch nn.GELU default; DiT uses the tanh approximation, |diff| < 1e-3). */
export const gelu = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const phiCdf = tf.add(tf.mul(tf.erf(tf.mul(x, INV_SQRT2)), 0.5), 0.5);
  save([x, phiCdf]);
  return {
    value: tf.mul(x, phiCdf),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, cdf] = saved;
      // d/dx x Phi(x) = Phi(x) + x phi(x), phi the standard normal density.
      const xPdf = tf.mul(tf.mul(tf.exp(tf.mul(tf.square(xs), -0.5)), xs), INV_SQRT_2PI);
      return [tf.mul(dy, tf.add(cdf, xPdf))];
    },
  };
}) as unknown as CustomGradFn) as (x: tf.Tensor) => tf.Tensor;

export function silu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/** x [M,K] @ w [K,O] + b, one fused kernel. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: w, bias: b }) as tf.Tensor2D;
}
