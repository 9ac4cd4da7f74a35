import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError, parseArgs } from '../../src/cli/args';
import { markdownTable, sweepColumns, type SweepCell } from '../../src/cli/markdownTable';
import { sweepCells } from '../../src/cli/sweep';
import { DEFAULT_SWEEP_TOKENIZERS, SWEEP_FLAGS, parseSweepOptions } from '../../src/cli/sweepArgs';

const sweepArgs = (argv: string[]) => parseSweepOptions(parseArgs(argv, SWEEP_FLAGS));

describe('tokenizer sweep arguments', () => {
  it('parses --sweep tokenizers with the paper row order and d = 4, 8, 16, 32 by default', () => {
    const s = sweepArgs(['--sweep', 'tokenizers', '--steps', '50'])!;
    expect(s.tokenizers).toEqual(['conv-vae', 'patch-vae', 'patch-ae', 'pca', 'pixel']);
    expect(s.tokenizers).toEqual([...DEFAULT_SWEEP_TOKENIZERS]);
    expect(s.latentDims).toEqual([4, 8, 16, 32]);
    expect(s.out).toBe(path.join('.cache', 'sweep-tokenizers.md'));
    const t = sweepArgs(['--sweep=tokenizers', '--latent-dims', '2,4,4', '--tokenizers', 'pca,patch-ae', '--out', 'x.md'])!;
    expect(t).toEqual({ kind: 'tokenizers', tokenizers: ['pca', 'patch-ae'], latentDims: [2, 4], out: 'x.md' });
    expect(sweepArgs(['--steps', '5'])).toBeNull();
  });

  it('rejects unknown tokenizers, non-numeric dims, d > D and sweep flags without --sweep', () => {
    const bad: [string[], RegExp][] = [
      [['--sweep', 'models'], /--sweep must be one of tokenizers, trajectory, got "models"/],
      [['--sweep', 'tokenizers', '--tokenizers', 'pca,vqgan'], /unknown tokenizer "vqgan"/],
      [['--sweep', 'tokenizers', '--latent-dims', '4,eight'], /"eight" is not a positive integer/],
      [['--sweep', 'tokenizers', '--latent-dims', '4,0'], /"0" is not a positive integer/],
      [['--sweep', 'tokenizers', '--latent-dims', '4,,8'], /without empty entries/],
      [['--sweep', 'tokenizers', '--latent-dims', '16,64'], /d = 64 is larger than the patch dimension D = 49/],
      [['--sweep', 'tokenizers', '--set', 'patchSize=4', '--latent-dims', '8,32'], /d = 32 is larger than the patch dimension D = 16/],
      [['--latent-dims', '4,8'], /--latent-dims only work with --sweep tokenizers/],
    ];
    for (const [argv, message] of bad) {
      expect(() => sweepArgs(argv)).toThrow(CliError);
      expect(() => sweepArgs(argv)).toThrow(message);
    }
    // Pixels alone have no d to check.
    expect(sweepArgs(['--sweep', 'tokenizers', '--tokenizers', 'pixel', '--latent-dims', '64'])!.tokenizers).toEqual(['pixel']);
    expect(sweepArgs(['--sweep', 'tokenizers', '--set', 'patchSize=14', '--latent-dims', '64'])!.latentDims).toEqual([64]);
  });

  it('the pixel tokenizer is one cell at d = D, in its own column', () => {
    expect(sweepCells({ tokenizers: ['pca', 'pixel'], latentDims: [4, 8] }, 49)).toEqual([
      { tokenizer: 'pca', d: 4 },
      { tokenizer: 'pca', d: 8 },
      { tokenizer: 'pixel', d: 49 },
    ]);
    expect(sweepColumns(['pca', 'pixel'], [4, 8], 49)).toEqual([4, 8, 49]);
    expect(sweepColumns(['pca'], [4, 8], 49)).toEqual([4, 8]);
    const cell = (tokenizer: SweepCell['tokenizer'], d: number, acc: number) => ({ tokenizer, d, linearTestAcc: acc }) as SweepCell;
    const md = markdownTable(['pca', 'pixel'], [4, 8, 49], 49, [cell('pca', 4, 0.5), cell('pixel', 49, 0.25)], (c) => String(c.linearTestAcc));
    expect(md.split('\n')).toEqual(['| tokenizer | d=4 | d=8 | d = D = 49 |', '|---|---|---|---|', '| patch-wise PCA | 0.5 | – | – |', '| pixel (identity) | – | – | 0.25 |']);
  });

  it('the runner exits with status 2 and one line for a bad sweep argument', () => {
    const r = spawnSync('npx', ['tsx', 'src/cli/experiment.ts', '--sweep', 'tokenizers', '--tokenizers', 'pca,bogus'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^experiment: --tokenizers: unknown tokenizer "bogus"/);
  });
});

describe('tokenizer sweep end to end (micro)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ldae-sweep-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, LDAE_TOKENIZER_CACHE_DIR: path.join(dir, 'tokenizers'), LDAE_BASELINE_CACHE_DIR: path.join(dir, 'baselines') };
  const out = path.join(dir, 'sub', 'sweep.md');
  const args = [
    'tsx', 'src/cli/experiment.ts', '--sweep', 'tokenizers', '--latent-dims', '2,4', '--tokenizers', 'pca,patch-ae', '--steps', '3',
    '--train-images', '512', '--out', out, '--set', 'modelSize=micro', '--set', 'batchSize=8', '--set', 'probeTrainSize=200',
    '--set', 'probeTestSize=100', '--set', 'tokenizerSteps=20', '--set', 'tokenizerSamples=500',
  ];
  const run = () => {
    const r = spawnSync('npx', args, { encoding: 'utf8', timeout: 120_000, env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const cells = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>).filter((l) => l.type === 'cell');
    return { stdout: r.stdout, cells };
  };

  it('streams a cell line per (tokenizer, d), prints and writes the table; the second run restores every tokenizer', () => {
    const first = run();
    expect(first.cells.map((c) => [c.tokenizer, c.d])).toEqual([['pca', 2], ['pca', 4], ['patch-ae', 2], ['patch-ae', 4]]);
    for (const c of first.cells) {
      for (const k of ['linear_test_acc', 'knn_test_acc', 'random_init_linear_test_acc']) {
        expect(c[k]).toBeGreaterThanOrEqual(0);
        expect(c[k]).toBeLessThanOrEqual(1);
      }
      expect(c.recon_mse).toBeGreaterThan(0);
      expect(c.from_cache).toBe(false);
    }
    // More latent dims reconstruct better (PCA exactly, the AE even after 20 steps).
    expect(first.cells[1].recon_mse).toBeLessThan(first.cells[0].recon_mse);

    const file = readFileSync(out, 'utf8');
    expect(first.stdout).toContain(file.trim());
    const lines = file.split('\n');
    const start = lines.indexOf('| tokenizer | d=2 | d=4 |');
    expect(start).toBeGreaterThan(0);
    expect(lines[start + 1]).toBe('|---|---|---|');
    const rows = lines.slice(start + 2, start + 4).map((l) => l.split('|').map((s) => s.trim()).filter(Boolean));
    expect(rows.map((r) => r[0])).toEqual(['patch-wise PCA', 'patch-wise AE']);
    // The first table holds the linear probe test accuracy of each cell, in percent.
    const byCell = rows.flatMap((r) => r.slice(1).map(Number));
    expect(byCell).toEqual(first.cells.map((c) => Number((100 * c.linear_test_acc).toFixed(1))));
    for (const v of byCell) expect(v >= 0 && v <= 100).toBe(true);
    expect(file).toMatch(/after 3 l-DAE steps/);
    expect(file).toMatch(/512 training images, patch 7 \(D = 49\); model micro \([\d,]+ params\), 3 steps at batch 8/);
    expect(file).toMatch(/probes on 200 train \/ 100 test images/);
    expect(file).toMatch(/Baselines: raw pixels linear \d+\.\d, kNN \d+\.\d/);

    const second = run();
    expect(second.cells.map((c) => c.from_cache)).toEqual([true, true, true, true]);
    expect(second.cells.map((c) => c.recon_mse)).toEqual(first.cells.map((c) => c.recon_mse));
    expect(readFileSync(out, 'utf8')).toMatch(/All tokenizers came from the cache/);
  }, 240_000);

  it('a single run reports the tokenizer (kind, d, reconstruction MSE/PSNR, fit time, from_cache) and reuses the file cache', () => {
    const single = ['tsx', 'src/cli/experiment.ts', '--steps', '2', '--size', 'micro', '--train-images', '256', '--set', 'tokenizer=patch-vae', '--set', 'latentDim=6', '--set', 'batchSize=8',
      '--set', 'probeTrainSize=100', '--set', 'probeTestSize=50', '--set', 'tokenizerSteps=15', '--set', 'tokenizerSamples=400'];
    const summary = () => {
      const r = spawnSync('npx', single, { encoding: 'utf8', timeout: 90_000, env });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, any>;
    };
    const a = summary().tokenizer;
    expect(a).toMatchObject({ kind: 'patch-vae', latent_dim: 6, patch_dim: 49, from_cache: false });
    expect(a.recon_mse).toBeGreaterThan(0);
    expect(a.recon_psnr).toBeCloseTo(10 * Math.log10(1 / a.recon_mse), 6);
    expect(a.fit_seconds).toBeGreaterThan(0);
    const b = summary().tokenizer;
    expect(b).toMatchObject({ kind: 'patch-vae', latent_dim: 6, from_cache: true, recon_mse: a.recon_mse });
  }, 200_000);
});
