// The whole AdamW update on the wasm backend as one JS kernel ('LdaeAdamWUpdate'): the global
// gradient norm, the clip factor, both moments, bias correction, decoupled weight decay and the
// parameter update, in two passes over the wasm heap. The tfjs-op path in adamw.ts costs ~875
// kernel launches per step for `tiny` (a dozen per variable); this is one launch.
//
// Moments are updated in place (only the optimizer ever reads them; its ensureOwnBuffers first
// gives any shared one its own copy). Parameters are NOT: each new value goes to a fresh output that
// the optimizer assigns. XNNPACK caches a matmul's packed weights under the weight tensor's id,
// so writing a variable in place would leave the next forward pass multiplying by last step's
// weights (measured: it does). lr and t come in as device scalars read off the same heap (on wasm
// that is memory, not a GPU->CPU readback).
// The optimizer's side (the kernel's contract, ensureOwnBuffers, the call) is
// src/ldae/optim/fusedAdamW.ts; the optimizer uses this kernel whenever it is registered.
import * as tf from '@tensorflow/tfjs';
import { FUSED_ADAMW_KERNEL, hasFusedAdamW, type FusedAdamWAttrs } from '../ldae/optim/fusedAdamW';

interface WasmTensorData {
  memoryOffset: number;
}
export interface WasmBackendLike {
  dataIdMap: { get(dataId: object): WasmTensorData | undefined };
  wasm: { HEAPF32: Float32Array };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** A Float32Array view of a tensor's data on the wasm heap (re-take it after any allocation). */
export function heapView(backend: WasmBackendLike, t: tf.TensorInfo | undefined): Float32Array {
  const data = t && backend.dataIdMap.get(t.dataId);
  if (!t || !data) throw new Error(`${FUSED_ADAMW_KERNEL}: missing input or tensor not on the wasm backend`);
  const size = t.shape.reduce((a, b) => a * b, 1);
  return new Float32Array(backend.wasm.HEAPF32.buffer, data.memoryOffset, size);
}

function adamWKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }): tf.TensorInfo[] {
  const be = backend as WasmBackendLike;
  const o = attrs as unknown as FusedAdamWAttrs;
  // Allocate every output before taking heap views (an allocation may grow the heap).
  const out = be.makeOutput([], 'float32');
  const pOut: tf.TensorInfo[] = [];
  for (let i = 0; i < o.count; i++) pOut.push(be.makeOutput((inputs[`p${i}`] as tf.TensorInfo).shape, 'float32'));
  const lr = heapView(be, inputs.lr)[0];
  const t = heapView(be, inputs.t)[0];
  let sumSq = 0;
  for (let i = 0; i < o.count; i++) {
    const g = heapView(be, inputs[`g${i}`]);
    let s = 0;
    for (let j = 0; j < g.length; j++) s += g[j] * g[j];
    sumSq += s;
  }
  const norm = Math.sqrt(sumSq);
  const clip = o.gradClip > 0 ? Math.min(1, o.gradClip / (norm + 1e-6)) : 1;
  const b1 = o.beta1;
  const b2 = o.beta2;
  const kM = clip * (1 - b1);
  const kV = clip * clip * (1 - b2);
  const sqrtBc2 = Math.sqrt(1 - b2 ** t);
  const a = (lr * sqrtBc2) / (1 - b1 ** t);
  const e = sqrtBc2 * o.epsilon;
  const decayFactor = o.weightDecay > 0 ? 1 - lr * o.weightDecay : 1;
  for (let i = 0; i < o.count; i++) {
    const p = heapView(be, inputs[`p${i}`]);
    const pNew = heapView(be, pOut[i]);
    const g = heapView(be, inputs[`g${i}`]);
    const m = heapView(be, inputs[`m${i}`]);
    const v = heapView(be, inputs[`v${i}`]);
    const d = o.decay[i] ? decayFactor : 1;
    for (let j = 0; j < p.length; j++) {
      const gj = g[j];
      const mj = b1 * m[j] + kM * gj;
      const vj = b2 * v[j] + kV * gj * gj;
      m[j] = mj;
      v[j] = vj;
      pNew[j] = d * p[j] - (a * mj) / (Math.sqrt(vj) + e);
    }
  }
  heapView(be, out)[0] = norm;
  return [out, ...pOut];
}

/** Registers the kernel for backendName 'wasm' (idempotent). */
export function enableFusedWasmAdamW(): void {
  if (!hasFusedAdamW('wasm')) tf.registerKernel({ kernelName: FUSED_ADAMW_KERNEL, backendName: 'wasm', kernelFunc: adamWKernel as unknown as tf.KernelFunc });
}
