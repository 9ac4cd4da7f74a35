// Command-line arguments of `npm run experiment`: flags -> a validated ExperimentConfig.
import { DEFAULT_CONFIG, MODEL_SIZES, configProblems, parseConfigValue, type ExperimentConfig } from '../ldae/config';
import { ALL_PRESET_IDS, applyPreset } from '../ldae/presets';
import { MAX_WASM_THREADS } from '../backends/wasmThreadPlan';

export const NODE_BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];

export interface CliOptions {
  preset: string;
  config: ExperimentConfig;
  backend: NodeBackend;
  /** Use only the first N training images (0 = all). */
  trainImages: number;
  /** --threads N: train as N batch-parallel wasm replicas (worker threads), 1 = this thread only. */
  threads: number;
  help: boolean;
  /** Flags other CLI features (probe, sweep) register; raw values by flag name (the last one given). */
  extra: Record<string, string>;
  /** Every value of each extra flag, in order (for flags that may repeat, e.g. --sweep). */
  extraAll: Record<string, string[]>;
  /** The explicit config settings in order: --set key=value and the flags that map onto a key. */
  sets: [key: string, raw: string][];
  /** Whether --preset / --train-images were given (not defaulted). */
  presetGiven: boolean;
  trainImagesGiven: boolean;
}

export class CliError extends Error {}

export const USAGE = `usage: npm run experiment -- [--preset ${ALL_PRESET_IDS.join('|')}] [--steps N] [--backend ${NODE_BACKENDS.join('|')}]
       [--seed N] [--size ${MODEL_SIZES.join('|')}] [--dataset fashion-mnist|mnist | --data PATH] [--train-images N] [--probe-every K] [--threads N] [--set key=value ...]
Streams one JSON object per line (metrics; a probe line every K steps, 0 = only at the end), then a summary line
with the final probe and the raw-pixel / random-init baselines (cached in .cache/baselines).
--threads N (wasm): N batch-parallel replicas, one worker thread each, every batch cut into N slices (default 1).`;

/** Flags that take a value and map onto a config key. */
const CONFIG_FLAGS: Record<string, keyof ExperimentConfig> = {
  '--steps': 'steps',
  '--seed': 'seed',
  '--size': 'modelSize',
  '--dataset': 'dataset',
  '--probe-every': 'probeEvery',
};

/**
 * Parses argv (without node and script). `extraFlags` lists further value flags that other parts
 * of the CLI understand (e.g. --probe-every); their raw values land in `extra`.
 */
export function parseArgs(argv: string[], extraFlags: readonly string[] = []): CliOptions {
  let preset = 'ldae';
  let backend: NodeBackend = 'wasm';
  let trainImages = 0;
  let threads = 1;
  let help = false;
  let presetGiven = false;
  let trainImagesGiven = false;
  const sets: [string, string][] = [];
  const extra: Record<string, string> = {};
  const extraAll: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') && !arg.startsWith('--set=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--help' || flag === '-h') {
      help = true;
      continue;
    }
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new CliError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--preset') {
      preset = value();
      presetGiven = true;
      if (!(ALL_PRESET_IDS as readonly string[]).includes(preset)) throw new CliError(`unknown preset "${preset}"; presets: ${ALL_PRESET_IDS.join(', ')}`);
    } else if (flag === '--backend') {
      const b = value();
      if (!(NODE_BACKENDS as readonly string[]).includes(b)) throw new CliError(`--backend must be one of ${NODE_BACKENDS.join(', ')} in Node, got "${b}"`);
      backend = b as NodeBackend;
    } else if (flag === '--train-images') {
      const raw = value();
      trainImagesGiven = true;
      trainImages = Number(raw);
      if (!Number.isInteger(trainImages) || trainImages < 0) throw new CliError(`--train-images must be a non-negative integer, got "${raw}"`);
    } else if (flag === '--threads') {
      const raw = value();
      threads = Number(raw);
      if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) throw new CliError(`--threads must be an integer in [1, ${MAX_WASM_THREADS}], got "${raw}"`);
    } else if (flag === '--set' || arg.startsWith('--set=')) {
      const kv = arg.startsWith('--set=') ? arg.slice(6) : value();
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new CliError(`--set needs key=value, got "${kv}"`);
      sets.push([kv.slice(0, eq), kv.slice(eq + 1)]);
    } else if (flag in CONFIG_FLAGS) {
      sets.push([CONFIG_FLAGS[flag], value()]);
    } else if (extraFlags.includes(flag)) {
      extra[flag] = value();
      (extraAll[flag] ??= []).push(extra[flag]);
    } else {
      throw new CliError(`unknown argument "${arg}"`);
    }
  }

  // Preset first, then explicit settings in order, so --set can override a preset's knob.
  let config: ExperimentConfig = applyPreset(DEFAULT_CONFIG, preset);
  for (const [k, v] of sets) {
    try {
      config = { ...config, ...parseConfigValue(k, v) };
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  config = { ...config, backend };
  if (threads > 1 && backend !== 'wasm') throw new CliError(`--threads ${threads} trains batch-parallel wasm replicas: it needs --backend wasm, got "${backend}"`);
  // With --data the image shape is known only once the files are imported (checked again then).
  const problems = configProblems(config, '--data' in extra ? null : undefined);
  if (problems.length > 0) throw new CliError(problems.map((p) => p.message).join('; '));
  return { preset, config, backend, trainImages, threads, help, extra, extraAll, sets, presetGiven, trainImagesGiven };
}
