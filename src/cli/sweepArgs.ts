// The sweep flags of `npm run experiment`: --sweep tokenizers --latent-dims 4,8,16,32
// [--tokenizers conv-vae,pca,...] [--out file.md]. Everything else (--steps, --set, ...) is the
// ordinary experiment config, shared by every cell of the sweep.
import path from 'node:path';
import type { ImageShape } from '../types/data';
import { TOKENIZERS, builtinDatasetShape, patchDim, type ExperimentConfig, type TokenizerKind } from '../ldae/config';
import { CliError, type CliOptions } from './args';

export const SWEEP_FLAGS = ['--sweep', '--latent-dims', '--tokenizers', '--out'] as const;
export const SWEEP_KINDS = ['tokenizers'] as const;

/** The paper's row order (conv VAE, patch-wise VAE, patch-wise AE, PCA), then pixels as an extra row. */
export const DEFAULT_SWEEP_TOKENIZERS: readonly TokenizerKind[] = ['conv-vae', 'patch-vae', 'patch-ae', 'pca', 'pixel'];
export const DEFAULT_LATENT_DIMS: readonly number[] = [4, 8, 16, 32];
export const DEFAULT_SWEEP_OUT = path.join('.cache', 'sweep-tokenizers.md');

export const SWEEP_USAGE = `       npm run experiment -- --sweep tokenizers [--latent-dims 4,8,16,32] [--tokenizers ${DEFAULT_SWEEP_TOKENIZERS.join(',')}]
       [--out ${DEFAULT_SWEEP_OUT}] [--steps N] [--set key=value ...]
Sweep: for each tokenizer and latent dim d, fit the tokenizer (cached in .cache/tokenizers), train N steps, probe;
one JSON line per cell, then a Markdown table (rows: tokenizers, columns: d, cells: linear probe test accuracy),
also written to --out. The pixel tokenizer has one cell, at d = D = patchSize^2.`;

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
    const stray = SWEEP_FLAGS.filter((f) => f in extra);
    if (stray.length > 0) throw new CliError(`${stray.join(', ')} only work with --sweep tokenizers`);
    return null;
  }
  if (!(SWEEP_KINDS as readonly string[]).includes(kind)) throw new CliError(`--sweep must be one of ${SWEEP_KINDS.join(', ')}, got "${kind}"`);

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

function parseList(raw: string, flag: string): string[] {
  const items = raw.split(',').map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s === '')) throw new CliError(`${flag} needs a comma-separated list without empty entries, got "${raw}"`);
  return items;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
