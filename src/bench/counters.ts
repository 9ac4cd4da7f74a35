// Counts what a training step costs beyond its arithmetic, by wrapping the active tfjs backend
// instance and the engine (nothing is re-registered, so the counted code is the real code):
// - ops: kernel invocations through the engine (every tf.* op and every gradient op);
// - dispatches: GPU programs run (webgpu runWebGPUProgram, webgl runWebGLProgram; a kernel can
//   run several programs or none, e.g. a reshape); null on wasm/cpu;
// - readbacks: device -> CPU reads: tensor reads through the engine (data() and its sync twin, ...),
//   and on GPU backends also synchronous reads a kernel makes on its own (backend.readSync
//   outside an engine read). On wasm/cpu a kernel's readSync only views the backend's own CPU
//   memory (wasm Slice and GatherV2 do it every call), so it is not a readback there;
// - uploads: CPU -> device writes with data (backend.write with values) made outside a kernel
//   (tensors from JS values, e.g. the scalar of every tf.mul(x, 0.5)); a cpu kernel writes its
//   output that way too, which is not an upload.
import * as tf from '@tensorflow/tfjs';

export interface Counts {
  ops: number;
  dispatches: number | null;
  readbacks: number;
  uploads: number;
}

export interface Counters {
  /** Counts since install (or since the last reset). */
  read(): Counts;
  reset(): void;
  /** Restores the wrapped methods. */
  uninstall(): void;
}

type AnyFn = (...args: unknown[]) => unknown;
type Methods = Record<string, unknown>;

/** Wraps `obj[name]` (own or inherited method) to call `before` first and `after` when it
 *  returns (synchronously); returns the undo. */
function wrap(obj: Methods, name: string, before: (args: unknown[]) => void, after?: () => void): () => void {
  const original = obj[name];
  if (typeof original !== 'function') return () => {};
  const hadOwn = Object.prototype.hasOwnProperty.call(obj, name);
  obj[name] = function (this: unknown, ...args: unknown[]) {
    before(args);
    try {
      return (original as AnyFn).apply(this, args);
    } finally {
      after?.();
    }
  };
  return () => {
    if (hadOwn) obj[name] = original;
    else delete obj[name];
  };
}

/** Installs counters on the current backend (tf.backend()) and engine. */
export function installCounters(): Counters {
  const backend = tf.backend() as unknown as Methods;
  const engine = tf.engine() as unknown as Methods;
  const c = { ops: 0, dispatches: 0, readbacks: 0, uploads: 0 };
  const gpuRun = ['runWebGPUProgram', 'runWebGLProgram'].find((m) => typeof backend[m] === 'function') ?? null;
  let inEngineRead = 0;
  const enter = () => {
    c.readbacks++;
    inEngineRead++;
  };
  const leave = () => inEngineRead--;
  let inKernel = 0;
  const undo = [
    wrap(
      engine,
      'runKernel',
      () => {
        c.ops++;
        inKernel++;
      },
      () => inKernel--,
    ),
    wrap(engine, 'read', enter, leave),
    wrap(engine, 'readSync', enter, leave),
    ...(gpuRun
      ? [
          wrap(backend, 'readSync', () => {
            if (inEngineRead === 0) c.readbacks++;
          }),
        ]
      : []),
    wrap(backend, 'write', (args) => {
      if (inKernel === 0 && args[0] !== null && args[0] !== undefined) c.uploads++;
    }),
    ...(gpuRun ? [wrap(backend, gpuRun, () => c.dispatches++)] : []),
  ];
  return {
    read: () => ({ ops: c.ops, dispatches: gpuRun ? c.dispatches : null, readbacks: c.readbacks, uploads: c.uploads }),
    reset: () => {
      c.ops = c.dispatches = c.readbacks = c.uploads = 0;
    },
    uninstall: () => {
      for (const u of undo.reverse()) u();
    },
  };
}
