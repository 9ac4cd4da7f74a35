// GELU (tanh approximation) and its gradient as two kernels, GELU_KERNEL and GELU_GRAD_KERNEL:
// this file is their contract. A backend provides them by registering kernels under these names
// (src/backends/webgpuGelu.ts does, for webgpu: one dispatch each instead of 6 forward and 8
// backward); layers.ts's gelu uses them whenever they are registered for the active backend, and
// its tfjs-op composite otherwise. The kernel registry is the registry: this layer imports no backend.
//
// GELU_KERNEL: inputs {x}, output y = x * sigmoid(z), z = C1 (x + 0.044715 x^3), C1 = 2 sqrt(2/pi).
// GELU_GRAD_KERNEL: inputs {dy, x}, output dy * (s + s (1 - s) x z'), s = sigmoid(z), z' = C1 + 3 C3 x^2.
import * as tf from '@tensorflow/tfjs';

export const GELU_KERNEL = 'LdaeGelu';
export const GELU_GRAD_KERNEL = 'LdaeGeluGrad';
export const GELU_C1 = Math.sqrt(2 / Math.PI) * 2;
export const GELU_C3 = 0.044715 * GELU_C1;

export function hasFusedGelu(backend: string): boolean {
  return tf.getKernel(GELU_KERNEL, backend) !== undefined && tf.getKernel(GELU_GRAD_KERNEL, backend) !== undefined;
}

export function fusedGelu(x: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(GELU_KERNEL, { x }) as tf.Tensor;
}

export function fusedGeluGrad(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(GELU_GRAD_KERNEL, { dy, x }) as tf.Tensor;
}
