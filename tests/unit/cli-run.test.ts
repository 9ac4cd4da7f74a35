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
  it('--threads 2 trains as two batch-parallel replicas (a worker thread) and says so in the summary', () => {
    const args = (threads: number) => ['--preset', 'ldae', '--steps', '4', '--backend', 'wasm', '--size', 'micro', '--train-images', '512', '--threads', String(threads), '--set', 'metricsEvery=2', '--set', 'tokenizerSamples=1000', '--set', 'batchSize=16', ...SMALL_PROBE];
    const two = runCli(args(2));
    const one = runCli(args(1));
    const summary = two.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', threads: 2, steps: 4 });
    expect(one.at(-1)!.threads).toBe(1);
    // The same batches, t and eps, the gradients summed in two slices: equal up to float rounding.
    const losses = (lines: Record<string, any>[]) => lines.filter((l) => l.type === 'metrics').map((l) => l.loss as number);
    const [a, b] = [losses(two), losses(one)];
    expect(a).toHaveLength(2);
    a.forEach((x, i) => expect(Math.abs(x - b[i]) / b[i]).toBeLessThan(1e-3));
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
    // The tokenizer's latents of all 16 patches (16 x 8 numbers): close to raw pixels, far above chance.
    expect(summary.baselines.latent.linear_test_acc).toBeGreaterThan(0.6);
    expect(summary.baselines.latent.linear_test_acc).toBeLessThanOrEqual(1);
    expect(inUnit(summary.baselines.latent.knn_test_acc)).toBe(true);
    expect(summary.baselines.latent.knn_test_acc).toBeGreaterThan(0.5);
    expect(summary.baselines.latent.from_cache).toBe(false);
    expect(summary.probe.weights).toBe('live');
    expect(probeLines.every((l) => l.weights === 'live')).toBe(true);
    expect(lines.findIndex((l) => l.type === 'baselines')).toBeLessThan(lines.findIndex((l) => l.type === 'metrics'));

    const files = jsonFiles();
    expect(files.length).toBe(cachedBefore + 3); // raw pixels, random init, latents
    const stored = JSON.parse(readFileSync(path.join(cacheDir, files[0]), 'utf8'));
    expect(typeof stored.key).toBe('string');
    expect(inUnit(stored.value.linearTestAcc)).toBe(true);

    // Same data, split, seed and architecture, other training knobs: both baselines from the cache.
    const again = runCli(args(2, 0)).at(-1)!;
    expect(again.baselines.raw_pixel).toEqual({ ...summary.baselines.raw_pixel, from_cache: true });
    expect(again.baselines.random_init).toEqual({ ...summary.baselines.random_init, from_cache: true });
    expect(again.baselines.latent).toEqual({ ...summary.baselines.latent, from_cache: true });
    expect(again.probe.step).toBe(2);
  });

  it('the research knobs work from --set: custom size, augmentation, EMA (probe.weights ema), probe features and settings; a bad custom width exits 2', () => {
    const knobs = ['modelSize=custom', 'modelWidth=24', 'modelDepth=3', 'modelHeads=2', 'augmentShift=2', 'augmentFlip=true', 'emaDecay=0.9', 'probeNoise=true', 'probeFeatures=mean-of-blocks', 'probeSteps=50', 'probeWeightDecay=0', 'probeLr=0.02'];
    const base = ['--preset', 'ldae', '--seed', '6', '--steps', '4', '--backend', 'wasm', '--train-images', '256', '--set', 'metricsEvery=2', '--set', 'tokenizerSamples=1000', '--set', 'batchSize=8', ...SMALL_PROBE];
    const summary = runCli([...base, ...knobs.flatMap((k) => ['--set', k])]).at(-1)!;
    expect(summary.config).toMatchObject({ modelSize: 'custom', modelWidth: 24, modelDepth: 3, modelHeads: 2, augmentShift: 2, augmentFlip: true, emaDecay: 0.9, probeNoise: true, probeFeatures: 'mean-of-blocks', probeSteps: 50 });
    expect(summary.probe.weights).toBe('ema');
    expect(summary.probe.step).toBe(4);
    expect(summary.final_loss).toBeGreaterThan(0);
    for (const b of ['raw_pixel', 'random_init', 'latent']) expect(summary.baselines[b].linear_test_acc).toBeGreaterThan(0.3);

    const bad = spawnSync('npx', ['tsx', 'src/cli/experiment.ts', ...base, '--set', 'modelSize=custom', '--set', 'modelWidth=25', '--set', 'modelHeads=2'], { encoding: 'utf8', timeout: 60_000, env });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('modelWidth must be a multiple of modelHeads (2), got 25');
  });
});
