// WebGPU kernels of the flat-layout AdamW step (the contract is src/ldae/optim/flatAdamW.ts):
// one workgroup reduces |g|^2 and computes the step's scalars (schedule, bias corrections, clip)
// from the device step counter; two elementwise programs update m and v in place (the moment is
// the program's output buffer, read and written by each thread); one program per variable writes
// its new value from its slice of the moments. The tfjs-op composite costs ~25 scalar dispatches
// and ~15 uploaded JS-number scalars, a split of the flat update (one Slice per variable) and a
// decay multiply and a subtraction per variable. webGpuAdamW.set(false) unregisters them (the
// reference path); the parity test is tests/unit/webgpu-node-adamw.test.ts.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { kernelSwitch } from './kernelSwitch';
import { ADAMW_APPLY_KERNEL, ADAMW_PREPARE_KERNEL, SC, type AdamWKernelAttrs } from '../ldae/optim/flatAdamW';

const WORKGROUP = 64;
/** Threads of the one workgroup that reduces |g|^2 (a power of two). */
const REDUCE = 256;

type Info = tf.TensorInfo;
type Uniform = { type: string; data: number[] };

interface WebGpuBackendLike {
  runWebGPUProgram(program: WebGPUProgram, inputs: Info[], dtype: tf.DataType, uniforms?: Uniform[], output?: Info): Info;
}

class Program implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];

  constructor(
    readonly variableNames: string[],
    outputShape: number[],
    key: string,
    readonly uniforms: string,
    private readonly code: string,
    workgroups: number,
    workgroupSize = WORKGROUP,
  ) {
    this.outputShape = outputShape;
    this.shaderKey = `ldae_adamw_${key}`;
    this.workgroupSize = [workgroupSize, 1, 1];
    this.dispatch = [workgroups, 1, 1];
  }

  getUserCode(): string {
    return this.code;
  }
}

const f32u = (data: number) => ({ type: 'float32', data: [data] });
const i32u = (data: number) => ({ type: 'int32', data: [data] });

const SCALARS_UNIFORMS = 'total : i32, base : f32, warmup : f32, steps : f32, minFactor : f32, beta1 : f32, beta2 : f32, eps : f32, wd : f32, clip : f32,';

/** One workgroup: |g|^2 by a strided loop and a shared-memory tree, then the step's scalars (flatAdamW.ts). */
const SCALARS_CODE = `var<workgroup> partial : array<f32, ${REDUCE}>;
    fn main(index : i32) {
      let li = i32(localIndex);
      var acc = 0.0;
      for (var k = li; k < uniforms.total; k = k + ${REDUCE}) { let x = f32(g[k]); acc = acc + x * x; }
      partial[li] = acc;
      workgroupBarrier();
      for (var s = ${REDUCE / 2}; s > 0; s = s >> 1) {
        if (li < s) { partial[li] = partial[li] + partial[li + s]; }
        workgroupBarrier();
      }
      if (li == 0) {
        let st = f32(step[0]);
        var warm = 1.0;
        if (uniforms.warmup > 0.0) { warm = min(1.0, (st + 1.0) / uniforms.warmup); }
        let p = clamp((st - uniforms.warmup) / max(1.0, uniforms.steps - uniforms.warmup - 1.0), 0.0, 1.0);
        let cosine = uniforms.minFactor + (1.0 - uniforms.minFactor) * 0.5 * (1.0 + cos(p * ${Math.PI}));
        let lr = uniforms.base * (warm * cosine);
        let t = st + 1.0;
        let sqrtBc2 = sqrt(1.0 - pow(uniforms.beta2, t));
        let norm = sqrt(partial[0]);
        var c = 1.0;
        if (uniforms.clip > 0.0) { c = min(1.0, uniforms.clip / (norm + 1e-6)); }
        setOutputAtIndex(${SC.lr}, lr);
        setOutputAtIndex(${SC.t}, t);
        setOutputAtIndex(${SC.a}, lr * sqrtBc2 / (1.0 - pow(uniforms.beta1, t)));
        setOutputAtIndex(${SC.e}, sqrtBc2 * uniforms.eps);
        setOutputAtIndex(${SC.decay}, 1.0 - lr * uniforms.wd);
        setOutputAtIndex(${SC.norm}, norm);
        setOutputAtIndex(${SC.kM}, c * (1.0 - uniforms.beta1));
        setOutputAtIndex(${SC.kV}, c * c * (1.0 - uniforms.beta2));
      }
    }`;

/** In place: result is the moment itself (passed as the program's output). */
const momentCode = (second: boolean) => `fn main(index : i32) {
      if (index >= uniforms.total) { return; }
      let gv = f32(g[index]);
      result[index] = uniforms.beta * result[index] + ${second ? `gv * gv * f32(sc[${SC.kV}])` : `gv * f32(sc[${SC.kM}])`};
    }`;

const APPLY_CODE = `fn main(index : i32) {
      if (index >= uniforms.n) { return; }
      let j = uniforms.offset + index;
      var pv = f32(p[index]);
      if (uniforms.decay != 0) { pv = pv * f32(sc[${SC.decay}]); }
      setOutputAtIndex(index, pv - f32(sc[${SC.a}]) * (f32(m[j]) / (sqrt(f32(v[j])) + f32(sc[${SC.e}]))));
    }`;

const prepareKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { step, g, m, v } = inputs as Record<string, Info>;
  const a = attrs as unknown as AdamWKernelAttrs;
  const b = backend as unknown as WebGpuBackendLike;
  const total = tf.util.sizeFromShape(g.shape);
  const scalars = new Program(['step', 'g'], [8], 'scalars', SCALARS_UNIFORMS, SCALARS_CODE, 1, REDUCE);
  const sc = b.runWebGPUProgram(scalars, [step, g], 'float32', [
    i32u(total),
    f32u(a.base),
    f32u(a.warmupSteps),
    f32u(a.totalSteps),
    f32u(a.minFactor),
    f32u(a.beta1),
    f32u(a.beta2),
    f32u(a.epsilon),
    f32u(a.weightDecay),
    f32u(a.gradClip),
  ]);
  const groups = Math.ceil(total / WORKGROUP);
  for (const [moment, second, beta] of [[m, false, a.beta1], [v, true, a.beta2]] as const) {
    const program = new Program(['g', 'sc'], moment.shape, second ? 'v' : 'm', 'total : i32, beta : f32,', momentCode(second), groups);
    b.runWebGPUProgram(program, [g, sc], 'float32', [i32u(total), f32u(beta)], moment);
  }
  return sc;
};

const applyKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { p, m, v, sc } = inputs as Record<string, Info>;
  const { offset, decay } = attrs as unknown as { offset: number; decay: boolean };
  const n = tf.util.sizeFromShape(p.shape);
  const program = new Program(['p', 'm', 'v', 'sc'], p.shape, 'apply', 'n : i32, offset : i32, decay : i32,', APPLY_CODE, Math.ceil(n / WORKGROUP));
  return (backend as unknown as WebGpuBackendLike).runWebGPUProgram(program, [p, m, v, sc], 'float32', [i32u(n), i32u(offset), i32u(decay ? 1 : 0)]);
};

const KERNELS: tf.KernelConfig[] = [
  { kernelName: ADAMW_PREPARE_KERNEL, backendName: 'webgpu', kernelFunc: prepareKernel },
  { kernelName: ADAMW_APPLY_KERNEL, backendName: 'webgpu', kernelFunc: applyKernel },
];

export const webGpuAdamW = kernelSwitch(KERNELS);
