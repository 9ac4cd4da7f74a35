import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Small probe sets keep these runs to seconds; a fresh baseline cache directory per test run.
const SMALL_PROBE = ['--set', 'probeTrainSize=500', '--set', 'probeTestSize=200'];
const cacheDir = mkdtempSync(path.join(tmpdir(), 'ldae-baselines-'));
const env = { ...process.env, LDAE_BASELINE_CACHE_DIR: cacheDir };
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

function runCli(args: string[]) {
  const r = spawnSync('npx', ['tsx', 'src/cli/experiment.ts', ...args], { encoding: 'utf8', timeout: 120_000, env });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
}

describe('experiment CLI run', () => {
  it('streams metrics lines and ends with a summary line (micro model, wasm)', () => {
    const r = spawnSync(
      'npx',
      ['tsx', 'src/cli/experiment.ts', '--preset', 'dit-baseline', '--steps', '6', '--backend', 'wasm', '--size', 'micro', '--train-images', '512', '--set', 'metricsEvery=2', '--set', 'tokenizerSamples=1000', '--set', 'batchSize=16', ...SMALL_PROBE],
      { encoding: 'utf8', timeout: 90_000, env },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.type === 'metrics').map((l) => l.step)).toEqual([2, 4, 6]);
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', backend: 'wasm', steps: 6, config: { target: 'eps', modelSize: 'micro', steps: 6 } });
    for (const k of ['images_per_s', 'final_loss', 'params', 'flops_per_image']) expect(summary[k]).toBeGreaterThan(0);
  });
  it('--probe-every adds probe lines; the summary has the final probe and the baselines, cached on disk', () => {
    // Seed 5: a probe split no other test has cached.
    const jsonFiles = () => readdirSync(cacheDir).filter((f) => f.endsWith('.json'));
    const cachedBefore = jsonFiles().length;
    const args = (steps: number, probeEvery: number) => ['--preset', 'ldae', '--seed', '5', '--steps', String(steps), '--backend', 'wasm', '--size', 'micro', '--train-images', '512', '--probe-every', String(probeEvery), '--set', 'metricsEvery=2', '--set', 'tokenizerSamples=1000', '--set', 'batchSize=16', ...SMALL_PROBE];
    const lines = runCli(args(8, 4));
    const inUnit = (x: unknown) => typeof x === 'number' && x >= 0 && x <= 1;
    const probeLines = lines.filter((l) => l.type === 'probe');
    // Every 4 steps; the final one (step 8) is the end-of-run evaluation, printed once.
    expect(probeLines.map((l) => l.step)).toEqual([4, 8]);
    for (const l of probeLines) {
      for (const k of ['linear_test_acc', 'linear_train_acc', 'knn_test_acc']) expect(inUnit(l[k])).toBe(true);
      expect(l.seconds).toBeGreaterThan(0);
    }
    const summary = lines.at(-1)!;
    expect(summary.type).toBe('summary');
    expect(summary.probe).toMatchObject({ step: 8, linear_test_acc: probeLines[1].linear_test_acc, knn_test_acc: probeLines[1].knn_test_acc });
    expect(inUnit(summary.probe.linear_train_acc)).toBe(true);
    for (const b of ['raw_pixel', 'random_init']) {
      expect(inUnit(summary.baselines[b].linear_test_acc)).toBe(true);
      expect(inUnit(summary.baselines[b].knn_test_acc)).toBe(true);
      expect(summary.baselines[b].from_cache).toBe(false);
    }
    // Raw pixels of Fashion-MNIST are linearly separable far above chance even with 500 images.
    expect(summary.baselines.raw_pixel.linear_test_acc).toBeGreaterThan(0.6);
    expect(lines.findIndex((l) => l.type === 'baselines')).toBeLessThan(lines.findIndex((l) => l.type === 'metrics'));

    const files = jsonFiles();
    expect(files.length).toBe(cachedBefore + 2);
    const stored = JSON.parse(readFileSync(path.join(cacheDir, files[0]), 'utf8'));
    expect(typeof stored.key).toBe('string');
    expect(inUnit(stored.value.linearTestAcc)).toBe(true);

    // Same data, split, seed and architecture, other training knobs: both baselines from the cache.
    const again = runCli(args(2, 0)).at(-1)!;
    expect(again.baselines.raw_pixel).toEqual({ ...summary.baselines.raw_pixel, from_cache: true });
    expect(again.baselines.random_init).toEqual({ ...summary.baselines.random_init, from_cache: true });
    expect(again.probe.step).toBe(2);
  });
});
