// The non-finite guard: an injected NaN (--fault nan@K) goes through the same path as a real one:
// the run stops at the first bad metrics window with the last good step's summary, one line on
// stderr naming the step and the likely cause, and exit 3.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { likelyCause, parseFault } from '../../src/ldae/nonFinite';

const dir = mkdtempSync(path.join(tmpdir(), 'ldae-nan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, LDAE_BASELINE_CACHE_DIR: path.join(dir, 'b'), LDAE_TOKENIZER_CACHE_DIR: path.join(dir, 't') };
const cli = (args: string[]) => spawnSync('npx', ['tsx', 'src/cli/experiment.ts', ...args], { encoding: 'utf8', timeout: 120_000, env });
const MICRO = ['--steps', '10', '--size', 'micro', '--backend', 'wasm', '--train-images', '256', '--set', 'metricsEvery=2', '--set', 'batchSize=8',
  '--set', 'tokenizerSamples=500', '--set', 'probeTrainSize=100', '--set', 'probeTestSize=50'];

describe('non-finite loss', () => {
  it('--fault nan@5: metrics up to step 4, the window ending at 6 is NaN, a summary of step 4, one stderr line, exit 3', () => {
    const r = cli([...MICRO, '--fault', 'nan@5']);
    expect(r.status).toBe(3);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const metrics = lines.filter((l) => l.type === 'metrics');
    expect(metrics.map((m) => m.step)).toEqual([2, 4, 6]);
    expect(metrics.slice(0, 2).every((m) => Number.isFinite(m.loss))).toBe(true);
    expect(metrics[2].loss).toBeNull(); // NaN in JSON
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', stopped: 'non-finite loss', steps: 4, final_loss: metrics[1].loss, non_finite: { step: 6, loss: 'NaN', rolled_back_to: 4 } });
    expect(summary.probe).toBeUndefined(); // no probe of NaN weights
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^experiment: the loss became non-finite \(loss NaN, .*\) in the metrics window ending at step 6; rolled back to the last good step 4 \(loss [\d.e-]+\)\. Likely cause: it was injected on purpose/),
    ]);
  }, 120_000);

  it('a fault after the last step changes nothing; a bad spec or --fault with a sweep exits 2', () => {
    const ok = cli([...MICRO, '--steps', '4', '--fault', 'nan@9']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/"type":"summary"/);
    for (const [args, message] of [
      [['--fault', 'nan@x'], /^experiment: --fault: fault must be nan@K with K >= 1/],
      [['--fault', 'nan@0'], /K >= 1/],
      [['--fault', 'nan@3', '--sweep', 'lr=1e-3,2e-3'], /--fault works with a single training run/],
    ] as [string[], RegExp][]) {
      const r = cli([...MICRO, ...args]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  }, 120_000);

  it('likely causes: injected, a high lr, no clipping, else a lower lr', () => {
    expect(parseFault(' nan@12 ')).toEqual({ nanAtStep: 12 });
    expect(likelyCause({ lr: 3, gradClip: 1 }, false)).toBe('learning rate 3 is high; try 1e-3');
    expect(likelyCause({ lr: 1e-3, gradClip: 0 }, false)).toMatch(/gradient clipping is off/);
    expect(likelyCause({ lr: 1e-3, gradClip: 1 }, false)).toMatch(/lower learning rate \(e\.g\. half of 0\.001\)/);
    expect(likelyCause({ lr: 3, gradClip: 1 }, true)).toMatch(/injected/);
  });
});
