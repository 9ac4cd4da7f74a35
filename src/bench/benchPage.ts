// The browser bench page (bench.html): runs the training-step benchmark in one worker per
// backend, one backend after another, shows a table and leaves the result on window.__bench.
// Query: ?backends=webgpu,webgl,wasm&sizes=micro,tiny,small&steps=20&warmup=3&budget=60
//        &driftSteps=1000&driftBudget=30&trainImages=10000&kernels=custom|reference
import type { BackendName } from '../types/run';
import { MODEL_SIZE_PRESETS, type ModelSizePreset } from '../ldae/config';
import { formatTable } from './format';
import type { BenchReply, BenchRequest, PageResult } from './protocol';

const params = new URLSearchParams(location.search);
const list = (key: string, fallback: string) => (params.get(key) ?? fallback).split(',').filter(Boolean);
const num = (key: string, fallback: number) => Number(params.get(key) ?? fallback);

const backends = list('backends', 'webgpu,webgl,wasm') as BackendName[];
const sizes = list('sizes', MODEL_SIZE_PRESETS.join(',')).filter((s): s is ModelSizePreset => (MODEL_SIZE_PRESETS as readonly string[]).includes(s));
const logEl = document.getElementById('log')!;
const tableEl = document.getElementById('table')!;

function log(line: string): void {
  console.log(`[bench] ${line}`);
  logEl.textContent += `${line}\n`;
}

function runBackend(backend: BackendName): Promise<Extract<BenchReply, { type: 'done' | 'error' }>> {
  const worker = new Worker(new URL('./benchWorker.ts', import.meta.url), { type: 'module', name: `bench-${backend}` });
  const req: BenchRequest = {
    backend,
    sizes,
    steps: num('steps', 20),
    warmup: num('warmup', 3),
    budgetS: num('budget', 60),
    driftSteps: num('driftSteps', 1000),
    driftBudgetS: num('driftBudget', 30),
    trainImages: num('trainImages', 10000),
    kernels: params.get('kernels') === 'reference' ? 'reference' : 'custom',
  };
  return new Promise((resolve) => {
    worker.onmessage = (ev: MessageEvent<BenchReply>) => {
      const m = ev.data;
      if (m.type === 'log') return log(m.line);
      worker.terminate();
      resolve(m);
    };
    worker.onerror = (ev) => {
      worker.terminate();
      resolve({ type: 'error', backend, message: ev.message || 'bench worker failed to start' });
    };
    worker.postMessage(req);
  });
}

async function main(): Promise<void> {
  const result: PageResult = { rows: [], skipped: [], adapters: {}, notes: [], errors: [] };
  for (const backend of backends) {
    log(`${backend}: starting`);
    const r = await runBackend(backend);
    if (r.type === 'error') {
      log(`${backend}: error: ${r.message}`);
      result.errors.push(`${backend}: ${r.message}`);
      continue;
    }
    result.rows.push(...r.rows);
    result.skipped.push(...r.skipped);
    result.adapters[backend] = r.adapter;
    result.notes.push(...r.notes);
    tableEl.textContent = formatTable(result.rows, result.skipped);
  }
  (window as unknown as { __bench: PageResult }).__bench = result;
  log('done');
}

main().catch((e: unknown) => {
  log(`error: ${String(e)}`);
  (window as unknown as { __bench: PageResult }).__bench = { rows: [], skipped: [], adapters: {}, notes: [], errors: [String(e)] };
});
