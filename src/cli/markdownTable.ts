// The tokenizer sweep as Markdown: tables shaped like the paper's tokenizer table (rows:
// tokenizers, columns: latent dim d), the baselines and the setup under them.
import type { TokenizerKind } from '../ldae/config';

export interface SweepCell {
  tokenizer: TokenizerKind;
  /** Latent dim per token; D for the pixel tokenizer. */
  d: number;
  linearTestAcc: number;
  knnTestAcc: number;
  /** Linear probe of the same architecture before its first step. */
  randomInitLinearTestAcc: number | null;
  reconMse: number;
  reconPsnr: number;
  fitSeconds: number;
  fromCache: boolean;
  finalLoss: number | null;
  wallSeconds: number;
}

export interface SweepSetup {
  steps: number;
  modelSize: string;
  params: number;
  batchSize: number;
  patchSize: number;
  patchDim: number;
  dataset: string;
  trainImages: number;
  probeTrain: number;
  probeTest: number;
  tokenizerSteps: number;
  tokenizerSamples: number;
  backend: string;
  seed: number;
  wallSeconds: number;
  rawPixel: { linearTestAcc: number; knnTestAcc: number } | null;
}

const TOKENIZER_LABELS: Record<TokenizerKind, string> = {
  'conv-vae': 'conv VAE',
  'patch-vae': 'patch-wise VAE',
  'patch-ae': 'patch-wise AE',
  pca: 'patch-wise PCA',
  pixel: 'pixel (identity)',
};

/** The requested dims, plus a d = D column when the pixel row needs one. */
export function sweepColumns(tokenizers: readonly TokenizerKind[], latentDims: readonly number[], patchDim: number): number[] {
  const cols = [...latentDims];
  if (tokenizers.includes('pixel') && !cols.includes(patchDim)) cols.push(patchDim);
  return cols;
}

/** An accuracy in [0, 1] as a percentage with one decimal; "–" when there is none. */
export const pct = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : (100 * x).toFixed(1));

/** A Markdown table from a header row and body rows of cell strings. */
export function markdownRows(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** One table: a row per tokenizer, a column per d; missing cells are "–". */
export function markdownTable(
  tokenizers: readonly TokenizerKind[],
  columns: readonly number[],
  patchDim: number,
  cells: readonly SweepCell[],
  value: (c: SweepCell) => string,
): string {
  const header = ['tokenizer', ...columns.map((d) => (d === patchDim ? `d = D = ${d}` : `d=${d}`))];
  const rows = tokenizers.map((t) => [
    TOKENIZER_LABELS[t],
    ...columns.map((d) => {
      const c = cells.find((x) => x.tokenizer === t && x.d === d);
      return c ? value(c) : '–';
    }),
  ]);
  return markdownRows(header, rows);
}

export function sweepMarkdown(tokenizers: readonly TokenizerKind[], latentDims: readonly number[], cells: readonly SweepCell[], s: SweepSetup): string {
  const cols = sweepColumns(tokenizers, latentDims, s.patchDim);
  const table = (value: (c: SweepCell) => string) => markdownTable(tokenizers, cols, s.patchDim, cells, value);
  const fitLine = cells
    .filter((c) => !c.fromCache)
    .map((c) => `${TOKENIZER_LABELS[c.tokenizer]} d=${c.d}: ${c.fitSeconds.toFixed(1)} s`)
    .join(', ');
  return [
    `#### Linear probe test accuracy (%) after ${s.steps} l-DAE steps`,
    '',
    table((c) => pct(c.linearTestAcc)),
    '',
    `Baselines: raw pixels linear ${pct(s.rawPixel?.linearTestAcc)}, kNN ${pct(s.rawPixel?.knnTestAcc)}; ` +
      `random init (same architecture, untrained) linear per cell in the third table.`,
    '',
    '#### kNN probe test accuracy (%) (k = 20, cosine, weighted vote)',
    '',
    table((c) => pct(c.knnTestAcc)),
    '',
    '#### Random-init linear probe test accuracy (%) (before the first step)',
    '',
    table((c) => pct(c.randomInitLinearTestAcc)),
    '',
    '#### Tokenizer reconstruction PSNR (dB) on 1000 held-out test images',
    '',
    // The pixel tokenizer is exact; its PSNR would only show the clamp of the MSE.
    table((c) => (c.reconMse < 1e-10 ? 'exact' : c.reconPsnr.toFixed(1))),
    '',
    `Setup: ${s.dataset}, ${s.trainImages} training images, patch ${s.patchSize} (D = ${s.patchDim}); ` +
      `model ${s.modelSize} (${s.params.toLocaleString('en-US')} params), ${s.steps} steps at batch ${s.batchSize}, seed ${s.seed}; ` +
      `learned tokenizers ${s.tokenizerSteps} steps on ${s.tokenizerSamples} samples; ` +
      `probes on ${s.probeTrain} train / ${s.probeTest} test images; backend ${s.backend}; ` +
      `wall time ${formatSeconds(s.wallSeconds)} for ${cells.length} cells.` +
      (fitLine ? ` Tokenizer fit times: ${fitLine}.` : ' All tokenizers came from the cache.'),
  ].join('\n');
}

export function formatSeconds(s: number): string {
  if (s < 120) return `${s.toFixed(0)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}
