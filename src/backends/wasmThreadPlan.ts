// How many threads the wasm backend runs with, and why only one where threads cannot run: plain
// functions (the page, the bench page and tests use them without loading the wasm backend).
// The threading mechanics are in wasmThreads.ts.

/** More threads than this gain nothing on our matrix sizes and starve the UI thread. */
export const MAX_AUTO_WASM_THREADS = 8;
/** ?threads=N accepts 1..MAX_WASM_THREADS. */
export const MAX_WASM_THREADS = 16;

import type { WasmParallel, WasmThreadPlan } from '../types/run';

export type { WasmParallel, WasmThreadPlan };

/** Every WasmParallel value (?parallel=, the bench's --parallel). */
export const WASM_PARALLEL: readonly WasmParallel[] = ['kernels', 'batch'];

export interface WasmThreadEnv {
  /** navigator.hardwareConcurrency (undefined where the browser hides it). */
  hardwareConcurrency: number | undefined;
  /** globalThis.crossOriginIsolated. */
  crossOriginIsolated: boolean;
  /** tfjs' WASM_HAS_MULTITHREAD_SUPPORT probe before we touch it (SharedArrayBuffer + wasm threads). */
  multithreadSupported: boolean;
}

/** The default thread count: hardwareConcurrency, capped at MAX_AUTO_WASM_THREADS (1 where unknown). */
export function autoWasmThreads(hardwareConcurrency: number | undefined): number {
  return Math.max(1, Math.min(MAX_AUTO_WASM_THREADS, Math.floor(hardwareConcurrency ?? 1)));
}

/**
 * The default use of several threads: 'batch' (one single-threaded replica per thread, each
 * computing a slice of the batch) beat XNNPACK's pool in the benchmark (README, Performance): the
 * pool threads only the matmuls, the replicas every kernel of the step.
 */
export const DEFAULT_WASM_PARALLEL: WasmParallel = 'batch';

/**
 * The thread count to run with: `requested` (?threads=N) or hardwareConcurrency capped at
 * MAX_AUTO_WASM_THREADS, and 1 with a reason where threads cannot run. Batch-parallel replicas
 * are plain workers, so they need neither cross-origin isolation nor wasm threads.
 */
export function planWasmThreads(env: WasmThreadEnv, requested: number | null, parallel: WasmParallel = DEFAULT_WASM_PARALLEL): WasmThreadPlan {
  const wanted = requested ?? autoWasmThreads(env.hardwareConcurrency);
  if (wanted <= 1) return { threads: 1, parallel: 'kernels', fallbackReason: null };
  if (parallel === 'batch') return { threads: wanted, parallel, fallbackReason: null };
  if (!env.crossOriginIsolated) {
    return { threads: 1, parallel, fallbackReason: 'single-threaded wasm: the page is not cross-origin isolated (needs COOP: same-origin and COEP: require-corp headers), so there is no SharedArrayBuffer' };
  }
  if (!env.multithreadSupported) return { threads: 1, parallel, fallbackReason: 'single-threaded wasm: this browser has no WebAssembly threads / SharedArrayBuffer' };
  return { threads: wanted, parallel, fallbackReason: null };
}

/** Parses ?parallel=kernels|batch (null when absent); a bad value gives a problem line and null. */
export function parseParallelParam(raw: string | null): { parallel: WasmParallel | null; problem: string | null } {
  if (raw === null || raw === '') return { parallel: null, problem: null };
  const known = WASM_PARALLEL.find((m) => m === raw);
  if (known) return { parallel: known, problem: null };
  return { parallel: null, problem: `parallel must be kernels or batch, got "${raw}"; using ${DEFAULT_WASM_PARALLEL}` };
}

/** Parses ?threads=N (null when absent); a bad value gives a problem line and null. */
export function parseThreadsParam(raw: string | null): { threads: number | null; problem: string | null } {
  if (raw === null || raw === '' || raw === 'auto') return { threads: null, problem: null };
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
    return { threads: null, problem: `threads must be an integer in [1, ${MAX_WASM_THREADS}] or auto, got "${raw}"; using auto` };
  }
  return { threads: n, problem: null };
}
