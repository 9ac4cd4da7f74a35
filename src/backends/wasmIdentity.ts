// tfjs-backend-wasm 4.22 implements the Identity kernel as a full copy, and the autodiff tape
// clones (Identity) every tensor it saves for the backward pass, so training pays a memory copy
// per saved activation. The cpu and webgl backends share the buffer instead (reference counted);
// wasm kernels never write into their inputs, so sharing is safe there too. Idempotent.
import * as tf from '@tensorflow/tfjs';

interface RefCountingBackend {
  incRef(dataId: object): void;
}

let patched = false;

/** False when the wasm backend's kernels are not registered (tfjs-backend-wasm not imported). */
export function enableSharedWasmIdentity(): boolean {
  if (patched) return true;
  const existing = tf.getKernel('Identity', 'wasm');
  if (!existing) return false;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      if (x.dtype === 'string') return existing.kernelFunc({ inputs, backend, attrs: {} });
      (backend as unknown as RefCountingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
  patched = true;
  return true;
}
