// What splitting a step by batch across cores could give on wasm, as an upper bound: run this in
// one process at the full batch, then in N processes at once at batch / N, and compare ms/step
// (the N-process figure leaves out exchanging gradients and parameters, ~3 MB each way at tiny).
//   npx tsx scripts/data-parallel-bound.ts [batch] [size]
import { setupNodeBackend } from '../src/node/backend';
import { loadDatasetNode } from '../src/data/loadNode';
import { DEFAULT_CONFIG, type ModelSizePreset } from '../src/ldae/config';
import { splitImages } from '../src/ldae/deviceData';
import { benchExperimentConfig } from '../src/bench/benchConfigs';
import { benchTrainingStep } from '../src/bench/stepBench';

const batch = Number(process.argv[2] ?? 128);
const size = (process.argv[3] ?? 'tiny') as ModelSizePreset;
await setupNodeBackend('wasm');
const data = await loadDatasetNode(DEFAULT_CONFIG.dataset);
const images = splitImages(data.train, data.meta, 10000);
const out = await benchTrainingStep({ cfg: { ...benchExperimentConfig('ldae', size), batchSize: batch }, images, steps: 60, warmup: 3, budgetS: 120, driftSteps: 0, driftBudgetS: 0, cpuMs: null });
if (!('row' in out)) throw new Error(out.skipped.reason);
console.log(JSON.stringify({ batch, size, ms_per_step: out.row.ms_per_step, matmul_gflops: out.row.matmul_gflops, mfu: out.row.mfu }));
