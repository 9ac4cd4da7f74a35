// Browser bench worker: one backend per worker (a fresh tfjs each), the embedded dataset, and
// the shared training-step benchmark for each requested size.
import * as tf from '@tensorflow/tfjs';
import { loadDatasetBrowser } from '../data/loadBrowser';
import { DEFAULT_DATASET } from '../data/registry';
import { setWebGpuRowKernels } from '../backends';
import { describeAdapter, selectBackend } from '../engine/worker/backend';
import { workerShards } from '../engine/worker/gradientShards';
import { splitImages } from '../ldae/deviceData';
import type { LoadedDataset } from '../types/data';
import { benchData, benchExperimentConfig, colourBenchDataset, type BenchData } from './benchConfigs';
import type { BenchReply, BenchRequest } from './protocol';
import { benchTrainingStep, profileStep, type BenchRow, type KernelProfile, type Skipped } from './stepBench';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: BenchReply) => scope.postMessage(m);

/** The GPU the backend ran on: the WebGPU adapter, or the WebGL renderer; null on wasm. */
async function adapterText(): Promise<string | null> {
  if (tf.getBackend() === 'webgl') return webglRenderer();
  if (tf.getBackend() !== 'webgpu') return null;
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) return null;
  const a = await describeAdapter(adapter);
  return [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ') + (a.isFallbackAdapter ? ' (fallback)' : '');
}

function webglRenderer(): string | null {
  const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

async function run(req: BenchRequest): Promise<void> {
  const selection = await selectBackend(req.backend, { threads: req.threads, parallel: req.parallel });
  // Batch-parallel: this worker is one single-threaded replica and threads - 1 shard workers the others.
  const plan = selection.wasmThreads;
  const shardCount = plan?.parallel === 'batch' ? plan.threads - 1 : 0;
  if (selection.backend !== req.backend) {
    post({ type: 'error', backend: req.backend, message: `backend ${req.backend} unavailable: ${selection.failures.join('; ')}` });
    return;
  }
  setWebGpuRowKernels(req.kernels !== 'reference');
  const baseUrl = new URL(import.meta.env.BASE_URL, scope.location.origin).href;
  const datasets: Partial<Record<BenchData, LoadedDataset>> = {};
  const rows: BenchRow[] = [];
  const skipped: Skipped[] = [];
  const profiles: KernelProfile[] = [];
  for (const { config, size } of req.cells) {
    const kind = benchData(config);
    const data = (datasets[kind] ??= kind === 'colour' ? colourBenchDataset(req.trainImages) : await loadDatasetBrowser(DEFAULT_DATASET, baseUrl));
    const images = splitImages(data.train, data.meta, req.trainImages);
    try {
      const cfg = benchExperimentConfig(config, size);
      const out = await benchTrainingStep({
        cfg,
        configName: config,
        images,
        steps: req.steps,
        warmup: req.warmup,
        budgetS: req.budgetS,
        driftSteps: size === 'micro' ? req.driftSteps : 0,
        driftBudgetS: req.driftBudgetS,
        cpuMs: null,
        deadlineAt: req.deadlineAt,
        log: (line) => post({ type: 'log', line }),
        shards: shardCount > 0 ? { factory: workerShards, count: shardCount } : null,
      });
      if ('row' in out) rows.push(out.row);
      else skipped.push(out.skipped);
      // The profile is one replica's step (tf.profile cannot see into the shards): not for batch rows.
      if (req.profile && 'row' in out && out.row.parallel !== 'batch') {
        const p = await profileStep(cfg, images);
        profiles.push({ env: 'chromium', backend: req.backend, threads: out.row.threads, config, size, total_ms: p.totalMs, kernels: p.kernels, calls: p.calls });
      }
    } finally {
      images.dispose();
    }
  }
  post({ type: 'done', backend: req.backend, rows, skipped, profiles, adapter: await adapterText(), notes: selection.notes });
}

scope.onmessage = (ev: MessageEvent<BenchRequest>) => {
  run(ev.data).catch((e: unknown) => post({ type: 'error', backend: ev.data.backend, message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }));
};
