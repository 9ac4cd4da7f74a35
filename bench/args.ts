// Command-line flags of `npm run bench`.
import { existsSync } from 'node:fs';
import { BENCH_CONFIGS, type BenchConfigName } from '../src/bench/benchConfigs';
import { MAX_WASM_THREADS, WASM_PARALLEL, type WasmParallel } from '../src/backends/wasmThreadPlan';
import { MODEL_SIZE_PRESETS, type ModelSizePreset } from '../src/ldae/config';

export const NODE_BACKENDS = ['wasm', 'cpu', 'webgpu'] as const;
/** Node's webgpu (dawn.node) runs only when named (node:webgpu): the browser's is the one users get. */
const DEFAULT_NODE_BACKENDS: NodeBackend[] = ['wasm', 'cpu'];
export const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];
export type BrowserBackend = (typeof BROWSER_BACKENDS)[number];

/** A wasm thread count for Chromium: a number, or 'auto' (the app's default, hardwareConcurrency capped). */
export type ThreadsSpec = number | 'auto';

export interface BenchArgs {
  node: NodeBackend[];
  browser: BrowserBackend[];
  /** null: each config at its default sizes (src/bench/benchConfigs.ts). */
  sizes: ModelSizePreset[] | null;
  configs: BenchConfigName[];
  /** Chromium wasm runs once per entry (and mode); Node's wasm (no XNNPACK pool there, tfjs issue 3830) once more per count above 1, as batch-parallel replicas. */
  threads: ThreadsSpec[];
  /** How Chromium's multi-threaded wasm rows use their threads: 'kernels' (XNNPACK's pool), 'batch' (one replica per thread); each count > 1 runs once per entry. */
  parallel: WasmParallel[];
  /** The real-GPU run: Chromium only, GPU flags, short budgets, JSON to `out`. */
  gpu: boolean;
  /** Write the JSON object here too (--out; --gpu defaults it). */
  out: string | null;
  /** Stop starting new measurements this many seconds after the bench started (--deadline; --gpu: 270). */
  deadlineS: number | null;
  /** The browser binary (CHROMIUM_PATH, else Debian's chromium; --gpu prefers Google Chrome). */
  chromiumPath: string;
  steps: number;
  warmup: number;
  budgetS: number;
  driftSteps: number;
  driftBudgetS: number;
  trainImages: number;
  /** Measure the real app (first step, long tasks) in Chromium. */
  app: boolean;
  appTrainS: number;
  /** Give up waiting for the app's first step after this long (SwiftShader WebGPU is slow). */
  appFirstStepTimeoutS: number;
  /** Per-kernel time breakdown of one step per row (Node and Chromium; wasm once per thread count). */
  profile: boolean;
  json: boolean;
  rebuild: boolean;
  /** Extra Chromium flags (e.g. Vulkan on a real GPU); CHROMIUM_PATH picks the binary. */
  chromiumArgs: string[];
  /** Run tfjs' own webgpu kernels instead of ours (src/backends/webgpuKernels.ts): the before. */
  referenceKernels: boolean;
  /** The long-run memory benchmark instead of the step benchmark (Node backends; default node:wasm). */
  memory: boolean;
  memorySteps: number;
  /** Sample tf.memory() and the backend's bytes every this many steps. */
  memoryEvery: number;
  /** Probe every this many steps during the memory run (0 = none). */
  memoryProbeEvery: number;
}

export const USAGE = `npm run bench -- [--json] [--backends wasm,cpu,webgpu,webgl | node:wasm,chromium:wasm,...]
  [--configs ldae,colour,ldae-tuned] [--sizes micro,tiny,small] [--threads 1,auto] [--parallel kernels,batch] [--gpu] [--out FILE] [--steps 20] [--warmup 3] [--budget 60] [--drift-steps 1000]
  [--drift-budget 30] [--train-images 10000] [--no-app] [--app-seconds 10] [--app-timeout 60] [--profile] [--rebuild] [--reference-kernels]
  [--chromium-args "--flag1 --flag2"]   (CHROMIUM_PATH=... picks the browser binary)
  [--memory [--memory-steps 10000] [--memory-every 500] [--memory-probe-every 2500]]
Backends: wasm runs in Node and in Chromium, cpu in Node, webgpu and webgl in Chromium
(node:webgpu: dawn.node over SwiftShader or Vulkan);
prefix node: or chromium: to pick one side. A size whose steps would take longer than
--budget seconds on a backend is skipped, and the output says so.
Configs: ldae (default config), colour (32x32x3, patch 8), ldae-tuned (preset); without --sizes
ldae runs micro,tiny,small and the others tiny. --threads: Chromium wasm once per count (auto =
the app's default: hardwareConcurrency, capped at 8). --parallel: how a count above 1 is used,
kernels (XNNPACK's thread pool inside the matmuls) and/or batch (one single-threaded replica per
thread, each computing a slice of the batch; the app's default); each count > 1 runs once per mode.
Node's wasm has no thread pool: with batch in --parallel it runs once more per count above 1 as
batch-parallel replicas in worker threads (auto = the CPU count, capped at 8).
--memory: the long-run memory benchmark instead (Node only, default node:wasm, micro, the ldae
config): live tensors, tensor bytes and backend bytes every --memory-every steps, flat or not.
--gpu: the real-GPU run (Linux + NVIDIA, Vulkan): Chromium webgpu,webgl,wasm with the GPU flags,
budgets that end within 5 minutes, JSON written to --out (default bench/out/gpu-<time>.json);
exit code 3 (after the JSON) when WebGPU or WebGL ran on a software adapter (SwiftShader, llvmpipe).`;

