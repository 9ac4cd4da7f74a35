// Messages between the bench page and its per-backend worker (browser only).
import type { BackendName, WasmParallel } from '../types/run';
import type { BenchCell } from './benchConfigs';
import type { BenchRow, KernelProfile, Skipped } from './stepBench';

export interface BenchRequest {
  backend: BackendName;
  /** The (config, size) cells to run, in order. */
  cells: BenchCell[];
  /** wasm: XNNPACK threads (null: the app's default); ignored by other backends. */
  threads: number | null;
  /** wasm with threads > 1: XNNPACK's pool inside kernels, or one single-threaded replica per thread (batch-parallel). */
  parallel: WasmParallel;
  /** Date.now() after which no new measurement starts (null: none). */
  deadlineAt: number | null;
  steps: number;
  warmup: number;
  budgetS: number;
  driftSteps: number;
  driftBudgetS: number;
  trainImages: number;
  /** 'reference': tfjs' own webgpu kernels instead of ours (the before of an optimisation). */
  kernels: 'custom' | 'reference';
  /** Also profile one step per row, kernel by kernel (--profile). */
  profile: boolean;
}

export type BenchReply =
  | { type: 'log'; line: string }
  | { type: 'done'; backend: BackendName; rows: BenchRow[]; skipped: Skipped[]; profiles: KernelProfile[]; adapter: string | null; notes: string[] }
  | { type: 'error'; backend: BackendName; message: string };

/** What the bench page leaves on `window.__bench` when every backend has finished. */
export interface PageResult {
  rows: BenchRow[];
  skipped: Skipped[];
  profiles: KernelProfile[];
  adapters: Record<string, string | null>;
  notes: string[];
  errors: string[];
}
