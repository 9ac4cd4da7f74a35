// The generic sweep's arguments: `--sweep key=v1,v2 [--sweep key2=...] [--seeds 1,2]` over any
// ExperimentConfig keys. Values go through parseConfigValue, and every cell (each combination and
// seed) is validated with configProblems before anything runs: a bad key, value or combination is
// one CliError naming it.
import path from 'node:path';
import type { ImageShape } from '../types/data';
import { DEFAULT_CONFIG, NUMERIC_RANGES, configProblems, parseConfigValue, type ExperimentConfig } from '../ldae/config';
import { CliError } from './args';

export interface GridAxis {
  key: keyof ExperimentConfig;
  /** Parsed values, in the order given (duplicates dropped). */
  values: ExperimentConfig[keyof ExperimentConfig][];
}

export interface GridSweepOptions {
  kind: 'grid';
  axes: GridAxis[];
  /** --seeds; null = the config's seed. */
  seeds: number[] | null;
  out: string;
}

export interface GridCell {
  /** The swept values of this cell, by key (the table's row). */
  values: Partial<ExperimentConfig>;
  seed: number;
  config: ExperimentConfig;
}

export const GRID_SWEEP_USAGE = `       npm run experiment -- --sweep key=v1,v2[,...] [--sweep key2=...] [--seeds 1,2] [--out FILE] [--steps N] [--preset P] [--set key=value ...]
       npm run experiment -- --probe-only FILE --sweep probeKey=v1,v2 [--set probeKey=value ...]
Generic sweep: every combination of the swept config keys (cartesian product), once per seed; one JSON line per
run, then a Markdown table (a row per combination: mean ± sample std over seeds), also written to --out (default
.cache/sweep-<keys>.md). Finished runs are cached by config hash in .cache/sweeps (LDAE_SWEEP_CACHE_DIR), so
rerunning an interrupted sweep trains only the missing ones.`;

/** Keys that cannot be swept here, and what to do instead. */
const NOT_SWEEPABLE: Record<string, string> = {
  preset: 'presets are not a config key: run one sweep per --preset',
  backend: 'the backend is chosen with --backend, one per sweep',
};

function defaultGridOut(keys: readonly string[]): string {
  return path.join('.cache', `sweep-${keys.join('-')}.md`);
}

export function parseGridSweep(specs: readonly string[], extra: Record<string, string>): GridSweepOptions {
  const axes: GridAxis[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const key = spec.slice(0, eq).trim();
    if (key === '') throw new CliError(`--sweep needs key=v1,v2,..., got "${spec}"`);
    if (key in NOT_SWEEPABLE) throw new CliError(`--sweep ${spec}: ${NOT_SWEEPABLE[key]}`);
    if (!(key in DEFAULT_CONFIG)) throw new CliError(`--sweep ${spec}: unknown config key "${key}"; known keys: ${Object.keys(DEFAULT_CONFIG).join(', ')}`);
    if (axes.some((a) => a.key === key)) throw new CliError(`--sweep ${key} is given twice; put all its values in one --sweep ${key}=v1,v2`);
    const raws = parseList(spec.slice(eq + 1), `--sweep ${spec}`);
    const values = raws.map((raw) => {
      try {
        return parseConfigValue(key, raw)[key as keyof ExperimentConfig]!;
      } catch (e) {
        throw new CliError(`--sweep ${spec}: ${(e as Error).message}`);
      }
    });
    axes.push({ key: key as keyof ExperimentConfig, values: [...new Set(values)] });
  }
  let seeds: number[] | null = null;
  if (extra['--seeds'] !== undefined) {
    if (axes.some((a) => a.key === 'seed')) throw new CliError('--seeds and --sweep seed=... both set the seed; use one of them');
    const { min, max } = NUMERIC_RANGES.seed;
    seeds = [
      ...new Set(
        parseList(extra['--seeds'], '--seeds').map((raw) => {
          const s = Number(raw);
          if (!/^\d+$/.test(raw) || s < min || s > max) throw new CliError(`--seeds: "${raw}" is not a seed (an integer in [${min}, ${max}])`);
          return s;
        }),
      ),
    ];
  }
  const out = extra['--out'] ?? defaultGridOut(axes.map((a) => a.key));
  if (out.trim() === '') throw new CliError('--out needs a file name');
  return { kind: 'grid', axes, seeds, out };
}

/** Every cell, first axis outermost, seeds innermost; CliError for the first value or combination the config rejects. */
export function planGrid(sweep: Pick<GridSweepOptions, 'axes' | 'seeds'>, base: ExperimentConfig, shape?: ImageShape): GridCell[] {
  for (const axis of sweep.axes) {
    for (const v of axis.values) {
      const problem = configProblems({ ...base, [axis.key]: v }, shape).find((p) => p.field === axis.key);
      if (problem) throw new CliError(`--sweep ${axis.key}=${String(v)}: ${problem.message}`);
    }
  }
  let combos: Partial<ExperimentConfig>[] = [{}];
  for (const axis of sweep.axes) combos = combos.flatMap((c) => axis.values.map((v) => ({ ...c, [axis.key]: v })));
  const seeds = sweep.seeds ?? [null];
  return combos.flatMap((values) =>
    seeds.map((s) => {
      const config: ExperimentConfig = { ...base, ...values, ...(s === null ? {} : { seed: s }) };
      const problems = configProblems(config, shape);
      if (problems.length > 0) {
        const where = Object.entries(values).map(([k, v]) => `${k}=${String(v)}`).join(', ');
        throw new CliError(`--sweep cell ${where}${s === null ? '' : ` (seed ${s})`}: ${problems.map((p) => p.message).join('; ')}`);
      }
      return { values, seed: config.seed, config };
    }),
  );
}

export function parseList(raw: string, what: string): string[] {
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new CliError(`${what}: needs a comma-separated list of values without empty entries`);
  return items;
}
