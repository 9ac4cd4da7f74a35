// JS-number operands without an upload per use. tfjs turns every JS number in an op (tf.mul(x, 0.5))
// into a fresh tensor, which on a GPU backend is a CPU -> GPU write per call, i.e. per step. On
// webgpu and webgl `scalarArg` returns a device scalar made once per backend and value and kept
// for the backend's life; on wasm and cpu (where "uploading" is a memcpy) it returns the number,
// so those backends run exactly the ops they always ran.
import * as tf from '@tensorflow/tfjs';

const GPU_BACKENDS = new Set(['webgpu', 'webgl']);
const caches = new WeakMap<object, Map<number, tf.Scalar>>();

/** Whether the active backend pays an upload for each tensor made from JS values. */
export function uploadsCost(): boolean {
  return GPU_BACKENDS.has(tf.getBackend());
}

/** The device scalar for `value` on the active backend (cached, never disposed: do not dispose it). */
export function deviceScalar(value: number): tf.Scalar {
  const backend = tf.backend();
  let cache = caches.get(backend);
  if (!cache) {
    cache = new Map();
    caches.set(backend, cache);
  }
  let s = cache.get(value);
  if (!s || s.isDisposed) {
    s = tf.keep(tf.scalar(value));
    cache.set(value, s);
  }
  return s;
}

/** `value` as an op operand: a cached device scalar where uploads cost (GPU backends), the number elsewhere. */
export function scalarArg(value: number): tf.Scalar | number {
  return uploadsCost() ? deviceScalar(value) : value;
}

const tables = new WeakMap<object, Map<string, tf.Tensor>>();

/** A constant tensor made once per backend under `key` (e.g. a lookup table) and kept; do not dispose it. */
export function deviceTable(key: string, make: () => tf.Tensor): tf.Tensor {
  const backend = tf.backend();
  let cache = tables.get(backend);
  if (!cache) {
    cache = new Map();
    tables.set(backend, cache);
  }
  let t = cache.get(key);
  if (!t || t.isDisposed) {
    t = tf.keep(make());
    cache.set(key, t);
  }
  return t;
}
