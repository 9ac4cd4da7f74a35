import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError, parseArgs } from '../../src/cli/args';
import { cellKey, configHash } from '../../src/cli/gridSweep';
import { planGrid, type GridSweepOptions } from '../../src/cli/gridSweepArgs';
import { SWEEP_FLAGS, parseSweepRequest } from '../../src/cli/sweepArgs';
import { aggregateRuns, formatPct, gridMarkdown, meanSpread, type GridRun } from '../../src/cli/sweepTable';

const request = (argv: string[]) => {
  const opts = parseArgs(argv, SWEEP_FLAGS);
  const sweep = parseSweepRequest(opts);
  return { opts, sweep };
};
const grid = (argv: string[]) => {
  const { opts, sweep } = request(argv);
  return planGrid(sweep as GridSweepOptions, opts.config);
};

describe('generic sweep arguments', () => {
  it('parses key=values (cartesian product, first key outermost, seeds innermost)', () => {
    const { sweep } = request(['--sweep', 'latentDim=4,8', '--sweep=lr=1e-3,3e-3', '--seeds', '1,2']);
    expect(sweep).toEqual({
      kind: 'grid',
      axes: [
        { key: 'latentDim', values: [4, 8] },
        { key: 'lr', values: [0.001, 0.003] },
      ],
      seeds: [1, 2],
      out: path.join('.cache', 'sweep-latentDim-lr.md'),
    });
    const cells = grid(['--sweep', 'latentDim=4,8', '--sweep', 'lr=1e-3,3e-3', '--seeds', '1,2', '--set', 'warmupSteps=7']);
    expect(cells.map((c) => [c.values.latentDim, c.values.lr, c.seed])).toEqual([
      [4, 0.001, 1], [4, 0.001, 2], [4, 0.003, 1], [4, 0.003, 2],
      [8, 0.001, 1], [8, 0.001, 2], [8, 0.003, 1], [8, 0.003, 2],
    ]);
    expect(cells.every((c) => c.config.warmupSteps === 7 && c.config.seed === c.seed && c.config.latentDim === c.values.latentDim)).toBe(true);
    // Without --seeds: the config's seed; booleans and enums parse like --set.
    const one = grid(['--sweep', 'singleLevel=true,false', '--sweep', 'tokenizer=pca,pixel', '--seed', '9']);
    expect(one.map((c) => [c.values.singleLevel, c.values.tokenizer, c.seed])).toEqual([[true, 'pca', 9], [true, 'pixel', 9], [false, 'pca', 9], [false, 'pixel', 9]]);
    // --sweep tokenizers keeps its own options.
    expect(request(['--sweep', 'tokenizers']).sweep).toMatchObject({ kind: 'tokenizers' });
  });

  it('rejects unknown keys, bad values, invalid combinations, empty lists and mixed flags with one message', () => {
    const bad: [string[], RegExp][] = [
      [['--sweep', 'learningRate=1,2'], /^--sweep learningRate=1,2: unknown config key "learningRate"/],
      [['--sweep', 'preset=dit-baseline,ldae'], /presets are not a config key: run one sweep per --preset/],
      [['--sweep', 'lr=0.1,fast'], /^--sweep lr=0.1,fast: lr must be a number, got "fast"/],
      [['--sweep', 'singleLevel=yes'], /singleLevel must be true or false, got "yes"/],
      [['--sweep', 'lr=0.1,5'], /^--sweep lr=5: lr must be a number in \[1e-7, 1\], got 5/],
      [['--sweep', 'tokenizer=pca,vqgan'], /^--sweep tokenizer=vqgan: tokenizer must be one of/],
      [['--sweep', 'latentDim=8,64'], /^--sweep latentDim=64: latentDim must be in \[1, 49\]/],
      [['--sweep', 'patchSize=4,7', '--sweep', 'latentDim=8,20'], /^--sweep cell patchSize=4, latentDim=20: latentDim must be in \[1, 16\]/],
      [['--sweep', 'target=eps,x0'], /^--sweep target=eps: target eps \(the latent noise\) needs outputSpace latent/],
      [['--sweep', 'lr='], /^--sweep lr=: needs a comma-separated list of values without empty entries/],
      [['--sweep', 'lr=1e-3,,2e-3'], /without empty entries/],
      [['--sweep', '=1,2'], /--sweep needs key=v1,v2,..., got "=1,2"/],
      [['--sweep', 'lr=1e-3', '--sweep', 'lr=2e-3'], /--sweep lr is given twice/],
      [['--sweep', 'lr=1e-3', '--seeds', '1,x'], /--seeds: "x" is not a seed/],
      [['--sweep', 'seed=1,2', '--seeds', '1,2'], /--seeds and --sweep seed=\.\.\. both set the seed/],
      [['--sweep', 'tokenizers', '--sweep', 'lr=1e-3'], /--sweep tokenizers cannot be combined with --sweep key=values/],
      [['--sweep', 'tokenizers', '--seeds', '1,2'], /--seeds only works with --sweep key=v1,v2/],
      [['--sweep', 'lr=1e-3', '--latent-dims', '4'], /--latent-dims only work with --sweep tokenizers/],
      [['--seeds', '1,2'], /--seeds only works with --sweep/],
      [['--sweep', 'backend=cpu,wasm'], /the backend is chosen with --backend/],
    ];
    for (const [argv, message] of bad) {
      expect(() => grid(argv), argv.join(' ')).toThrow(CliError);
      expect(() => grid(argv), argv.join(' ')).toThrow(message);
    }
  });

  it('the cache key holds the full config: equal configs hash alike, any other field changes the hash', () => {
    const [a, b] = grid(['--sweep', 'lr=1e-3,2e-3']);
    const runner = { mode: 'train' as const, backend: 'wasm', trainImages: 512 };
    const h = (c: typeof a.config, r = runner) => configHash(cellKey(c, r));
    expect(h({ ...a.config })).toBe(h(a.config));
    expect(h(Object.fromEntries(Object.entries(a.config).reverse()) as typeof a.config)).toBe(h(a.config));
    expect(h(b.config)).not.toBe(h(a.config));
    expect(h({ ...a.config, probeTestSize: 99 })).not.toBe(h(a.config));
    expect(h(a.config, { ...runner, trainImages: 0 })).not.toBe(h(a.config));
    expect(h(a.config, { ...runner, backend: 'cpu' })).not.toBe(h(a.config));
    expect(h(a.config)).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('generic sweep table', () => {
  const run = (values: Record<string, unknown>, seed: number, lin: number, knn: number, raw: number, train: number): GridRun => ({
    values,
    seed,
    linear_test_acc: lin,
    linear_train_acc: lin,
    knn_test_acc: knn,
    train_seconds: train,
    train_cpu_seconds: train,
    final_loss: 0.1,
    probe_seconds: 1,
    baselines: { raw_pixel: { linear_test_acc: raw, knn_test_acc: 0.8 }, random_init: { linear_test_acc: 0.4, knn_test_acc: 0.5 }, latent: null },
    setup: { steps: 300, train_images: 512, probe_train: 200, probe_test: 100, probe_t: 0.01, params: 34529 },
  });

  it('mean and sample standard deviation over seeds', () => {
    expect(meanSpread([0.5])).toEqual({ mean: 0.5, std: null, n: 1 });
    const s = meanSpread([0.6, 0.7, 0.8]);
    expect(s.mean).toBeCloseTo(0.7, 12);
    expect(s.std).toBeCloseTo(0.1, 12); // sqrt((0.01 + 0 + 0.01) / 2)
    expect(formatPct(meanSpread([0.5, 0.6]))).toBe('55.0 ± 7.1');
    expect(formatPct(meanSpread([0.625]))).toBe('62.5');
  });

  it('one row per combination, baselines shared by every row as a line, differing ones as a column', () => {
    const runs = [
      run({ lr: 0.001 }, 1, 0.6, 0.5, 0.8, 10),
      run({ lr: 0.001 }, 2, 0.7, 0.6, 0.8, 12),
      run({ lr: 0.003 }, 1, 0.5, 0.4, 0.8, 20),
      run({ lr: 0.003 }, 2, 0.5, 0.6, 0.8, 22),
    ];
    const rows = aggregateRuns(runs);
    expect(rows.map((r) => [r.values.lr, r.seeds, r.trainSeconds?.mean])).toEqual([
      [0.001, [1, 2], 11],
      [0.003, [1, 2], 21],
    ]);
    expect(rows[0].linear.mean).toBeCloseTo(0.65, 12);
    expect(rows[0].linear.std).toBeCloseTo(Math.SQRT1_2 / 10, 12); // |0.6 - 0.7| / sqrt 2
    expect(rows[1].knn.std).toBeCloseTo(Math.SQRT2 / 10, 12);
    const setup = { preset: 'ldae', dataset: 'fashion-mnist', backend: 'wasm', machine: { cpus: 2, model: 'Test CPU' }, checkpoint: null, wallSeconds: 125, fromCache: 1 };
    const md = gridMarkdown(['lr'], runs, setup).split('\n');
    const start = md.indexOf('| lr | linear test | kNN test | seeds | train s |');
    expect(start).toBeGreaterThan(0);
    expect(md.slice(start + 1, start + 4)).toEqual(['|---|---|---|---|---|', '| 0.001 | 65.0 ± 7.1 | 55.0 ± 7.1 | 2 | 11.0 |', '| 0.003 | 50.0 ± 0.0 | 50.0 ± 14.1 | 2 | 21.0 |']);
    const text = md.join('\n');
    expect(text).toMatch(/mean ± sample standard deviation \(n - 1\) over seeds/);
    expect(text).toMatch(/Baselines on the same probe sets \(linear \/ kNN test %\): raw pixels 80\.0 ± 0\.0 \/ 80\.0 ± 0\.0; random init 40\.0 ± 0\.0 \/ 50\.0 ± 0\.0/);
    expect(text).not.toMatch(/latent/);
    expect(text).toMatch(/preset ldae; 300 steps; fashion-mnist; 512 training images; probes on 200 train \/ 100 test images at t = 0\.01; 34,529 params; seeds 1, 2; backend wasm; machine 2 CPUs \(Test CPU\)/);
    expect(text).toMatch(/4 runs in 2 min 5 s of wall time, 1 of them from the sweep cache/);

    // A raw-pixel line that differs by row becomes a column; a latent baseline, when present, is shown.
    const varied = [run({ probeTestSize: 100 }, 1, 0.6, 0.5, 0.8, 1), { ...run({ probeTestSize: 200 }, 1, 0.6, 0.5, 0.9, 1), baselines: { raw_pixel: { linear_test_acc: 0.9, knn_test_acc: 0.8 }, random_init: { linear_test_acc: 0.4, knn_test_acc: 0.5 }, latent: null } }];
    varied.forEach((r) => (r.baselines.latent = { linear_test_acc: 0.7, knn_test_acc: 0.65 }));
    const md2 = gridMarkdown(['probeTestSize'], varied, setup);
    expect(md2).toContain('| probeTestSize | linear test | kNN test | raw pixels (linear / kNN) | seeds | train s |');
    expect(md2).toContain('| 200 | 60.0 | 50.0 | 90.0 / 80.0 | 1 | 1.00 |');
    expect(md2).toMatch(/random init 40\.0 \/ 50\.0; latent 70\.0 \/ 65\.0/);
    expect(md2).toMatch(/one seed per row/);
    expect(gridMarkdown(['sigmaMax'], [run({ sigmaMax: Math.SQRT2 }, 1, 0.5, 0.5, 0.8, 1)], setup)).toContain('| 1.41421 | 50.0 | 50.0 | 1 | 1.00 |');
  });
});

describe('generic sweep end to end (micro)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ldae-grid-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sweepCache = path.join(dir, 'sweeps');
  const env = {
    ...process.env,
    LDAE_TOKENIZER_CACHE_DIR: path.join(dir, 'tokenizers'),
    LDAE_BASELINE_CACHE_DIR: path.join(dir, 'baselines'),
    LDAE_SWEEP_CACHE_DIR: sweepCache,
  };
  const out = path.join(dir, 'out', 'grid.md');
  const cli = (args: string[]) => spawnSync('npx', ['tsx', 'src/cli/experiment.ts', ...args], { encoding: 'utf8', timeout: 180_000, env });
  const args = [
    '--sweep', 'latentDim=4,8', '--sweep', 'warmupSteps=1,2', '--seeds', '1,2', '--steps', '3', '--size', 'micro', '--train-images', '512', '--out', out,
    '--set', 'batchSize=8', '--set', 'probeTrainSize=200', '--set', 'probeTestSize=100', '--set', 'tokenizerSamples=500',
  ];
  const run = () => {
    const t0 = performance.now();
    const r = cli(args);
    const seconds = (performance.now() - t0) / 1000;
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
    return { stdout: r.stdout, cells: lines.filter((l) => l.type === 'cell'), seconds };
  };

  it('8 cell lines, a 4-row table with mean ± std over the 2 seeds, written to --out; a rerun comes from the cache; a deleted cell retrains alone', () => {
    const first = run();
    expect(first.cells).toHaveLength(8);
    expect(first.cells.map((c) => [c.latentDim, c.warmupSteps, c.seed])).toEqual([
      [4, 1, 1], [4, 1, 2], [4, 2, 1], [4, 2, 2], [8, 1, 1], [8, 1, 2], [8, 2, 1], [8, 2, 2],
    ]);
    for (const c of first.cells) {
      for (const k of ['linear_test_acc', 'linear_train_acc', 'knn_test_acc']) expect(c[k] >= 0 && c[k] <= 1).toBe(true);
      expect(c.train_seconds).toBeGreaterThan(0);
      expect(c.train_cpu_seconds).toBeGreaterThan(0);
      expect(c.final_loss).toBeGreaterThan(0);
      expect(c.from_cache).toBe(false);
      expect(existsSync(path.join(sweepCache, `${c.config_hash}.json`))).toBe(true);
    }
    expect(new Set(first.cells.map((c) => c.config_hash)).size).toBe(8);

    const file = readFileSync(out, 'utf8');
    expect(first.stdout).toContain(file.trim());
    const lines = file.split('\n');
    const start = lines.findIndex((l) => l.startsWith('| latentDim | warmupSteps | linear test | kNN test |'));
    expect(start).toBeGreaterThan(0);
    const rows = lines.slice(start + 2).filter((l) => l.startsWith('|')).map((l) => l.split('|').map((s) => s.trim()).filter(Boolean));
    expect(rows).toHaveLength(4);
    // Each row's linear cell is the mean ± sample std of its two seeds' cell lines.
    rows.forEach((row, i) => {
      const pair = first.cells.slice(2 * i, 2 * i + 2).map((c) => c.linear_test_acc as number);
      const mean = (pair[0] + pair[1]) / 2;
      const std = Math.abs(pair[0] - pair[1]) / Math.SQRT2;
      expect(row.slice(0, 3)).toEqual([String(first.cells[2 * i].latentDim), String(first.cells[2 * i].warmupSteps), `${(100 * mean).toFixed(1)} ± ${(100 * std).toFixed(1)}`]);
      expect(row.at(-2)).toBe('2');
    });
    expect(file).toMatch(/Baselines on the same probe sets \(linear \/ kNN test %\): raw pixels \d+\.\d ± \d+\.\d/);
    expect(file).toMatch(/preset ldae; 3 steps; fashion-mnist; 512 training images; probes on 200 train \/ 100 test images at t = 0\.01/);
    expect(file).toMatch(/backend wasm; machine \d+ CPUs \(/);

    const second = run();
    expect(second.cells.map((c) => c.from_cache)).toEqual(Array(8).fill(true));
    expect(second.cells.map((c) => [c.config_hash, c.linear_test_acc, c.train_seconds])).toEqual(first.cells.map((c) => [c.config_hash, c.linear_test_acc, c.train_seconds]));
    // Nothing trained: no backend, no dataset, each cell is a file read.
    for (const c of second.cells) expect(c.wall_seconds).toBeLessThan(0.2);
    expect(second.seconds).toBeLessThan(first.seconds);
    expect(readFileSync(out, 'utf8')).toMatch(/8 runs in .* of wall time, 8 of them from the sweep cache/);

    rmSync(path.join(sweepCache, `${first.cells[5].config_hash}.json`));
    const third = run();
    expect(third.cells.map((c) => c.from_cache)).toEqual([true, true, true, true, true, false, true, true]);
    expect(third.cells[5].linear_test_acc).toBe(first.cells[5].linear_test_acc); // seeded: the same run again
  }, 400_000);

  it('argument errors exit 2 with one line before anything trains', () => {
    const cases: [string[], RegExp][] = [
      [['--sweep', 'nope=1,2'], /^experiment: --sweep nope=1,2: unknown config key "nope"/],
      [['--sweep', 'lr=1e-3,abc'], /^experiment: --sweep lr=1e-3,abc: lr must be a number, got "abc"/],
      [['--sweep', 'patchSize=4', '--sweep', 'latentDim=8,20'], /^experiment: --sweep cell patchSize=4, latentDim=20: latentDim must be in \[1, 16\]/],
      [['--sweep', 'lr='], /^experiment: --sweep lr=: needs a comma-separated list/],
    ];
    for (const [argv, message] of cases) {
      const r = cli([...argv, '--out', path.join(dir, 'never.md')]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(path.join(dir, 'never.md'))).toBe(false);
  }, 120_000);
});
