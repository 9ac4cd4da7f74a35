// Speed fix for the tfjs wasm backend (4.22): its BatchMatMul / _FusedMatMul with transposeA or
// transposeB take a slow path, 10-50x slower than transposing explicitly and multiplying plainly
// (measured here: [2048,96] x [384,96]^T 135 ms vs 3.6 ms). Every matmul gradient uses transposed
// matmuls, so training on wasm was dominated by them. This wraps the two wasm kernels: transposed
// operands are first materialised with the wasm Transpose kernel. Same math, same results.
import * as tf from '@tensorflow/tfjs';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Info = tf.TensorInfo;

let patched = false;

/** Idempotent; false when the wasm backend's kernels are not registered (tfjs-backend-wasm not imported). */
export function enableFastWasmMatMul(): boolean {
  if (patched) return true;
  const transpose = tf.getKernel('Transpose', 'wasm');
  const kernels = ['BatchMatMul', '_FusedMatMul'].map((name) => tf.getKernel(name, 'wasm'));
  if (!transpose || kernels.some((k) => !k)) return false;
  for (const original of kernels as tf.KernelConfig[]) {
    tf.unregisterKernel(original.kernelName, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: (args: KernelArgs) => plainMatMul(args, original.kernelFunc, transpose.kernelFunc) });
  }
  patched = true;
  return true;
}

function plainMatMul(args: KernelArgs, matMul: tf.KernelFunc, transpose: tf.KernelFunc): Info | Info[] {
  const { inputs, backend, attrs } = args;
  const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
  if (!transposeA && !transposeB) return matMul(args);
  const swapLast = (x: Info): Info => {
    const perm = x.shape.map((_, i) => i);
    const r = perm.length;
    [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
    return transpose({ inputs: { x }, backend, attrs: { perm } }) as Info;
  };
  const temps: Info[] = [];
  const a = transposeA ? swapLast(inputs.a as Info) : (inputs.a as Info);
  const b = transposeB ? swapLast(inputs.b as Info) : (inputs.b as Info);
  if (transposeA) temps.push(a);
  if (transposeB) temps.push(b);
  const out = matMul({ inputs: { ...inputs, a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
  for (const t of temps) (backend as tf.KernelBackend).disposeData(t.dataId);
  return out;
}
