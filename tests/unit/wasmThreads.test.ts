// The wasm thread plan (src/backends/wasmThreadPlan.ts): the default count, ?threads=N,
// ?parallel=, and the single-thread fallback of XNNPACK's pool with its reason (batch-parallel
// replicas need no isolation); the pthread factory text.
import { describe, expect, it } from 'vitest';
import { DEFAULT_WASM_PARALLEL, MAX_AUTO_WASM_THREADS, autoWasmThreads, parseParallelParam, parseThreadsParam, planWasmThreads } from '../../src/backends/wasmThreadPlan';
import { pthreadFactorySource } from '../../src/backends/wasmThreads';

const isolated = { hardwareConcurrency: 2, crossOriginIsolated: true, multithreadSupported: true };

describe('wasm threads', () => {
  it('defaults to hardwareConcurrency, capped; ?threads=N overrides it', () => {
    expect(planWasmThreads(isolated, null)).toEqual({ threads: 2, parallel: DEFAULT_WASM_PARALLEL, fallbackReason: null });
    expect(planWasmThreads(isolated, null, 'kernels')).toEqual({ threads: 2, parallel: 'kernels', fallbackReason: null });
    expect(planWasmThreads({ ...isolated, hardwareConcurrency: 64 }, null).threads).toBe(MAX_AUTO_WASM_THREADS);
    expect(planWasmThreads({ ...isolated, hardwareConcurrency: undefined }, null)).toEqual({ threads: 1, parallel: 'kernels', fallbackReason: null });
    expect(planWasmThreads(isolated, 4).threads).toBe(4);
    expect(planWasmThreads(isolated, 1, 'batch')).toEqual({ threads: 1, parallel: 'kernels', fallbackReason: null });
    expect(autoWasmThreads(1)).toBe(1);
  });

  it("XNNPACK's pool falls back to one thread with the reason when the page is not isolated or has no wasm threads", () => {
    const open = planWasmThreads({ ...isolated, crossOriginIsolated: false }, null, 'kernels');
    expect(open.threads).toBe(1);
    expect(open.fallbackReason).toMatch(/cross-origin isolated/);
    const old = planWasmThreads({ ...isolated, multithreadSupported: false }, 2, 'kernels');
    expect(old.threads).toBe(1);
    expect(old.fallbackReason).toMatch(/threads/);
    expect(planWasmThreads({ ...isolated, crossOriginIsolated: false }, 1, 'kernels').fallbackReason).toBeNull();
  });

  it('batch-parallel replicas are plain workers: they run without isolation or wasm threads', () => {
    expect(planWasmThreads({ ...isolated, crossOriginIsolated: false, multithreadSupported: false }, 3, 'batch')).toEqual({ threads: 3, parallel: 'batch', fallbackReason: null });
  });

  it('parses ?parallel=', () => {
    expect(parseParallelParam(null)).toEqual({ parallel: null, problem: null });
    expect(parseParallelParam('batch')).toEqual({ parallel: 'batch', problem: null });
    expect(parseParallelParam('kernels')).toEqual({ parallel: 'kernels', problem: null });
    expect(parseParallelParam('data')).toEqual({ parallel: null, problem: `parallel must be kernels or batch, got "data"; using ${DEFAULT_WASM_PARALLEL}` });
  });

  it('parses ?threads=', () => {
    expect(parseThreadsParam(null)).toEqual({ threads: null, problem: null });
    expect(parseThreadsParam('auto')).toEqual({ threads: null, problem: null });
    expect(parseThreadsParam('3')).toEqual({ threads: 3, problem: null });
    for (const bad of ['0', '-1', '2.5', 'many', '99']) {
      const r = parseThreadsParam(bad);
      expect(r.threads, bad).toBeNull();
      expect(r.problem, bad).toMatch(/threads must be/);
    }
  });

  it('the pthread factory text loads the original script and yields its factory', () => {
    const src = pthreadFactorySource('http://x/assets/t.js');
    let imported = '';
    const fakeImportScripts = (u: string) => {
      imported = u;
    };
    const factory = () => 'factory';
    const value = new Function('importScripts', 'WasmBackendModuleThreadedSimd', `return ${src};`)(fakeImportScripts, factory) as () => string;
    expect(imported).toBe('http://x/assets/t.js');
    expect(value()).toBe('factory');
  });
});
