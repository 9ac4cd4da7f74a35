// The browser bench page (bench.html): runs the training-step benchmark in one worker per
// backend, one backend after another, shows a table and leaves the result on window.__bench.
// wasm runs once per entry of threads= (auto: the app's default count) and, for counts above 1,
// once per entry of parallel= (kernels: XNNPACK's pool; batch: one replica per thread), each in a
// fresh worker.
// Query: ?backends=webgpu,webgl,wasm&configs=ldae,colour,ldae-tuned&sizes=micro,tiny,small
//        &threads=1,auto&parallel=kernels,batch&steps=20&warmup=3&budget=60&driftSteps=1000&driftBudget=30
//        &trainImages=10000&kernels=custom|reference&deadlineAt=<Date.now() ms>
// (no sizes=: each config at its default sizes, see benchConfigs.ts)
import type { BackendName } from '../types/run';
import { MODEL_SIZE_PRESETS, type ModelSizePreset } from '../ldae/config';
import { WASM_PARALLEL, autoWasmThreads } from '../backends/wasmThreadPlan';
import { BENCH_CONFIGS, benchCells, type BenchConfigName } from './benchConfigs';
import { formatTable } from './format';
import type { BenchReply, BenchRequest, PageResult } from './protocol';

const params = new URLSearchParams(location.search);
const list = (key: string, fallback: string) => (params.get(key) ?? fallback).split(',').filter(Boolean);
const num = (key: string, fallback: number) => Number(params.get(key) ?? fallback);

const backends = list('backends', 'webgpu,webgl,wasm') as BackendName[];
const sizes = params.has('sizes') ? list('sizes', '').filter((s): s is ModelSizePreset => (MODEL_SIZE_PRESETS as readonly string[]).includes(s)) : null;
const configs = list('configs', BENCH_CONFIGS.join(',')).filter((c): c is BenchConfigName => (BENCH_CONFIGS as readonly string[]).includes(c));
const cells = benchCells(configs, sizes);
/** The wasm thread counts to run, 'auto' resolved as the app resolves it, duplicates dropped. */
const wasmThreads = [...new Set(list('threads', '1,auto').map((t) => (t === 'auto' ? autoWasmThreads(navigator.hardwareConcurrency) : Number(t))))].filter((n) => Number.isInteger(n) && n >= 1);
const parallelModes = WASM_PARALLEL.filter((m) => list('parallel', WASM_PARALLEL.join(',')).includes(m));
const deadlineAt = params.has('deadlineAt') ? num('deadlineAt', 0) : null;
const logEl = document.getElementById('log')!;
const tableEl = document.getElementById('table')!;

function log(line: string): void {
  console.log(`[bench] ${line}`);
  logEl.textContent += `${line}\n`;
}

interface BackendRun {
  backend: BackendName;
  threads: number | null;
  parallel: BenchRequest['parallel'];
}

const runLabel = (r: BackendRun) => `${r.backend}${r.threads ? ` x${r.threads}${r.parallel === 'batch' ? ' batch-parallel' : ''}` : ''}`;

function runBackend({ backend, threads, parallel }: BackendRun): Promise<Extract<BenchReply, { type: 'done' | 'error' }>> {
  const worker = new Worker(new URL('./benchWorker.ts', import.meta.url), { type: 'module', name: `bench-${backend}${threads ? `-${threads}` : ''}${parallel === 'batch' ? '-batch' : ''}` });
  const req: BenchRequest = {
    backend,
    cells,
    threads,
    parallel,
    deadlineAt,
    steps: num('steps', 20),
    warmup: num('warmup', 3),
    budgetS: num('budget', 60),
    driftSteps: num('driftSteps', 1000),
    driftBudgetS: num('driftBudget', 30),
    trainImages: num('trainImages', 10000),
    kernels: params.get('kernels') === 'reference' ? 'reference' : 'custom',
    profile: params.get('profile') === '1',
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
  const result: PageResult = { rows: [], skipped: [], profiles: [], adapters: {}, notes: [], errors: [] };
  const runs = backends.flatMap((backend): BackendRun[] =>
    backend === 'wasm'
      ? wasmThreads.flatMap((threads) => (threads > 1 ? parallelModes : (['kernels'] as const)).map((parallel) => ({ backend, threads, parallel })))
      : [{ backend, threads: null, parallel: 'kernels' }],
  );
  for (const run of runs) {
    const { backend } = run;
    if (deadlineAt !== null && Date.now() > deadlineAt) {
      log(`${backend}: not started, the run's deadline has passed`);
      result.notes.push(`${runLabel(run)}: not started, the run's --deadline had passed`);
      continue;
    }
    log(`${runLabel(run)}: starting`);
    const r = await runBackend(run);
    if (r.type === 'error') {
      log(`${runLabel(run)}: error: ${r.message}`);
      result.errors.push(`${runLabel(run)}: ${r.message}`);
      continue;
    }
    result.rows.push(...r.rows);
    result.skipped.push(...r.skipped);
    result.profiles.push(...r.profiles);
    result.adapters[backend] = r.adapter;
    result.notes.push(...r.notes);
    tableEl.textContent = formatTable(result.rows, result.skipped);
  }
  (window as unknown as { __bench: PageResult }).__bench = result;
  log('done');
}

main().catch((e: unknown) => {
  log(`error: ${String(e)}`);
  (window as unknown as { __bench: PageResult }).__bench = { rows: [], skipped: [], profiles: [], adapters: {}, notes: [], errors: [String(e)] };
});
