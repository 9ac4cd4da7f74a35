// WebGPU GELU forward and gradient as one elementwise program each (the contract is
// src/ldae/model/fusedGelu.ts): the tfjs-op composite costs 6 dispatches forward and 8 backward
// per MLP, each a full pass over the [B*N, 4W] activations. webGpuFusedGelu.set(false) unregisters
// them, so layers.ts falls back to the composite (the reference path of --reference-kernels and
// of the parity test, tests/unit/webgpu-node-fused.test.ts).
import * as tf from '@tensorflow/tfjs';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { kernelSwitch } from './kernelSwitch';
import { GELU_C1, GELU_C3, GELU_GRAD_KERNEL, GELU_KERNEL } from '../ldae/model/fusedGelu';

const WORKGROUP = 64;

type Info = tf.TensorInfo;

interface WebGpuBackendLike {
  runWebGPUProgram(program: WebGPUProgram, inputs: Info[], dtype: tf.DataType, uniforms?: { type: string; data: number[] }[]): Info;
}

/** Shared WGSL: z = C1 (x + 0.044715 x^3) as x (C1 + C3 x^2), s = sigmoid(z). */
const SIGMOID_OF_Z = `let x2 = xv * xv;
      let s = 1.0 / (1.0 + exp(-xv * (${GELU_C1} + ${GELU_C3} * x2)));`;

class GeluProgram implements WebGPUProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  uniforms = 'n : i32,';

  constructor(
    private readonly grad: boolean,
    shape: number[],
  ) {
    this.variableNames = grad ? ['dy', 'x'] : ['x'];
    this.outputShape = shape;
    this.shaderKey = `ldae_gelu_${grad ? 'grad' : 'fwd'}`;
    this.dispatch = [Math.ceil(tf.util.sizeFromShape(shape) / WORKGROUP), 1, 1];
  }

  getUserCode(): string {
    const value = this.grad ? `f32(dy[index]) * (s + s * (1.0 - s) * xv * (${GELU_C1} + ${3 * GELU_C3} * x2))` : 'xv * s';
    return `fn main(index : i32) {
      if (index >= uniforms.n) { return; }
      let xv = f32(x[index]);
      ${SIGMOID_OF_Z}
      setOutputAtIndex(index, ${value});
    }`;
  }
}

function run(grad: boolean, inputs: Info[], backend: unknown): Info {
  const x = inputs[inputs.length - 1];
  const n = tf.util.sizeFromShape(x.shape);
  return (backend as WebGpuBackendLike).runWebGPUProgram(new GeluProgram(grad, x.shape), inputs, 'float32', [{ type: 'int32', data: [n] }]);
}

const KERNELS: tf.KernelConfig[] = [
  { kernelName: GELU_KERNEL, backendName: 'webgpu', kernelFunc: ({ inputs, backend }) => run(false, [inputs.x as Info], backend) },
  { kernelName: GELU_GRAD_KERNEL, backendName: 'webgpu', kernelFunc: ({ inputs, backend }) => run(true, [inputs.dy as Info, inputs.x as Info], backend) },
];

export const webGpuFusedGelu = kernelSwitch(KERNELS);
