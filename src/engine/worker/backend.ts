// Worker side: picks the tfjs backend (webgpu > webgl > wasm > cpu; wasm first when the WebGPU
// adapter is a software one; or the one forced by ?backend=), installs our kernel patches for it
// (src/backends) and describes the WebGPU adapter.
// Never throws: a backend that fails falls back.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { installKernels } from '../../backends';
import { planWasmThreads, type WasmParallel, type WasmThreadPlan } from '../../backends/wasmThreadPlan';
import { pthreadScriptsAllowed, withThreadsVisibleToTfjs } from '../../backends/wasmThreads';
import './wasmAssets';
import { SOFTWARE_ADAPTER_REASON, isSoftwareAdapter } from './softwareAdapter';
import type { BackendChoice } from '../../ldae/config';
import type { AdapterInfo, BackendName } from '../../types/run';

/** A backend that has not initialised after this long is treated as failed. */
const BACKEND_INIT_TIMEOUT_MS = 30_000;

const AUTO_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendSelection {
  backend: BackendName;
  adapter: AdapterInfo | null;
  requested: BackendChoice;
  /** Why the requested (or preferred) backend is not the one running; null when it is. */
  fallbackReason: string | null;
  /** One line per backend tried that failed, in order. */
  failures: string[];
  /** Human-readable extras, e.g. whether wasm runs multithreaded. */
  notes: string[];
  /** wasm only: the threads XNNPACK runs with (tfjs' getThreadsCount) and why it is 1 where more were wanted. */
  wasmThreads: WasmThreadPlan | null;
}

/** Picks the wasm build and thread count (before tf.setBackend('wasm'); tfjs reads both at init). */
async function prepareWasmThreads(requested: number | null, parallel: WasmParallel | undefined): Promise<WasmThreadPlan> {
  const supported = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
  let plan = planWasmThreads(
    { hardwareConcurrency: navigator.hardwareConcurrency, crossOriginIsolated: globalThis.crossOriginIsolated === true, multithreadSupported: supported },
    requested,
    parallel,
  );
  if (plan.parallel === 'kernels' && plan.threads > 1 && !(await pthreadScriptsAllowed())) {
    plan = { threads: 1, parallel: 'kernels', fallbackReason: "single-threaded wasm: the worker's Content-Security-Policy blocks the blob: scripts wasm threads start from (needs script-src blob: for workers, see vite.config.ts)" };
  }
  // One XNNPACK thread (batch-parallel replicas each run one): the plain SIMD build, no pthread pool.
  const pool = plan.parallel === 'kernels' && plan.threads > 1;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', pool);
  if (pool) setThreadsCount(plan.threads);
  return plan;
}

/** XNNPACK's threads in this worker under a plan: the pool's, or 1 (batch-parallel: one per replica). */
const poolThreads = (plan: WasmThreadPlan) => (plan.parallel === 'kernels' ? plan.threads : 1);

type AdapterWithInfo = GPUAdapter & { info?: GPUAdapterInfo; isFallbackAdapter?: boolean };

/** Same request options as tfjs-backend-webgpu uses, so we describe the adapter it gets. */
async function requestAdapter(): Promise<AdapterWithInfo | null> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) return null;
  const powerPreference = tf.env().getBool('WEBGPU_USE_LOW_POWER_GPU') ? 'low-power' : 'high-performance';
  return (await navigator.gpu.requestAdapter({ powerPreference })) as AdapterWithInfo | null;
}

