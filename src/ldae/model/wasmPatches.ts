// tfjs-backend-wasm 4.22 implements the Identity kernel as a full copy, and the autodiff tape
// clones (Identity) every tensor it saves for the backward pass, so training pays a memory copy
// per saved activation. The cpu and webgl backends share the buffer instead (reference counted);
// wasm kernels never write into their inputs, so sharing is safe there too. Idempotent.
import * as tf from '@tensorflow/tfjs';

interface RefCountingBackend {
  incRef(dataId: object): void;
}

let patched = false;

export function patchWasmIdentity(): void {
  if (patched) return;
  const existing = tf.getKernel('Identity', 'wasm');
  if (!existing) return; // wasm backend not loaded (yet): nothing to patch
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
}
