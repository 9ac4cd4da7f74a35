// WebGPU kernels of the adaLN-modulated LayerNorm (the contract is
// src/ldae/model/fusedLayerNorm.ts): row statistics and the modulated output forward, the
// shift/scale sums and dx backward, each one dispatch with one thread per row or per output, like
// webgpuKernels.ts's row kernels (our rows are short: W = 32..192). The tfjs-op composite costs 10
// dispatches forward and 12 backward per LayerNorm. setWebGpuFusedLayerNorm(false) unregisters
// them (the reference path).
// The parity test is tests/unit/webgpu-node-fused.test.ts.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { kernelSwitch } from './kernelSwitch';
import { LN_STATS_KERNEL, MOD_LN_KERNEL, MOD_LN_PARAM_GRAD_KERNEL, MOD_LN_X_GRAD_KERNEL } from '../ldae/model/fusedLayerNorm';

const WORKGROUP = 64;

type Info = tf.TensorInfo;
type Uniform = { type: string; data: number[] };

interface WebGpuBackendLike {
  runWebGPUProgram(program: WebGPUProgram, inputs: Info[], dtype: tf.DataType, uniforms?: Uniform[]): Info;
}

/** A program of `threads` threads (one per row / column / element) over `variableNames`. */
class LnProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  uniforms = 'threads : i32, cols : i32, tokens : i32, pb : i32, eps : f32,';

  constructor(
    readonly variableNames: string[],
    outputShape: number[],
    threads: number,
    key: string,
    private readonly body: string,
  ) {
    this.outputShape = outputShape;
    this.shaderKey = `ldae_ln_${key}`;
    this.dispatch = [Math.ceil(threads / WORKGROUP), 1, 1];
  }

  getUserCode(): string {
    return `fn main(t : i32) {
      if (t >= uniforms.threads) { return; }
      let W = uniforms.cols;
      ${this.body}
    }`;
  }
}

/** Mean and rstd of row r from stats; xhat of element i of row r. */
const ROW_STATS = `let mu = f32(stats[2 * r]);
      let rs = f32(stats[2 * r + 1]);`;
/** Index of the shift/scale entry of row r, column w: its sample b = r / tokens, or 0 when pb = 1. */
const PARAM_ROW = `select(0, r / uniforms.tokens, uniforms.pb > 1)`;

function run(backend: unknown, program: LnProgram, inputs: Info[], u: { threads: number; cols: number; tokens: number; pb: number; eps?: number }): Info {
  return (backend as WebGpuBackendLike).runWebGPUProgram(program, inputs, 'float32', [
    { type: 'int32', data: [u.threads] },
    { type: 'int32', data: [u.cols] },
    { type: 'int32', data: [u.tokens] },
    { type: 'int32', data: [u.pb] },
    { type: 'float32', data: [u.eps ?? 0] },
  ]);
}

/** x [B, N, W] -> rows, cols, tokens. */
function dims(x: Info): { rows: number; cols: number; tokens: number } {
  const cols = x.shape[x.shape.length - 1];
  const tokens = x.shape.length >= 2 ? x.shape[x.shape.length - 2] : 1;
  return { rows: tf.util.sizeFromShape(x.shape) / cols, cols, tokens };
}

const statsKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x as Info;
  const { rows, cols, tokens } = dims(x);
  const body = `let r = t;
      let o = r * W;
      var s = 0.0;
      for (var k = 0; k < W; k = k + 1) { s = s + f32(x[o + k]); }
      let mu = s / f32(W);
      var v = 0.0;
      for (var k = 0; k < W; k = k + 1) { let d = f32(x[o + k]) - mu; v = v + d * d; }
      setOutputAtIndex(2 * r, mu);
      setOutputAtIndex(2 * r + 1, inverseSqrt(v / f32(W) + uniforms.eps));`;
  const eps = (attrs as unknown as { eps: number }).eps;
  return run(backend, new LnProgram(['x'], [rows, 2], rows, 'stats', body), [x], { threads: rows, cols, tokens, pb: 1, eps });
};

const modLnKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const { x, stats, shift, scale } = inputs as Record<string, Info>;
  const { cols, tokens } = dims(x);
  const n = tf.util.sizeFromShape(x.shape);
  const body = `let r = t / W;
      let w = t % W;
      ${ROW_STATS}
      let p = ${PARAM_ROW} * W + w;
      setOutputAtIndex(t, (f32(x[t]) - mu) * rs * (1.0 + f32(scale[p])) + f32(shift[p]));`;
  return run(backend, new LnProgram(['x', 'stats', 'shift', 'scale'], x.shape, n, 'apply', body), [x, stats, shift, scale], { threads: n, cols, tokens, pb: shift.shape[0] });
};

const paramGradKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, x, stats } = inputs as Record<string, Info>;
  const { withXhat, paramBatch } = attrs as unknown as { withXhat: boolean; paramBatch: number };
  const { rows, cols, tokens } = dims(x);
  const rowsPer = paramBatch > 1 ? tokens : rows;
  const term = withXhat ? `f32(dy[i]) * (f32(x[i]) - mu) * rs` : 'f32(dy[i])';
  // uniforms.tokens = rows per shift/scale entry here (N per sample, or all rows when pb = 1).
  const body = `let b = t / W;
      let w = t % W;
      var acc = 0.0;
      for (var j = 0; j < uniforms.tokens; j = j + 1) {
        let r = b * uniforms.tokens + j;
        let i = r * W + w;
        ${withXhat ? ROW_STATS : ''}
        acc = acc + ${term};
      }
      setOutputAtIndex(t, acc);`;
  const key = `pgrad_${withXhat ? 'scale' : 'shift'}`;
  // (A binding the shader does not read would be dropped from the pipeline layout: dShift reads dy only.)
  const names = withXhat ? ['dy', 'x', 'stats'] : ['dy'];
  const ins = withXhat ? [dy, x, stats] : [dy];
  return run(backend, new LnProgram(names, [paramBatch, 1, cols], paramBatch * cols, key, body), ins, { threads: paramBatch * cols, cols, tokens: rowsPer, pb: paramBatch });
};

const xGradKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const { dy, x, stats, scale } = inputs as Record<string, Info>;
  const { rows, cols, tokens } = dims(x);
  const body = `let r = t;
      let o = r * W;
      ${ROW_STATS}
      let pr = ${PARAM_ROW} * W;
      var sg = 0.0;
      var sgx = 0.0;
      for (var k = 0; k < W; k = k + 1) {
        let g = f32(dy[o + k]) * (1.0 + f32(scale[pr + k]));
        sg = sg + g;
        sgx = sgx + g * (f32(x[o + k]) - mu) * rs;
      }
      let mg = sg / f32(W);
      let mgx = sgx / f32(W);
      for (var k = 0; k < W; k = k + 1) {
        let g = f32(dy[o + k]) * (1.0 + f32(scale[pr + k]));
        let xh = (f32(x[o + k]) - mu) * rs;
        setOutputAtIndex(o + k, (g - mg - xh * mgx) * rs);
      }`;
  return run(backend, new LnProgram(['dy', 'x', 'stats', 'scale'], x.shape, rows, 'xgrad', body), [dy, x, stats, scale], { threads: rows, cols, tokens, pb: scale.shape[0] });
};

const KERNELS: tf.KernelConfig[] = [
  { kernelName: LN_STATS_KERNEL, backendName: 'webgpu', kernelFunc: statsKernel },
  { kernelName: MOD_LN_KERNEL, backendName: 'webgpu', kernelFunc: modLnKernel },
  { kernelName: MOD_LN_PARAM_GRAD_KERNEL, backendName: 'webgpu', kernelFunc: paramGradKernel },
  { kernelName: MOD_LN_X_GRAD_KERNEL, backendName: 'webgpu', kernelFunc: xGradKernel },
];

export const webGpuFusedLayerNorm = kernelSwitch(KERNELS);
