// installKernels (src/backends): the Node set-up installs the wasm patches, and only for wasm.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installKernels } from '../../src/backends';
import { hasFusedAdamW } from '../../src/ldae/optim/fusedAdamW';
import { setupNodeBackend } from '../../src/node/backend';

beforeAll(async () => {
  await setupNodeBackend('wasm');
});

describe('installKernels', () => {
  it('setupNodeBackend(wasm) registers the fused AdamW kernel for wasm only', () => {
    expect(hasFusedAdamW('wasm')).toBe(true);
    expect(hasFusedAdamW('cpu')).toBe(false);
  });

  it('wasm Identity shares the buffer instead of copying it', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
  });

  it('a transposed wasm matmul gives the plain result', () => {
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tf.tensor2d([1, 0, 2, 1, 0, 3], [2, 3]);
    const y = tf.matMul(a, b, false, true);
    expect(Array.from(y.dataSync())).toEqual([7, 10, 16, 22]);
    tf.dispose([a, b, y]);
  });

  it('says so when the backend is not loaded', () => {
    expect(() => installKernels('webgpu')).toThrow(/webgpu backend's tfjs kernels are not registered/);
    expect(() => installKernels('cpu')).not.toThrow();
  });
});
