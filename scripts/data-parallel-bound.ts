// What splitting a step by batch across cores could give on wasm, as an upper bound: run this in
// one process at the full batch, then in N processes at once at batch / N, and compare ms/step.
// The N-process figure leaves out the exchange (gradients to the main replica, parameters back);
// `exchange_ms` is one direction of it measured here: the model's parameter count copied out of
// the wasm heap into a SharedArrayBuffer and back into tensors (median of 30).
//   npx tsx scripts/data-parallel-bound.ts [batch] [size]
import * as tf from '@tensorflow/tfjs';
import { heapView, type WasmBackendLike } from '../src/backends/wasmAdamW';
import { setupNodeBackend } from '../src/node/backend';
import { loadDatasetNode } from '../src/data/loadNode';
import { DEFAULT_CONFIG, type ModelSizePreset } from '../src/ldae/config';
import { splitImages } from '../src/ldae/deviceData';
import { benchExperimentConfig } from '../src/bench/benchConfigs';
import { benchTrainingStep } from '../src/bench/stepBench';

function exchangeMs(floats: number): number {
  const chunk = 96 * 384;
  const parts = Array.from({ length: Math.ceil(floats / chunk) }, () => tf.fill([chunk], 0.5));
  const shared = new Float32Array(new SharedArrayBuffer(parts.length * chunk * 4));
  const backend = tf.backend() as unknown as WasmBackendLike;
  const times: number[] = [];
  for (let r = 0; r < 30; r++) {
    const t0 = performance.now();
    parts.forEach((p, i) => shared.set(heapView(backend, p), i * chunk));
    tf.dispose(parts.map((_, i) => tf.tensor1d(shared.subarray(i * chunk, (i + 1) * chunk))));
    times.push(performance.now() - t0);
  }
  tf.dispose(parts);
  return times.sort((a, b) => a - b)[15];
}

const batch = Number(process.argv[2] ?? 128);
const size = (process.argv[3] ?? 'tiny') as ModelSizePreset;
await setupNodeBackend('wasm');
const data = await loadDatasetNode(DEFAULT_CONFIG.dataset);
const images = splitImages(data.train, data.meta, 10000);
const out = await benchTrainingStep({ cfg: { ...benchExperimentConfig('ldae', size), batchSize: batch }, images, steps: 60, warmup: 3, budgetS: 120, driftSteps: 0, driftBudgetS: 0, cpuMs: null });
if (!('row' in out)) throw new Error(out.skipped.reason);
const r = out.row;
console.log(JSON.stringify({ batch, size, ms_per_step: r.ms_per_step, matmul_gflops: r.matmul_gflops, mfu: r.mfu, params: r.params, exchange_ms: exchangeMs(r.params) }));
