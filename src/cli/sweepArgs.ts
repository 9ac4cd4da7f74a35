// The sweep flags of `npm run experiment`: --sweep tokenizers --latent-dims 4,8,16,32
// [--tokenizers conv-vae,pca,...] [--out file.md], or the generic --sweep key=v1,v2 [--seeds 1,2]
// (gridSweepArgs.ts). Everything else (--steps, --set, ...) is the ordinary experiment config,
// shared by every cell of the sweep.
import path from 'node:path';
import type { ImageShape } from '../types/data';
import { TOKENIZERS, builtinDatasetShape, patchDim, type ExperimentConfig, type TokenizerKind } from '../ldae/config';
import { CliError, type CliOptions } from './args';
import { parseGridSweep, parseList, type GridSweepOptions } from './gridSweepArgs';
import type { TrajectorySweepOptions } from './trajectorySweep';

const TOKENIZER_SWEEP_FLAGS = ['--latent-dims', '--tokenizers'] as const;
export const SWEEP_FLAGS = ['--sweep', ...TOKENIZER_SWEEP_FLAGS, '--seeds', '--out'] as const;
const SWEEP_KINDS = ['tokenizers'] as const;

/** The paper's row order (conv VAE, patch-wise VAE, patch-wise AE, PCA), then pixels as an extra row. */
export const DEFAULT_SWEEP_TOKENIZERS: readonly TokenizerKind[] = ['conv-vae', 'patch-vae', 'patch-ae', 'pca', 'pixel'];
const DEFAULT_LATENT_DIMS: readonly number[] = [4, 8, 16, 32];
const DEFAULT_SWEEP_OUT = path.join('.cache', 'sweep-tokenizers.md');
const DEFAULT_TRAJECTORY_OUT = path.join('.cache', 'sweep-trajectory.md');

export const SWEEP_USAGE = `       npm run experiment -- --sweep tokenizers [--latent-dims 4,8,16,32] [--tokenizers ${DEFAULT_SWEEP_TOKENIZERS.join(',')}]
       [--out ${DEFAULT_SWEEP_OUT}] [--steps N] [--set key=value ...]
Sweep: for each tokenizer and latent dim d, fit the tokenizer (cached in .cache/tokenizers), train N steps, probe;
one JSON line per cell, then a Markdown table (rows: tokenizers, columns: d, cells: linear probe test accuracy),
also written to --out. The pixel tokenizer has one cell, at d = D = patchSize^2.
       npm run experiment -- --sweep trajectory [--steps N] [--set key=value ...] [--out ${DEFAULT_TRAJECTORY_OUT}]
The paper's seven trajectory presets one after another at the same budget; a table beside the paper's numbers.`;

export interface SweepOptions {
  kind: (typeof SWEEP_KINDS)[number];
  tokenizers: TokenizerKind[];
  latentDims: number[];
  out: string;
}

/**
 * null when no sweep was asked for; CliError on a bad sweep flag or a d the patch size cannot hold
 * (checked here for a built-in dataset; for another, call checkSweepDims once it is loaded).
 */
