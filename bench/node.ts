// The Node side of the benchmark: wasm and cpu backends in this process, one after another.
import * as tf from '@tensorflow/tfjs';
import { setWebGpuRowKernels } from '../src/backends';
import { loadDatasetNode } from '../src/data/loadNode';
import { DEFAULT_CONFIG, type ModelSize } from '../src/ldae/config';
import { splitImages } from '../src/ldae/deviceData';
import { benchTrainingStep, profileStep, type BenchRow, type Skipped } from '../src/bench/stepBench';
import { setupNodeBackend } from '../src/node/backend';
import type { BenchArgs, NodeBackend } from './args';

export interface NodeBenchResult {
  rows: BenchRow[];
  skipped: Skipped[];
  profiles: { backend: string; size: ModelSize; kernels: { kernel: string; ms: number; count: number }[] }[];
}

/** This process's CPU time (user + system) in ms. */
export const processCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export async function runNodeBench(args: BenchArgs, backends: NodeBackend[], log: (line: string) => void): Promise<NodeBenchResult> {
  const out: NodeBenchResult = { rows: [], skipped: [], profiles: [] };
  if (backends.length === 0) return out;
  const data = await loadDatasetNode(DEFAULT_CONFIG.dataset);
  for (const backend of backends) {
    await setupNodeBackend(backend);
    setWebGpuRowKernels(!args.referenceKernels);
    const images = splitImages(data.train, data.meta, args.trainImages);
    try {
      for (const size of args.sizes) {
        const cfg = { ...DEFAULT_CONFIG, modelSize: size };
        const r = await benchTrainingStep({
          cfg,
          images,
          steps: args.steps,
          warmup: args.warmup,
          budgetS: args.budgetS,
          driftSteps: size === 'micro' ? args.driftSteps : 0,
          driftBudgetS: args.driftBudgetS,
          cpuMs: processCpuMs,
          log,
        });
        if ('row' in r) out.rows.push(r.row);
        else out.skipped.push(r.skipped);
        if (args.profile && 'row' in r) out.profiles.push({ backend, size, kernels: await profileStep(cfg, images) });
      }
    } finally {
      images.dispose();
    }
    log(`${backend}: ${tf.memory().numTensors} tensors alive after the runs`);
  }
  return out;
}
