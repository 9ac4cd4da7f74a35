// WebGPU kernels for small problems: Sum and Mean over innermost axes and Softmax as one thread
// per output row with a plain loop, Sum and Mean over leading axes (bias gradients) as one
// thread per column, and batched matmuls of small matrices (attention's
// [B*H, N, N] x [B*H, N, hd]) as one thread per output element.
//
// Why (measured with the bench's per-kernel breakdown, tf.profile on dawn.node/SwiftShader, micro
// l-DAE step): tfjs-backend-webgpu 4.22 reduces each output row with a 64-thread workgroup and a
// shared-memory tree (a workgroupBarrier per level), and its Softmax does the same. Our rows are
// short (LayerNorm over W = 32..192, softmax over N = 16 tokens, adaLN sums over N) and there are
// thousands of them, so almost every thread idles at barriers: Sum/Mean/Softmax took 18 of the
// 34 s of kernel time of a step. A loop per row has no barrier and reads each row once. With those
// fixed, attention's batched 16x16 matmuls led (4.6 of 21 s): tfjs tiles them into 32x32
// shared-memory tiles with barriers, mostly padding; a dot product per thread has neither.
//
// Only the cases that win are taken: float32, rows >= MIN_ROWS and row length <= MAX_ROW;
// everything else (and every other dtype) goes to tfjs' own kernel, which stays registered as the
// reference path (`setWebGpuRowKernels(false)` puts it back; tests compare the two).
import * as tf from '@tensorflow/tfjs';
// Type only: importing the backend package here would register it before navigator.gpu exists.
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** Fewer rows than this leave a GPU idle with one thread per row: keep tfjs' parallel reduction. */
const MIN_ROWS = 64;
/** Longer rows than this are better split across a workgroup. */
const MAX_ROW = 1024;
const WORKGROUP = 64;
/** Column sums: at least this many columns (threads), columns at most this long. */
const MIN_COLUMNS = 16;
const MAX_COLUMN_LENGTH = 16384;

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Info = tf.TensorInfo;

interface WebGpuBackendLike {
  runWebGPUProgram(program: WebGPUProgram, inputs: Info[], dtype: tf.DataType, uniforms?: { type: string; data: number[] }[]): Info;
  disposeData(dataId: object): void;
}

