// The generic sweep as Markdown: a row per combination of the swept values, accuracies as
// mean ± sample standard deviation over the seeds, the baselines (as a line when every row has the
// same, as a column when they differ) and the setup under the table.
import { formatSeconds, markdownRows, pct } from './markdownTable';

export interface Accuracies {
  linear_test_acc: number;
  knn_test_acc: number;
}

/** One finished run (a cell at one seed): what the sweep cache stores and the table reads. */
export interface GridRun {
  values: Record<string, unknown>;
  seed: number;
  linear_test_acc: number;
  linear_train_acc: number;
  knn_test_acc: number;
  /** Null for probe-only runs (nothing was trained). */
  train_seconds: number | null;
  train_cpu_seconds: number | null;
  final_loss: number | null;
  probe_seconds: number;
  baselines: { raw_pixel: Accuracies | null; random_init: Accuracies | null; latent: Accuracies | null };
  setup: { steps: number; train_images: number; probe_train: number; probe_test: number; probe_t: number; params: number | null };
}

export interface Spread {
  mean: number;
  /** Sample standard deviation (n - 1 in the denominator); null for fewer than 2 values. */
  std: number | null;
  n: number;
}

export function meanSpread(xs: readonly number[]): Spread {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const std = n < 2 ? null : Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  return { mean, std, n };
}

/** "68.3 ± 0.4" in percent (one value: "68.3"); "–" when there is nothing. */
export function formatPct(s: Spread | null): string {
  if (!s || !Number.isFinite(s.mean)) return '–';
  return s.std === null ? pct(s.mean) : `${pct(s.mean)} ± ${pct(s.std)}`;
}

export interface GridRow {
  values: Record<string, unknown>;
  seeds: number[];
  linear: Spread;
  knn: Spread;
  trainSeconds: Spread | null;
  baselines: Record<BaselineName, { linear: Spread; knn: Spread } | null>;
}

type BaselineName = keyof GridRun['baselines'];
const BASELINES: { name: BaselineName; label: string }[] = [
  { name: 'raw_pixel', label: 'raw pixels' },
  { name: 'random_init', label: 'random init' },
  { name: 'latent', label: 'latent' },
];

const spreadOf = (xs: (number | null)[]): Spread | null => {
  const finite = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return finite.length === xs.length && finite.length > 0 ? meanSpread(finite) : null;
};

/** Runs grouped by their swept values (rows in the order they first appear). */
export function aggregateRuns(runs: readonly GridRun[]): GridRow[] {
  const groups = new Map<string, GridRun[]>();
  for (const r of runs) {
    const id = JSON.stringify(r.values);
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }
  return [...groups.values()].map((g) => ({
    values: g[0].values,
    seeds: g.map((r) => r.seed),
    linear: meanSpread(g.map((r) => r.linear_test_acc)),
    knn: meanSpread(g.map((r) => r.knn_test_acc)),
    trainSeconds: spreadOf(g.map((r) => r.train_seconds)),
    baselines: Object.fromEntries(
      BASELINES.map(({ name }) => {
        const bs = g.map((r) => r.baselines[name]);
        const linear = spreadOf(bs.map((b) => b?.linear_test_acc ?? null));
        const knn = spreadOf(bs.map((b) => b?.knn_test_acc ?? null));
        return [name, linear && knn ? { linear, knn } : null];
      }),
    ) as GridRow['baselines'],
  }));
}

export interface GridSetup {
  preset: string;
  dataset: string;
  backend: string;
  machine: { cpus: number; model: string };
  checkpoint: { file: string; step: number } | null;
  wallSeconds: number;
  fromCache: number;
}

/** A swept value as the table shows it: numbers to 6 significant digits (sqrt2 -> 1.41421). */
const formatValue = (v: unknown): string => (typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v));

const distinct = (xs: readonly unknown[]): string => [...new Set(xs.map(String))].join(', ');

export function gridMarkdown(keys: readonly string[], runs: readonly GridRun[], s: GridSetup): string {
  const rows = aggregateRuns(runs);
  const baselineText = (b: { linear: Spread; knn: Spread } | null) => (b ? `${formatPct(b.linear)} / ${formatPct(b.knn)}` : '–');
  // A baseline every row shares is a line under the table; one that differs (a swept probe setting) is a column.
  const asLine = BASELINES.filter(({ name }) => rows.some((r) => r.baselines[name]) && new Set(rows.map((r) => baselineText(r.baselines[name]))).size === 1);
  const asColumn = BASELINES.filter((b) => rows.some((r) => r.baselines[b.name]) && !asLine.includes(b));
  const header = [...keys, 'linear test', 'kNN test', ...asColumn.map((b) => `${b.label} (linear / kNN)`), 'seeds', 'train s'];
  const body = rows.map((r) => [
    ...keys.map((k) => formatValue(r.values[k])),
    formatPct(r.linear),
    formatPct(r.knn),
    ...asColumn.map((b) => baselineText(r.baselines[b.name])),
    String(r.seeds.length),
    r.trainSeconds ? r.trainSeconds.mean.toFixed(r.trainSeconds.mean < 10 ? 2 : 1) : '–',
  ]);
  const spreadWord = Math.max(...rows.map((r) => r.seeds.length)) > 1 ? 'mean ± sample standard deviation (n - 1) over seeds' : 'one seed per row';
  const baselineLine =
    asLine.length > 0
      ? `Baselines on the same probe sets (linear / kNN test %): ${asLine.map((b) => `${b.label} ${baselineText(rows[0].baselines[b.name])}`).join('; ')}` +
        (asLine.some((b) => b.name === 'random_init') ? ' (random init = the same architecture, untrained).' : '.')
      : '';
  const r0 = runs[0]?.setup;
  const setup = [
    s.checkpoint ? `checkpoint ${s.checkpoint.file} (step ${s.checkpoint.step})` : '',
    `preset ${s.preset}`,
    `${distinct(runs.map((r) => r.setup.steps))} steps`,
    s.dataset,
    `${distinct(runs.map((r) => r.setup.train_images))} training images`,
    `probes on ${distinct(runs.map((r) => r.setup.probe_train))} train / ${distinct(runs.map((r) => r.setup.probe_test))} test images at t = ${distinct(runs.map((r) => r.setup.probe_t))}`,
    r0?.params ? `${distinct(runs.map((r) => r.setup.params?.toLocaleString('en-US')))} params` : '',
    `seeds ${distinct(runs.map((r) => r.seed))}`,
    `backend ${s.backend}`,
    `machine ${s.machine.cpus} CPUs (${s.machine.model})`,
  ].filter(Boolean);
  return [
    `#### Probe test accuracy (%) over ${keys.join(' x ')}: ${spreadWord}`,
    '',
    markdownRows(header, body),
    '',
    ...(baselineLine ? [baselineLine, ''] : []),
    `Setup: ${setup.join('; ')}. "train s" is the mean training time of a run (wall clock, measured when it ran). ` +
      `${runs.length} runs in ${formatSeconds(s.wallSeconds)} of wall time, ${s.fromCache} of them from the sweep cache.`,
  ].join('\n');
}