export function parseBenchArgs(argv: string[]): BenchArgs {
  const a: BenchArgs = {
    node: [...DEFAULT_NODE_BACKENDS],
    browser: [...BROWSER_BACKENDS],
    sizes: null,
    configs: [...BENCH_CONFIGS],
    threads: [1, 'auto'],
    parallel: [...WASM_PARALLEL],
    gpu: false,
    out: null,
    deadlineS: null,
    chromiumPath: process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM,
    steps: 20,
    warmup: 3,
    budgetS: 60,
    driftSteps: 1000,
    driftBudgetS: 30,
    trainImages: 10000,
    app: true,
    appTrainS: 10,
    appFirstStepTimeoutS: 60,
    profile: false,
    json: false,
    rebuild: false,
    chromiumArgs: [],
    referenceKernels: false,
    memory: false,
    memorySteps: 10_000,
    memoryEvery: 500,
    memoryProbeEvery: 2500,
  };
  const num = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min) throw new Error(`${flag} needs a number >= ${min}, got ${String(v)}`);
    return n;
  };
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    given.add(flag);
    const value = () => argv[++i];
    switch (flag) {
      case '--json':
        a.json = true;
        break;
      case '--profile':
        a.profile = true;
        break;
      case '--rebuild':
        a.rebuild = true;
        break;
      case '--reference-kernels':
        a.referenceKernels = true;
        break;
      case '--memory':
        a.memory = true;
        break;
      case '--memory-steps':
        a.memorySteps = num(flag, value(), 1);
        break;
      case '--memory-every':
        a.memoryEvery = num(flag, value(), 1);
        break;
      case '--memory-probe-every':
        a.memoryProbeEvery = num(flag, value(), 0);
        break;
      case '--no-app':
        a.app = false;
        break;
      case '--backends': {
        const names = (value() ?? '').split(',').filter(Boolean);
        a.node = [];
        a.browser = [];
        for (const name of names) {
          const [side, backend] = name.includes(':') ? name.split(':') : ['', name];
          const toNode = (side === 'node' || (side === '' && backend !== 'webgpu')) && (NODE_BACKENDS as readonly string[]).includes(backend);
          const toBrowser = (side === '' || side === 'chromium') && (BROWSER_BACKENDS as readonly string[]).includes(backend);
          if (!toNode && !toBrowser) throw new Error(`unknown backend "${name}"\n${USAGE}`);
          if (toNode) a.node.push(backend as NodeBackend);
          if (toBrowser) a.browser.push(backend as BrowserBackend);
        }
        break;
      }
      case '--deadline':
        a.deadlineS = num(flag, value(), 1);
        break;
      case '--gpu':
        a.gpu = true;
        break;
      case '--out': {
        const v = value();
        if (!v || v.startsWith('--')) throw new Error(`--out needs a file name`);
        a.out = v;
        break;
      }
      case '--configs': {
        const configs = (value() ?? '').split(',').filter(Boolean);
        for (const c of configs) if (!(BENCH_CONFIGS as readonly string[]).includes(c)) throw new Error(`unknown config "${c}" (${BENCH_CONFIGS.join(', ')})`);
        if (configs.length === 0) throw new Error(`--configs needs one of ${BENCH_CONFIGS.join(', ')}`);
        a.configs = configs as BenchConfigName[];
        break;
      }
      case '--threads': {
        const specs = (value() ?? '').split(',').filter(Boolean);
        if (specs.length === 0) throw new Error(`--threads needs counts, e.g. 1,2 or 1,auto`);
        a.threads = specs.map((t) => {
          if (t === 'auto') return 'auto';
          const n = Number(t);
          if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) throw new Error(`--threads: "${t}" is not auto or an integer in [1, ${MAX_WASM_THREADS}]`);
          return n;
        });
        break;
      }
      case '--parallel': {
        const modes = (value() ?? '').split(',').filter(Boolean);
        if (modes.length === 0) throw new Error('--parallel needs modes, e.g. kernels,batch');
        const bad = modes.filter((m) => !(WASM_PARALLEL as readonly string[]).includes(m));
        if (bad.length > 0) throw new Error(`--parallel: unknown mode ${bad.map((m) => `"${m}"`).join(', ')} (kernels, batch)`);
        a.parallel = [...new Set(modes)] as WasmParallel[];
        break;
      }
      case '--sizes': {
        const sizes = (value() ?? '').split(',').filter(Boolean);
        for (const s of sizes) if (!(MODEL_SIZE_PRESETS as readonly string[]).includes(s)) throw new Error(`unknown size "${s}" (${MODEL_SIZE_PRESETS.join(', ')})`);
        a.sizes = sizes as ModelSizePreset[];
        break;
      }
      case '--steps':
        a.steps = num(flag, value(), 20);
        break;
      case '--warmup':
        a.warmup = num(flag, value(), 3);
        break;
      case '--budget':
        a.budgetS = num(flag, value(), 1);
        break;
      case '--drift-steps':
        a.driftSteps = num(flag, value(), 0);
        break;
      case '--drift-budget':
        a.driftBudgetS = num(flag, value(), 0);
        break;
      case '--train-images':
        a.trainImages = num(flag, value(), 128);
        break;
      case '--app-timeout':
        a.appFirstStepTimeoutS = num(flag, value(), 1);
        break;
      case '--app-seconds':
        a.appTrainS = num(flag, value(), 1);
        break;
      case '--chromium-args':
        a.chromiumArgs.push(...(value() ?? '').split(/\s+/).filter(Boolean));
        break;
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown flag "${flag}"\n${USAGE}`);
    }
  }
  if (a.gpu) applyGpuRun(a, given);
  if (a.memory) {
    a.browser = []; // Node only: chromium: backends are ignored

    if (!given.has('--backends')) a.node = ['wasm'];
    if (!given.has('--sizes')) a.sizes = ['micro'];
  }
  return a;
}

const DEFAULT_CHROMIUM = '/usr/bin/chromium';
/** Google Chrome first on a GPU machine (its Vulkan/ANGLE path is the tested one), else Debian's Chromium. */
const GPU_CHROMIUM_CANDIDATES = ['/usr/bin/google-chrome-stable', '/usr/bin/google-chrome', DEFAULT_CHROMIUM];

/**
 * Chromium flags for WebGPU/WebGL on a Linux machine with an NVIDIA GPU, its driver and Vulkan,
 * headless (the bench always adds --headless=new --enable-unsafe-webgpu --no-sandbox): ANGLE and
 * Dawn on Vulkan, the GPU blocklist ignored (headless Linux is often blocklisted), no Vulkan
 * surface (there is no display).
 */
export const GPU_CHROMIUM_ARGS = [
  '--use-angle=vulkan',
  '--use-vulkan=native',
  '--enable-features=Vulkan,VulkanFromANGLE,DefaultANGLEVulkan',
  '--ignore-gpu-blocklist',
  '--disable-vulkan-surface',
  '--enable-gpu-rasterization',
];

/** Seconds the --gpu run may take in all (the issue's bound is 5 minutes; 30 s are left for the last measurement to end). */
export const GPU_DEADLINE_S = 270;

/** --gpu: Chromium backends only, the GPU flags, short budgets; flags given explicitly win. */
function applyGpuRun(a: BenchArgs, given: Set<string>): void {
  if (!given.has('--backends')) {
    a.node = [];
    a.browser = [...BROWSER_BACKENDS];
  }
  a.chromiumArgs = [...GPU_CHROMIUM_ARGS, ...a.chromiumArgs];
  if (process.env.CHROMIUM_PATH === undefined) a.chromiumPath = GPU_CHROMIUM_CANDIDATES.find((p) => existsSync(p)) ?? DEFAULT_CHROMIUM;
  if (!given.has('--budget')) a.budgetS = 30;
  if (!given.has('--drift-budget')) a.driftBudgetS = 10;
  if (!given.has('--app-seconds')) a.appTrainS = 5;
  if (!given.has('--app-timeout')) a.appFirstStepTimeoutS = 30;
  if (!given.has('--deadline')) a.deadlineS = GPU_DEADLINE_S;
  a.json = true;
  a.out ??= `bench/out/gpu-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
}
