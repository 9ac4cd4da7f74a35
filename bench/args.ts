// Command-line flags of `npm run bench`.
import { MODEL_SIZE_PRESETS, type ModelSizePreset } from '../src/ldae/config';

export const NODE_BACKENDS = ['wasm', 'cpu', 'webgpu'] as const;
/** Node's webgpu (dawn.node) runs only when named (node:webgpu): the browser's is the one users get. */
const DEFAULT_NODE_BACKENDS: NodeBackend[] = ['wasm', 'cpu'];
export const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];
export type BrowserBackend = (typeof BROWSER_BACKENDS)[number];

export interface BenchArgs {
  node: NodeBackend[];
  browser: BrowserBackend[];
  sizes: ModelSizePreset[];
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
  /** Per-kernel time breakdown of one step per Node backend and size. */
  profile: boolean;
  json: boolean;
  rebuild: boolean;
  /** Extra Chromium flags (e.g. Vulkan on a real GPU); CHROMIUM_PATH picks the binary. */
  chromiumArgs: string[];
  /** Run tfjs' own webgpu kernels instead of ours (src/backends/webgpuKernels.ts): the before. */
  referenceKernels: boolean;
}

export const USAGE = `npm run bench -- [--json] [--backends wasm,cpu,webgpu,webgl | node:wasm,chromium:wasm,...]
  [--sizes micro,tiny,small] [--steps 20] [--warmup 3] [--budget 60] [--drift-steps 1000]
  [--drift-budget 30] [--train-images 10000] [--no-app] [--app-seconds 10] [--app-timeout 60] [--profile] [--rebuild] [--reference-kernels]
  [--chromium-args "--flag1 --flag2"]   (CHROMIUM_PATH=... picks the browser binary)
Backends: wasm runs in Node and in Chromium, cpu in Node, webgpu and webgl in Chromium
(node:webgpu: dawn.node over SwiftShader or Vulkan);
prefix node: or chromium: to pick one side. A size whose steps would take longer than
--budget seconds on a backend is skipped, and the output says so.`;

export function parseBenchArgs(argv: string[]): BenchArgs {
  const a: BenchArgs = {
    node: [...DEFAULT_NODE_BACKENDS],
    browser: [...BROWSER_BACKENDS],
    sizes: [...MODEL_SIZE_PRESETS],
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
  };
  const num = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min) throw new Error(`${flag} needs a number >= ${min}, got ${String(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
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
  return a;
}
