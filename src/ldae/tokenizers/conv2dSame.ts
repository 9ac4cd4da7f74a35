// A convolution the conv VAE can train on every backend. tfjs-backend-wasm 4.22 has no
// Conv2DBackpropFilter kernel (tf.conv2d cannot be trained there at all), and its
// Conv2DBackpropInput is ~10x slower than its XNNPACK conv2d, so the gradient is written with
// forward convolutions only (measured in Node on wasm SIMD).
import * as tf from '@tensorflow/tfjs';

/**
 * Stride-1 'same' convolution plus bias, x [B, H, W, Cin], w [k, k, Cin, Cout] (k odd), b [Cout],
 * with gradients from forward convolutions and an un-transposed matMul only:
 *   dx = conv2d(dy, w flipped in space with in/out channels swapped), 'same'
 *   dW[ky, kx, ci, co] = sum_{b,y,x} xpad[b, y+ky, x+kx, ci] dy[b, y, x, co]
 *      = conv2d(x with the batch as channels [Cin, H, W, B], dy as the filter [H, W, B, Cout])
 *   db = ones[1, B*H*W] @ dy[B*H*W, Cout]   (a reduction over leading axes is slow on wasm)
 */
export const conv2dSame = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.GradSaveFunc];
  const k = w.shape[0];
  if (k % 2 !== 1 || w.shape[1] !== k) throw new Error(`conv2dSame needs an odd square kernel, got ${k}x${w.shape[1]}`);
  save([x, w]);
  return {
    value: tf.fused.conv2d({ x, filter: w, bias: b, strides: 1, pad: 'same' }),
    gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
      const half = (ws.shape[0] - 1) / 2;
      const dx = tf.conv2d(dy, ws.reverse([0, 1]).transpose([0, 1, 3, 2]) as tf.Tensor4D, 1, 'same');
      const dwT = tf.conv2d(xs.transpose([3, 1, 2, 0]) as tf.Tensor4D, dy.transpose([1, 2, 0, 3]) as tf.Tensor4D, 1, [
        [0, 0],
        [half, half],
        [half, half],
        [0, 0],
      ]);
      const [B, H, W, cout] = dy.shape;
      const db = tf.matMul(tf.ones([1, B * H * W]), dy.reshape([B * H * W, cout])).reshape([cout]);
      return [dx, dwT.transpose([1, 2, 0, 3]), db];
    },
  };
}) as (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D) => tf.Tensor4D;