export async function describeAdapter(adapter: AdapterWithInfo): Promise<AdapterInfo> {
  const legacy = adapter as unknown as { requestAdapterInfo?: () => Promise<GPUAdapterInfo> };
  const info = adapter.info ?? (legacy.requestAdapterInfo ? await legacy.requestAdapterInfo() : undefined);
  const infoFallback = (info as unknown as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter;
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallbackAdapter: Boolean(infoFallback ?? adapter.isFallbackAdapter ?? false),
  };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Tries one backend; resolves to null on success, else the reason it failed. */
async function tryBackend(name: BackendName, wasmThreads = 1): Promise<string | null> {
  try {
    if (name === 'webgpu' && (await requestAdapter()) === null) {
      return 'no WebGPU adapter (navigator.gpu missing or requestAdapter() returned null)';
    }
    const ok = await Promise.race([
      name === 'wasm' ? withThreadsVisibleToTfjs(wasmThreads, () => tf.setBackend(name)) : tf.setBackend(name),
      new Promise<boolean>((_, reject) =>
        setTimeout(() => reject(new Error(`did not initialise within ${BACKEND_INIT_TIMEOUT_MS / 1000} s`)), BACKEND_INIT_TIMEOUT_MS),
      ),
    ]);
    if (!ok) return `tf.setBackend('${name}') failed to initialise`;
    await tf.ready();
    if (tf.getBackend() !== name) return `tfjs reports backend ${tf.getBackend()} instead of ${name}`;
    return null;
  } catch (e) {
    return message(e);
  }
}

async function backendNotes(name: BackendName, threads: WasmThreadPlan | null): Promise<string[]> {
  if (name !== 'wasm' || !threads) return [];
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const isolated = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
  const batch = threads.parallel === 'batch' && threads.threads > 1 ? ` as ${threads.threads} batch-parallel replicas (one worker each)` : '';
  return [`wasm: SIMD ${simd ? 'on' : 'off'}, ${threads.threads} thread${threads.threads === 1 ? '' : 's'}${batch}${threads.fallbackReason ? ` (${threads.fallbackReason})` : ''} (crossOriginIsolated=${isolated})`];
}

/** The WebGPU adapter tfjs would get, described; null when there is none (or asking fails). */
async function adapterInfo(): Promise<AdapterInfo | null> {
  try {
    const adapter = await requestAdapter();
    return adapter ? await describeAdapter(adapter) : null;
  } catch {
    return null;
  }
}

/**
 * Selects a backend; `requested` 'auto' walks AUTO_ORDER, skipping WebGPU on a software adapter
 * (and WebGL with it, which would run on the same software rasteriser); a forced one is tried first.
 * `options.threads` (?threads=N) overrides wasm's thread count (default: hardwareConcurrency, capped),
 * `options.parallel` (?parallel=) how they are used (batch-parallel: this worker's wasm runs one thread);
 * `options.order` replaces the order tried (recovery from a lost device: webgpu, then wasm).
 */
export async function selectBackend(
  requested: BackendChoice,
  options: { threads?: number | null; parallel?: WasmParallel | null; order?: readonly BackendName[] } = {},
): Promise<BackendSelection> {
  // auto looks at the adapter first; its description is reused when WebGPU is chosen.
  const probed = requested === 'auto' ? await adapterInfo() : null;
  const software = probed && isSoftwareAdapter(probed) ? probed : null;
  const order =
    options.order ??
    (requested !== 'auto' ? [requested, ...AUTO_ORDER.filter((b) => b !== requested)] : software ? AUTO_ORDER.filter((b) => b !== 'webgpu' && b !== 'webgl') : AUTO_ORDER);
  const failures: string[] = [];
  let wasmPlan: WasmThreadPlan | null = null;
  for (const name of order) {
    if (name === 'wasm') wasmPlan = await prepareWasmThreads(options.threads ?? null, options.parallel ?? undefined);
    const failure = await tryBackend(name, wasmPlan ? poolThreads(wasmPlan) : 1);
    if (failure !== null) {
      failures.push(`${name}: ${failure}`);
      continue;
    }
    if (name === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', false);
    installKernels(name);
    const adapter = name === 'webgpu' ? (probed ?? (await adapterInfo())) : null;
    const fallbackReason =
      software && failures.length === 0
        ? `${SOFTWARE_ADAPTER_REASON} (${[software.vendor, software.architecture].filter(Boolean).join(' / ') || 'fallback adapter'}; ?backend=webgpu forces it)`
        : failures.length === 0
        ? null
        : requested === 'auto'
          ? `preferred backends failed: ${failures.join('; ')}`
          : `forced backend ${requested} failed (${failures[0]}); using ${name}`;
    // What XNNPACK really got (tfjs may clamp the count).
    const wasmThreads = name === 'wasm' && wasmPlan ? { ...wasmPlan, threads: poolThreads(wasmPlan) > 1 ? getThreadsCount() : wasmPlan.threads } : null;
    return { backend: name, adapter, requested, fallbackReason, failures, notes: await backendNotes(name, wasmThreads), wasmThreads };
  }
  throw new Error(`no tfjs backend could start: ${failures.join('; ')}`);
}