class RowProgram implements WebGPUProgram {
  variableNames = ['x'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  uniforms = 'rows : i32, cols : i32,';

  constructor(
    private readonly op: 'sum' | 'mean' | 'softmax',
    rows: number,
    cols: number,
  ) {
    this.outputShape = op === 'softmax' ? [rows, cols] : [rows];
    this.shaderKey = `ldae_row_${op}`;
    this.dispatchLayout = { x: [0] };
    this.dispatch = [Math.ceil(rows / WORKGROUP), 1, 1];
  }

  getUserCode(): string {
    const head = `fn main(row : i32) {
      if (row >= uniforms.rows) { return; }
      let n = uniforms.cols;
      let offset = row * n;`;
    if (this.op !== 'softmax') {
      return `${head}
      var acc = 0.0;
      for (var k = 0; k < n; k = k + 1) { acc = acc + f32(x[offset + k]); }
      setOutputAtIndex(row, ${this.op === 'mean' ? 'acc / f32(n)' : 'acc'});
    }`;
    }
    return `${head}
      var m = f32(x[offset]);
      for (var k = 1; k < n; k = k + 1) { m = max(m, f32(x[offset + k])); }
      var s = 0.0;
      for (var k = 0; k < n; k = k + 1) { s = s + exp(f32(x[offset + k]) - m); }
      let inv = 1.0 / s;
      for (var k = 0; k < n; k = k + 1) { setOutputAtIndex(offset + k, exp(f32(x[offset + k]) - m) * inv); }
    }`;
  }
}

/** Column sums/means of x viewed as [rows, cols]: one thread per column, reads coalesced. */
class ColumnProgram implements WebGPUProgram {
  variableNames = ['x'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  uniforms = 'rows : i32, cols : i32,';

  constructor(
    private readonly op: 'sum' | 'mean',
    cols: number,
  ) {
    this.outputShape = [cols];
    this.shaderKey = `ldae_col_${op}`;
    this.dispatchLayout = { x: [0] };
    this.dispatch = [Math.ceil(cols / WORKGROUP), 1, 1];
  }

  getUserCode(): string {
    return `fn main(col : i32) {
      if (col >= uniforms.cols) { return; }
      var acc = 0.0;
      for (var r = 0; r < uniforms.rows; r = r + 1) { acc = acc + f32(x[r * uniforms.cols + col]); }
      setOutputAtIndex(col, ${this.op === 'mean' ? 'acc / f32(uniforms.rows)' : 'acc'});
    }`;
  }
}

function runRows(backend: WebGpuBackendLike, op: 'sum' | 'mean' | 'softmax', x: Info, rows: number, cols: number): Info {
  return backend.runWebGPUProgram(new RowProgram(op, rows, cols), [x], 'float32', [
    { type: 'int32', data: [rows] },
    { type: 'int32', data: [cols] },
  ]);
}

const fits = (x: Info, rows: number, cols: number) => x.dtype === 'float32' && rows >= MIN_ROWS && cols <= MAX_ROW && cols > 0;

function kernel(name: string): tf.KernelConfig {
  const k = tf.getKernel(name, 'webgpu');
  if (!k) throw new Error(`webgpu kernel ${name} is not registered`);
  return k;
}

/** Sum / Mean: axes moved innermost with tfjs' Transpose when needed, then one thread per row. */
function reduceKernel(op: 'sum' | 'mean', original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as Info;
    const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const cols = axes.reduce((p, a) => p * x.shape[a], 1);
    const rows = tf.util.sizeFromShape(x.shape) / Math.max(cols, 1);
    if (axes.length === 0 || x.dtype !== 'float32') return original(args);
    const b = backend as unknown as WebGpuBackendLike;
    const outShape = x.shape.flatMap((d, i) => (axes.includes(i) ? (keepDims ? [1] : []) : [d]));
    const reshaped = (r: Info) => {
      const out = kernel('Reshape').kernelFunc({ inputs: { x: r }, backend, attrs: { shape: outShape } }) as Info;
      b.disposeData(r.dataId);
      return out;
    };
    // Leading axes (a bias gradient: sum over the batch*token rows): column sums, no transpose.
    if (axes.every((a, i) => a === i) && rows >= MIN_COLUMNS && cols <= MAX_COLUMN_LENGTH) {
      return reshaped(
        b.runWebGPUProgram(new ColumnProgram(op, rows), [x], 'float32', [
          { type: 'int32', data: [cols] },
          { type: 'int32', data: [rows] },
        ]),
      );
    }
    if (!fits(x, rows, cols)) return original(args);
    const perm = tf.backend_util.getAxesPermutation(axes, rank);
    const input = perm ? (kernel('Transpose').kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as Info) : x;
    const reduced = runRows(b, op, input, rows, cols);
    if (perm) b.disposeData(input.dataId);
    return reshaped(reduced);
  };
}

function softmaxKernel(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const logits = args.inputs.logits as Info;
    const dim = (args.attrs as unknown as { dim: number }).dim;
    const rank = logits.shape.length;
    const cols = logits.shape[rank - 1];
    const rows = tf.util.sizeFromShape(logits.shape) / cols;
    if ((dim !== -1 && dim !== rank - 1) || !fits(logits, rows, cols)) return original(args);
    const b = args.backend as unknown as WebGpuBackendLike;
    const flat = runRows(b, 'softmax', logits, rows, cols);
    const out = kernel('Reshape').kernelFunc({ inputs: { x: flat }, backend: args.backend, attrs: { shape: logits.shape } }) as Info;
    b.disposeData(flat.dataId);
    return out;
  };
}

/** Batched matmuls whose matrices are all this small take the per-element kernel. */
const SMALL_MATRIX = 64;

