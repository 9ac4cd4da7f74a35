// `npm run bench [-- --json ...]`: the training-step benchmark of the default `ldae` config at
// sizes micro, tiny, small on wasm and cpu in Node and on webgpu, webgl and wasm in headless
// Chromium, against each backend's own matmul throughput (MFU). See README, Performance.
// With --json the last line of stdout is one JSON object: {"results":[...], ...}.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { formatTable } from '../src/bench/format';
import { parseBenchArgs } from './args';
import { softwareAdapterProblems } from './gpuCheck';
import { runBrowserBench } from './browser';
import { formatMemory, runMemoryBench } from './memory';
import { runNodeBench } from './node';

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  // Progress goes to stderr so that stdout is the table (and with --json the JSON line last).
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const t0 = performance.now();
  const loadAtStart = os.loadavg()[0];
  if (args.memory) {
    const memory = await runMemoryBench(args, log);
    console.log(formatMemory(memory));
    const machine = { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? '', load_avg_1m_start: loadAtStart, load_avg_1m: os.loadavg()[0], node: process.version };
    const json = JSON.stringify({ memory, machine, seconds: (performance.now() - t0) / 1000 });
    if (args.out) {
      mkdirSync(dirname(args.out), { recursive: true });
      writeFileSync(args.out, `${json}\n`);
    }
    if (args.json) console.log(json);
    return;
  }
  const node = await runNodeBench(args, args.node, log);
  const browser = await runBrowserBench(args, args.browser, log);
  const results = [...node.rows.map((r) => ({ env: 'node', ...r })), ...(browser?.rows ?? []).map((r) => ({ env: 'chromium', ...r }))];
  const skipped = [...node.skipped.map((s) => ({ env: 'node', ...s })), ...(browser?.skipped ?? []).map((s) => ({ env: 'chromium', ...s }))];
  const machine = { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? '', load_avg_1m_start: loadAtStart, load_avg_1m: os.loadavg()[0], node: process.version, platform: `${os.platform()} ${os.arch()}` };
  console.log(formatTable(results, skipped));
  const profiles = [...node.profiles, ...(browser?.profiles ?? [])];
  for (const p of profiles) {
    const threads = p.threads === null ? '' : ` x${p.threads}`;
    console.log(`\nper-kernel time, one ${p.env} ${p.backend}${threads}/${p.config}/${p.size} step (tf.profile; all kernels ${p.total_ms.toFixed(1)} ms):`);
    for (const k of p.kernels) console.log(`  ${k.kernel.padEnd(24)} ${k.ms.toFixed(1).padStart(8)} ms  x${k.count}`);
    console.log('  costliest call sites (kernel, input shapes):');
    for (const k of p.calls) console.log(`    ${k.ms.toFixed(1).padStart(8)} ms  x${k.count}  ${k.kernel}`);
  }
  for (const a of browser?.app ?? []) {
    console.log(
      `\napp ${a.query} (${a.backend || '?'}): start enabled ${fmtS(a.ms_to_start_enabled)}, first step ${fmtS(a.ms_to_first_step)} after page open; ` +
        `${a.long_tasks} main-thread long tasks (longest ${a.longest_task_ms.toFixed(0)} ms) in ${a.train_seconds} s of training (${a.steps_seen} steps)` +
        (a.error ? `; error: ${a.error}` : ''),
    );
  }
  for (const n of browser?.notes ?? []) console.log(`chromium note: ${n}`);
  const softwareGpu = args.gpu ? softwareAdapterProblems(browser?.adapters ?? {}) : [];
  for (const p of softwareGpu) console.log(`WARNING (--gpu): ${p}`);
  for (const e of browser?.errors ?? []) console.log(`chromium error: ${e}`);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`\n${results.length} rows in ${seconds.toFixed(0)} s on ${machine.cpus} CPUs (${machine.cpu_model}), load ${machine.load_avg_1m.toFixed(1)}`);
  if (args.json || args.out) {
    const json = JSON.stringify({
      results,
      skipped,
      app: browser?.app ?? [],
      adapters: browser?.adapters ?? {},
      chromium: browser?.chromium ?? null,
      browser_errors: browser?.errors ?? [],
      profiles,
      machine,
      webgpu_kernels: args.referenceKernels ? 'tfjs reference' : 'custom (src/backends/webgpuKernels.ts)',
      chromium_args: args.chromiumArgs,
      chromium_path: args.chromiumPath,
      notes: browser?.notes ?? [],
      ...(args.gpu ? { gpu_software_adapters: softwareGpu } : {}),
      seconds,
    });
    if (args.out) {
      mkdirSync(dirname(args.out), { recursive: true });
      writeFileSync(args.out, `${json}\n`);
      log(`wrote ${args.out}`);
    }
    if (args.json) console.log(json);
  }
  // After the JSON is written: a --gpu run that never reached the GPU must not pass for one.
  if (softwareGpu.length > 0) process.exitCode = 3;
}

function fmtS(ms: number | null): string {
  return ms === null ? 'n/a' : `${(ms / 1000).toFixed(2)} s`;
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
