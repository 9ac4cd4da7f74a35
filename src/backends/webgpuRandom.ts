// The WebGPU counter-based random generator (the contract and the JS reference are
// src/ldae/deviceRandom.ts): one thread per output element hashes (seed, index); the seed is a
// uniform of the dispatch, so a draw uploads no tensor (tf.randomNormal / randomUniform draw on
// the CPU and upload the result). webGpuRandom.set(false) unregisters it (the trainer then draws
// on the CPU again); the parity test is tests/unit/webgpu-node-random.test.ts.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { kernelSwitch } from './kernelSwitch';
import { RANDOM_KERNEL, mix32 } from '../ldae/deviceRandom';

const WORKGROUP = 64;

class RandomProgram implements WebGPUProgram {
  variableNames: string[] = [];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  uniforms = 'n : i32, base : u32,';

  constructor(
    shape: number[],
    private readonly normal: boolean,
  ) {
    this.outputShape = shape;
    this.shaderKey = `ldae_random_${normal}`;
    this.dispatch = [Math.ceil(tf.util.sizeFromShape(shape) / WORKGROUP), 1, 1];
  }

  getUserCode(): string {
    const value = this.normal
      ? `sqrt(-2.0 * log(1.0 - uniformAt(2u * u32(index)))) * cos(${2 * Math.PI} * uniformAt(2u * u32(index) + 1u))`
      : 'uniformAt(u32(index))';
    return `fn mix32(v : u32) -> u32 {
      var x = v;
      x = x ^ (x >> 16u);
      x = x * 0x7feb352du;
      x = x ^ (x >> 15u);
      x = x * 0x846ca68bu;
      return x ^ (x >> 16u);
    }
    fn uniformAt(i : u32) -> f32 {
      return f32(mix32(i + uniforms.base) >> 8u) * ${1 / 16777216};
    }
    fn main(index : i32) {
      if (index >= uniforms.n) { return; }
      setOutputAtIndex(index, ${value});
    }`;
  }
}

const randomKernel: tf.KernelFunc = ({ backend, attrs }) => {
  const { shape, seed, normal } = attrs as unknown as { shape: number[]; seed: number; normal: boolean };
  const n = tf.util.sizeFromShape(shape);
  const b = backend as unknown as { runWebGPUProgram(p: WebGPUProgram, i: tf.TensorInfo[], d: tf.DataType, u: { type: string; data: number[] }[]): tf.TensorInfo };
  return b.runWebGPUProgram(new RandomProgram(shape, normal), [], 'float32', [
    { type: 'int32', data: [n] },
    { type: 'uint32', data: [mix32(seed >>> 0)] },
  ]);
};

export const webGpuRandom = kernelSwitch([{ kernelName: RANDOM_KERNEL, backendName: 'webgpu', kernelFunc: randomKernel }]);