class SmallBatchMatMulProgram implements WebGPUProgram {
  variableNames = ['A', 'B'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  uniforms = 'M : i32, K : i32, N : i32,';
  size = true;

  constructor(
    batch: number,
    m: number,
    n: number,
    private readonly transposeA: boolean,
    private readonly transposeB: boolean,
  ) {
    this.outputShape = [batch, m, n];
    this.shaderKey = `ldae_small_bmm_${transposeA}_${transposeB}`;
    this.dispatchLayout = { x: [0, 1, 2] };
    this.dispatch = [Math.ceil((batch * m * n) / WORKGROUP), 1, 1];
  }

  getUserCode(): string {
    const a = this.transposeA ? 'bt * uniforms.K * uniforms.M + k * uniforms.M + i' : 'bt * uniforms.M * uniforms.K + i * uniforms.K + k';
    const b = this.transposeB ? 'bt * uniforms.N * uniforms.K + j * uniforms.K + k' : 'bt * uniforms.K * uniforms.N + k * uniforms.N + j';
    return `fn main(index : i32) {
      if (index >= uniforms.size) { return; }
      let j = index % uniforms.N;
      let i = (index / uniforms.N) % uniforms.M;
      let bt = index / (uniforms.N * uniforms.M);
      var acc = 0.0;
      for (var k = 0; k < uniforms.K; k = k + 1) { acc = acc + f32(A[${a}]) * f32(B[${b}]); }
      setOutputAtIndex(index, acc);
    }`;
  }
}

function batchMatMulKernel(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const a = args.inputs.a as Info;
    const b = args.inputs.b as Info;
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (a.shape.length !== 3 || b.shape.length !== 3 || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape[0] !== b.shape[0]) return original(args);
    const [batch] = a.shape;
    const m = transposeA ? a.shape[2] : a.shape[1];
    const k = transposeA ? a.shape[1] : a.shape[2];
    const n = transposeB ? b.shape[1] : b.shape[2];
    if (Math.max(m, k, n) > SMALL_MATRIX || batch * m * n < MIN_ROWS) return original(args);
    const backend = args.backend as unknown as WebGpuBackendLike;
    return backend.runWebGPUProgram(new SmallBatchMatMulProgram(batch, m, n, transposeA, transposeB), [a, b], 'float32', [
      { type: 'int32', data: [m] },
      { type: 'int32', data: [k] },
      { type: 'int32', data: [n] },
    ]);
  };
}

const originals = new Map<string, tf.KernelConfig>();

let enabled = true;

/**
 * The reference-path switch (benchmarks, tests): false restores tfjs' own kernels and keeps them
 * (later enableWebGpuRowKernels() calls do nothing), true installs ours. Returns false when the
 * webgpu backend's kernels are not registered (the backend was not imported).
 */
export function setWebGpuRowKernels(on: boolean): boolean {
  enabled = on;
  return apply(on);
}

/** Installs the kernels unless setWebGpuRowKernels(false) switched them off; idempotent. False without the webgpu backend. */
export function enableWebGpuRowKernels(): boolean {
  return apply(enabled);
}

function apply(on: boolean): boolean {
  const names = ['Sum', 'Mean', 'Softmax', 'BatchMatMul'];
  if (names.some((n) => !tf.getKernel(n, 'webgpu'))) return false;
  for (const name of names) {
    const installed = originals.has(name);
    if (on === installed) continue;
    const current = kernel(name);
    tf.unregisterKernel(name, 'webgpu');
    if (on) {
      originals.set(name, current);
      const kernelFunc =
        name === 'Softmax'
          ? softmaxKernel(current.kernelFunc)
          : name === 'BatchMatMul'
            ? batchMatMulKernel(current.kernelFunc)
            : reduceKernel(name === 'Sum' ? 'sum' : 'mean', current.kernelFunc);
      tf.registerKernel({ ...current, kernelFunc });
    } else {
      tf.registerKernel(originals.get(name)!);
      originals.delete(name);
    }
  }
  return true;
}
