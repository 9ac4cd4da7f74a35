// Multi-threaded wasm (tfjs-backend-wasm 4.22's threaded SIMD build, XNNPACK over pthreads).
//
// Why it broke once bundled: tfjs starts every pthread worker with a Blob holding
// `var WasmBackendModuleThreadedSimd = ` + the factory function's source text
// (Function.prototype.toString). The factory is an inner function of the emscripten script and
// reads variables of its enclosing closure; once Vite bundles (and minifies) the script, those
// live in the bundle's scope, not in the text, so every thread threw "ReferenceError: e is not
// defined" and the backend's init never resolved. Fix: the untouched emscripten script is served
// as a static asset, and the factory's toString returns a one-liner that loads it
// (importScripts), so each pthread worker runs the script as emscripten shipped it.
//
// The pthread workers themselves come from blob: URLs (tfjs builds them from the worker script's
// text) and import a blob:, so the engine worker's CSP must allow blob: workers and blob: scripts
// (vite.config.ts sends worker scripts that policy; pthreadScriptsAllowed checks it). tfjs also
// caps the count at hardwareConcurrency / 2 (withThreadsVisibleToTfjs).
// Threads also need SharedArrayBuffer, i.e. a cross-origin isolated page (COOP/COEP headers).
// Node: tfjs turns threads off (WASM_HAS_MULTITHREAD_SUPPORT is false under IS_NODE, tfjs issue
// 3830), so this is for browsers only.
import * as threadedSimdFactory from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';

/**
 * Runs `init` (tf.setBackend('wasm')) with navigator.hardwareConcurrency reporting 2 x `threads`,
 * then restores it. Why: tfjs 4.22's init_with_threads_count caps the count at
 * hardwareConcurrency / 2 ("many x86-64 processors have 2 threads per core", backend.cc), read
 * once while the module starts; on a 2-vCPU machine that is 1 whatever setThreadsCount says. Our
 * cap (planWasmThreads) is the one that applies.
 */
export async function withThreadsVisibleToTfjs<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const nav = globalThis.navigator as Navigator | undefined;
  if (!nav || threads <= 1) return init();
  Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
  try {
    return await init();
  } finally {
    delete (nav as unknown as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

/** The text each pthread worker evaluates as the factory: load the original emscripten script from `scriptUrl` (absolute). */
export function pthreadFactorySource(scriptUrl: string): string {
  return `(function () { importScripts(${JSON.stringify(scriptUrl)}); return WasmBackendModuleThreadedSimd; })()`;
}

/**
 * Makes tfjs' pthread start-up load the original threaded-SIMD emscripten script from
 * `scriptUrl` (an absolute URL of the untouched wasm-out/tfjs-backend-wasm-threaded-simd.js)
 * instead of re-evaluating the bundled factory's source text. Call before tf.setBackend('wasm').
 */
export function loadPthreadsFromScript(scriptUrl: string): void {
  const ns = threadedSimdFactory as unknown as { default?: object };
  const factory = (ns.default ?? ns) as { toString: () => string };
  const source = pthreadFactorySource(scriptUrl);
  factory.toString = () => source;
}

/**
 * Whether this context may start tfjs' pthread workers: a blob: worker that importScripts a
 * blob: script (what every pthread does first). False when the CSP forbids either, so the app
 * falls back to one thread at once instead of waiting for an init that never resolves.
 */
export function pthreadScriptsAllowed(timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    const blobUrl = (text: string) => URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
    const inner = blobUrl('postMessage(1);');
    const outer = blobUrl(`try { importScripts(${JSON.stringify(inner)}); } catch (e) { postMessage(0); }`);
    let worker: Worker | null = null;
    const done = (ok: boolean) => {
      clearTimeout(timer);
      worker?.terminate();
      URL.revokeObjectURL(inner);
      URL.revokeObjectURL(outer);
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    try {
      worker = new Worker(outer);
    } catch {
      done(false);
      return;
    }
    worker.onmessage = (e: MessageEvent) => done(e.data === 1);
    worker.onerror = () => done(false);
  });
}
