// `npm run bench -- --memory`: the long-run memory benchmark (src/bench/memoryBench.ts) on the
// Node backends, one after another, at the ldae config's sizes (default micro).
import * as tf from '@tensorflow/tfjs';
import { setWebGpuRowKernels } from '../src/backends';
import { benchExperimentConfig } from '../src/bench/benchConfigs';
import { benchMemory, type MemoryBenchResult } from '../src/bench/memoryBench';
import { loadDatasetNode } from '../src/data/loadNode';
import { DEFAULT_CONFIG } from '../src/ldae/config';
import { splitImages } from '../src/ldae/deviceData';
import { setupNodeBackend } from '../src/node/backend';
import type { BenchArgs } from './args';

/** Held-out images for the session's tokenizer summary and probes. */
const HELD_OUT = 256;

export async function runMemoryBench(args: BenchArgs, log: (line: string) => void): Promise<MemoryBenchResult[]> {
  const data = await loadDatasetNode(DEFAULT_CONFIG.dataset);
  const out: MemoryBenchResult[] = [];
  for (const backend of args.node) {
    await setupNodeBackend(backend);
    setWebGpuRowKernels(!args.referenceKernels);
    for (const size of args.sizes ?? ['micro']) {
      const train = splitImages(data.train, data.meta, args.trainImages);
      const heldOut = splitImages(data.test, data.meta, HELD_OUT);
      try {
        const cfg = { ...benchExperimentConfig('ldae', size), probeEvery: args.memoryProbeEvery };
        out.push(await benchMemory({ cfg, dataset: data, train, heldOut, steps: args.memorySteps, every: args.memoryEvery, log }));
      } finally {
        tf.dispose([train, heldOut]);
      }
    }
  }
  return out;
}

export function formatMemory(results: MemoryBenchResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.backend}/${r.size}: ${r.steps} steps (${r.ms_per_step.toFixed(1)} ms/step with probes every ${r.probe_every || '-'}), samples every ${r.every} steps`);
    lines.push('   step  tensors       bytes   backend bytes');
    for (const s of r.samples) lines.push(`${String(s.step).padStart(7)}  ${String(s.num_tensors).padStart(7)}  ${String(s.num_bytes).padStart(10)}  ${String(s.backend_bytes ?? '-').padStart(14)}`);
    const b = r.range.backend_bytes === null ? '-' : String(r.range.backend_bytes);
    lines.push(`max - min: ${r.range.num_tensors} tensors, ${r.range.num_bytes} bytes, backend ${b} bytes: ${r.flat ? 'flat' : 'NOT flat'}`);
  }
  return lines.join('\n');
}
