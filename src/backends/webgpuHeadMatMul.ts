// WebGPU batched matmul over attention's (sample, head) pairs with operands and output in the
// heads-in-place layout or plain (the contract is src/ldae/model/headMatMul.ts): one thread per
// output element, like webgpuKernels.ts's small batched matmul, with the layout in the index
// arithmetic instead of a Transpose dispatch before and after. webGpuHeadMatMul.set(false)
// unregisters it (attention then splits the heads with transposes); the parity test is
// tests/unit/webgpu-node-attention.test.ts.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { kernelSwitch } from './kernelSwitch';
import { HEAD_MATMUL_KERNEL, type HeadLayout, type HeadMatMulAttrs } from '../ldae/model/headMatMul';

const WORKGROUP = 64;

/** WGSL index of element (row r, col c) of matrix bt of an operand stored [rows, cols] per matrix. */
function at(layout: HeadLayout, rows: string, cols: string, r: string, c: string): string {
  return layout === 'plain'
    ? `bt * ${rows} * ${cols} + (${r}) * ${cols} + (${c})`
    : `((bt / uniforms.H * uniforms.T + (${r})) * uniforms.H + bt % uniforms.H) * uniforms.D + (${c})`;
}

class HeadMatMulProgram implements WebGPUProgram {
  variableNames = ['A', 'B'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  uniforms = 'M : i32, K : i32, Nc : i32, H : i32, T : i32, D : i32, total : i32, scale : f32,';

  constructor(
    outputShape: number[],
    total: number,
    private readonly a: HeadMatMulAttrs,
  ) {
    this.outputShape = outputShape;
    this.shaderKey = `ldae_head_mm_${a.aLayout}_${a.bLayout}_${a.outLayout}_${a.transposeA}_${a.transposeB}`;
    this.dispatch = [Math.ceil(total / WORKGROUP), 1, 1];
  }

  getUserCode(): string {
    const { aLayout, bLayout, outLayout, transposeA, transposeB } = this.a;
    // A is M x K logically (stored K x M when transposed); B is K x Nc (stored Nc x K when transposed).
    const aIdx = transposeA ? at(aLayout, 'uniforms.K', 'uniforms.M', 'k', 'i') : at(aLayout, 'uniforms.M', 'uniforms.K', 'i', 'k');
    const bIdx = transposeB ? at(bLayout, 'uniforms.Nc', 'uniforms.K', 'j', 'k') : at(bLayout, 'uniforms.K', 'uniforms.Nc', 'k', 'j');
    const outIdx = outLayout === 'plain' ? 'index' : at('heads', 'uniforms.M', 'uniforms.Nc', 'i', 'j');
    return `fn main(index : i32) {
      if (index >= uniforms.total) { return; }
      let j = index % uniforms.Nc;
      let i = (index / uniforms.Nc) % uniforms.M;
      let bt = index / (uniforms.Nc * uniforms.M);
      var acc = 0.0;
      for (var k = 0; k < uniforms.K; k = k + 1) { acc = acc + f32(A[${aIdx}]) * f32(B[${bIdx}]); }
      setOutputAtIndex(${outIdx}, acc * uniforms.scale);
    }`;
  }
}

/** Rows and columns of an operand's matrices as stored (before its transpose flag). */
function stored(layout: HeadLayout, x: tf.TensorInfo, a: HeadMatMulAttrs): [number, number] {
  return layout === 'heads' ? [a.tokens, a.headDim] : [x.shape[1], x.shape[2]];
}

const headMatMulKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { a: A, b: B } = inputs as Record<string, tf.TensorInfo>;
  const a = attrs as unknown as HeadMatMulAttrs;
  const [ar, ac] = stored(a.aLayout, A, a);
  const [br, bc] = stored(a.bLayout, B, a);
  const [M, K] = a.transposeA ? [ac, ar] : [ar, ac];
  const [K2, Nc] = a.transposeB ? [bc, br] : [br, bc];
  if (K !== K2) throw new Error(`${HEAD_MATMUL_KERNEL}: inner dimensions ${K} and ${K2} differ`);
  const BH = a.batch * a.heads;
  if (a.outLayout === 'heads' && (M !== a.tokens || Nc !== a.headDim)) throw new Error(`${HEAD_MATMUL_KERNEL}: a heads output must be tokens x headDim per head`);
  const outShape = a.outLayout === 'heads' ? [a.batch * a.tokens, a.heads * a.headDim] : [BH, M, Nc];
  const total = BH * M * Nc;
  const program = new HeadMatMulProgram(outShape, total, a);
  const b = backend as unknown as { runWebGPUProgram(p: WebGPUProgram, i: tf.TensorInfo[], d: tf.DataType, u: { type: string; data: number[] }[]): tf.TensorInfo };
  return b.runWebGPUProgram(program, [A, B], 'float32', [
    ...[M, K, Nc, a.heads, a.tokens, a.headDim, total].map((v) => ({ type: 'int32', data: [v] })),
    { type: 'float32', data: [a.scale] },
  ]);
};

export const webGpuHeadMatMul = kernelSwitch([{ kernelName: HEAD_MATMUL_KERNEL, backendName: 'webgpu', kernelFunc: headMatMulKernel }]);
