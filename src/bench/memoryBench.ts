// The long-run memory benchmark (issue 14, memory and long runs): one training session as the
// app and the CLI run it (TrainingSession: trainer, metrics windows, the non-finite guard's last
// good state, probes when `probeEvery` > 0), sampling live tensors and bytes every `every` steps.
// Flat = no growth from the first sample on: max - min of each series over the samples.
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../ldae/config';
import { TrainingSession, type TrainControl } from '../ldae/session/trainingSession';
import type { LoadedDataset } from '../types/data';

export interface MemorySample {
  step: number;
  /** tf.memory().numTensors. */
  num_tensors: number;
  /** tf.memory().numBytes: bytes of the tensors the engine tracks. */
  num_bytes: number;
  /** What the backend itself holds: the wasm heap's size, webgpu's allocated buffers (pool included); null on cpu. */
  backend_bytes: number | null;
  ms_since_start: number;
}

export interface MemoryBenchResult {
  backend: string;
  size: string;
  steps: number;
  every: number;
  probe_every: number;
  samples: MemorySample[];
  /** max - min over the samples (the first is taken after the first `every` steps). */
  range: { num_tensors: number; num_bytes: number; backend_bytes: number | null };
  flat: boolean;
  ms_per_step: number;
}

export interface MemoryBenchOptions {
  cfg: ExperimentConfig;
  dataset: LoadedDataset;
  train: tf.Tensor4D;
  heldOut: tf.Tensor4D;
  steps: number;
  every: number;
  log?: (line: string) => void;
}

/** The backend's own allocation: wasm's linear memory, webgpu's buffer pool; null where unknown. */
export function backendBytes(): number | null {
  const backend = tf.getBackend();
  if (backend === 'wasm') {
    const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
    return wasm?.HEAPU8?.buffer.byteLength ?? null;
  }
  const mem = tf.memory() as tf.MemoryInfo & { numBytesInGPUAllocated?: number; numBytesInGPU?: number };
  return mem.numBytesInGPUAllocated ?? mem.numBytesInGPU ?? null;
}

const range = (xs: number[]) => (xs.length ? Math.max(...xs) - Math.min(...xs) : 0);

export async function benchMemory(o: MemoryBenchOptions): Promise<MemoryBenchResult> {
  const log = o.log ?? (() => {});
  const cfg: ExperimentConfig = { ...o.cfg, steps: o.steps };
  const session = await TrainingSession.open({ cfg, dataset: o.dataset, train: o.train, heldOut: o.heldOut });
  const samples: MemorySample[] = [];
  const control: TrainControl = { stopped: () => false, paused: () => false, onMetrics: () => {} };
  const t0 = performance.now();
  try {
    while (session.step < o.steps) {
      const until = Math.min(o.steps, session.step + o.every - (session.step % o.every));
      let end = await session.train(until, control);
      while (end === 'probe-due') {
        await session.probe();
        end = await session.train(until, control);
      }
      if (end === 'non-finite') throw new Error(`memory bench: non-finite loss at step ${session.step}`);
      const mem = tf.memory();
      const s: MemorySample = { step: session.step, num_tensors: mem.numTensors, num_bytes: mem.numBytes, backend_bytes: backendBytes(), ms_since_start: performance.now() - t0 };
      samples.push(s);
      log(`memory ${tf.getBackend()}/${cfg.modelSize} step ${s.step}: ${s.num_tensors} tensors, ${s.num_bytes} bytes, backend ${s.backend_bytes ?? '-'} bytes`);
    }
  } finally {
    session.dispose();
  }
  const backendSeries = samples.map((s) => s.backend_bytes).filter((b): b is number => b !== null);
  const r = {
    num_tensors: range(samples.map((s) => s.num_tensors)),
    num_bytes: range(samples.map((s) => s.num_bytes)),
    backend_bytes: backendSeries.length ? range(backendSeries) : null,
  };
  return {
    backend: tf.getBackend(),
    size: cfg.modelSize,
    steps: o.steps,
    every: o.every,
    probe_every: cfg.probeEvery,
    samples,
    range: r,
    flat: r.num_tensors === 0 && r.num_bytes === 0 && (r.backend_bytes ?? 0) === 0,
    ms_per_step: samples.length ? samples[samples.length - 1].ms_since_start / samples[samples.length - 1].step : 0,
  };
}