export function parseSweepOptions(opts: Pick<CliOptions, 'extra' | 'config'>): SweepOptions | null {
  const { extra, config } = opts;
  const kind = extra['--sweep'];
  if (kind === undefined) {
    const stray = [...TOKENIZER_SWEEP_FLAGS, '--out'].filter((f) => f in extra);
    if (stray.length > 0) throw new CliError(`${stray.join(', ')} only work with --sweep tokenizers`);
    return null;
  }
  if (!(SWEEP_KINDS as readonly string[]).includes(kind)) {
    throw new CliError(`--sweep must be one of ${[...SWEEP_KINDS, 'trajectory'].join(', ')}, got "${kind}" (or key=v1,v2,... over config keys, e.g. --sweep lr=1e-3,3e-3)`);
  }

  const tokenizers = extra['--tokenizers'] === undefined ? [...DEFAULT_SWEEP_TOKENIZERS] : parseList(extra['--tokenizers'], '--tokenizers').map((name) => {
    if (!(TOKENIZERS as readonly string[]).includes(name)) throw new CliError(`--tokenizers: unknown tokenizer "${name}"; tokenizers: ${TOKENIZERS.join(', ')}`);
    return name as TokenizerKind;
  });

  const latentDims = extra['--latent-dims'] === undefined ? [...DEFAULT_LATENT_DIMS] : parseList(extra['--latent-dims'], '--latent-dims').map((raw) => {
    const d = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isInteger(d) || d < 1) throw new CliError(`--latent-dims: "${raw}" is not a positive integer`);
    return d;
  });
  const shape = builtinDatasetShape(config.dataset);
  if (shape) checkSweepDims({ tokenizers, latentDims }, config, shape);
  const out = extra['--out'] ?? DEFAULT_SWEEP_OUT;
  if (out.trim() === '') throw new CliError('--out needs a file name');
  return { kind: 'tokenizers', tokenizers: unique(tokenizers), latentDims: unique(latentDims), out };
}

/**
 * Which sweep the flags ask for: `--sweep tokenizers` (with --latent-dims / --tokenizers), the
 * generic grid (every --sweep is key=values), or none (null). Sweep flags without a sweep, and a
 * mix of the two kinds, are CliErrors.
 */
export function parseSweepRequest(opts: Pick<CliOptions, 'extra' | 'extraAll' | 'config'>): SweepOptions | GridSweepOptions | TrajectorySweepOptions | null {
  const specs = opts.extraAll['--sweep'] ?? [];
  const has = (f: string) => f in opts.extra;
  if (specs.length === 0) {
    if (has('--seeds')) throw new CliError('--seeds only works with --sweep key=v1,v2,...');
    if (has('--out') && !TOKENIZER_SWEEP_FLAGS.some(has)) throw new CliError('--out only works with --sweep');
    return parseSweepOptions(opts);
  }
  const grid = specs.filter((s) => s.includes('='));
  if (grid.length === 0) {
    if (specs.length > 1) throw new CliError(`--sweep ${specs[0]} is given more than once`);
    if (specs[0] === 'trajectory') {
      const stray = [...TOKENIZER_SWEEP_FLAGS, '--seeds'].filter(has);
      if (stray.length > 0) throw new CliError(`${stray.join(', ')} cannot be used with --sweep trajectory`);
      const out = opts.extra['--out'] ?? DEFAULT_TRAJECTORY_OUT;
      if (out.trim() === '') throw new CliError('--out needs a file name');
      return { kind: 'trajectory', out };
    }
    if (has('--seeds')) throw new CliError('--seeds only works with --sweep key=v1,v2,... (not with --sweep tokenizers)');
    return parseSweepOptions(opts);
  }
  if (grid.length < specs.length) throw new CliError(`--sweep ${specs.find((s) => !s.includes('='))} cannot be combined with --sweep key=values`);
  const stray = TOKENIZER_SWEEP_FLAGS.filter(has);
  if (stray.length > 0) throw new CliError(`${stray.join(', ')} only work with --sweep tokenizers`);
  return parseGridSweep(specs, opts.extra);
}

/** CliError when a swept d is larger than D = P*P*C (the pixel tokenizer alone has no d to check). */
export function checkSweepDims(sweep: Pick<SweepOptions, 'tokenizers' | 'latentDims'>, config: Pick<ExperimentConfig, 'patchSize'>, shape: ImageShape): void {
  const D = patchDim(config, shape.channels);
  const tooLarge = sweep.latentDims.filter((d) => d > D);
  if (tooLarge.length > 0 && sweep.tokenizers.some((t) => t !== 'pixel')) {
    const P = config.patchSize;
    throw new CliError(
      `--latent-dims: d = ${tooLarge.join(', ')} is larger than the patch dimension D = ${D} (patchSize ${P} x ${P} x ${shape.channels} channels); ` +
        `use d <= ${D} or a larger patch (--set patchSize=...)`,
    );
  }
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
