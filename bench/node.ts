// The Node side of the benchmark: wasm and cpu backends in this process, one after another; wasm
// again as batch-parallel replicas (worker threads) for each --threads count above 1 when
// --parallel has batch (Node's wasm has no XNNPACK pool: tfjs issue 3830).
import * as tf from '@tensorflow/tfjs';
import { setWebGpuRowKernels } from '../src/backends';
import { loadDatasetNode } from '../src/data/loadNode';
import { DEFAULT_CONFIG } from '../src/ldae/config';
import { splitImages } from '../src/ldae/deviceData';
import { benchCells, benchData, benchExperimentConfig, colourBenchDataset, type BenchData } from '../src/bench/benchConfigs';
import type { LoadedDataset } from '../src/types/data';
import { benchTrainingStep, profileStep, type BenchRow, type KernelProfile, type Skipped } from '../src/bench/stepBench';
import { setupNodeBackend } from '../src/node/backend';
import { nodeWorkerShards } from '../src/node/gradientShardsNode';
import { autoWasmThreads } from '../src/backends/wasmThreadPlan';
import { availableParallelism } from 'node:os';
import type { BenchArgs, NodeBackend } from './args';

export interface NodeBenchResult {
  rows: BenchRow[];
  skipped: Skipped[];
  profiles: KernelProfile[];
}

/** This process's CPU time (user + system) in ms. */
export const processCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Date.now() of the run's --deadline (counted from process start), or null. */
export function deadlineAt(args: BenchArgs): number | null {
  return args.deadlineS === null ? null : Date.now() - performance.now() + args.deadlineS * 1000;
}

export async function runNodeBench(args: BenchArgs, backends: NodeBackend[], log: (line: string) => void): Promise<NodeBenchResult> {
  const out: NodeBenchResult = { rows: [], skipped: [], profiles: [] };
  if (backends.length === 0) return out;
  const cells = benchCells(args.configs, args.sizes);
  const datasets: Partial<Record<BenchData, LoadedDataset>> = {};
  for (const cell of cells) {
    const kind = benchData(cell.config);
    datasets[kind] ??= kind === 'colour' ? colourBenchDataset(args.trainImages) : await loadDatasetNode(DEFAULT_CONFIG.dataset);
  }
  const batchThreads = args.parallel.includes('batch')
    ? [...new Set(args.threads.map((t) => (t === 'auto' ? autoWasmThreads(availableParallelism()) : t)))].filter((t) => t > 1)
    : [];
  const runs = backends.flatMap((backend) => [{ backend, threads: 1 }, ...(backend === 'wasm' ? batchThreads.map((threads) => ({ backend, threads })) : [])]);
  for (const { backend, threads } of runs) {
    await setupNodeBackend(backend);
    setWebGpuRowKernels(!args.referenceKernels);
    for (const { config, size } of cells) {
      const data = datasets[benchData(config)]!;
      const images = splitImages(data.train, data.meta, args.trainImages);
      try {
        const cfg = benchExperimentConfig(config, size);
        const r = await benchTrainingStep({
          cfg,
          configName: config,
          images,
          steps: args.steps,
          warmup: args.warmup,
          budgetS: args.budgetS,
          driftSteps: size === 'micro' ? args.driftSteps : 0,
          driftBudgetS: args.driftBudgetS,
          cpuMs: processCpuMs,
          deadlineAt: deadlineAt(args),
          log,
          shards: threads > 1 ? { factory: nodeWorkerShards, count: threads - 1 } : null,
        });
        if ('row' in r) out.rows.push(r.row);
        else out.skipped.push(r.skipped);
        // The profile is one replica's step (tf.profile cannot see into the shards): not for batch rows.
        if (args.profile && 'row' in r && r.row.parallel !== 'batch') {
          const p = await profileStep(cfg, images);
          out.profiles.push({ env: 'node', backend, threads: r.row.threads, config, size, total_ms: p.totalMs, kernels: p.kernels, calls: p.calls });
        }
      } finally {
        images.dispose();
      }
    }
    log(`${backend}: ${tf.memory().numTensors} tensors alive after the runs`);
  }
  return out;
}
