import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/ldae/config';
import { activationBytesPerStep, configWarnings } from '../../src/ldae/configWarnings';

const fields = (over: Partial<typeof DEFAULT_CONFIG>) => configWarnings({ ...DEFAULT_CONFIG, ...over }).map((w) => w.field);

describe('configWarnings (legal but risky settings)', () => {
  it('the defaults and every moderate setting warn about nothing', () => {
    expect(configWarnings(DEFAULT_CONFIG)).toEqual([]);
    expect(fields({ lr: 0.01, steps: 5, batchSize: 256, modelSize: 'small' })).toEqual([]); // short test runs are fine
  });

  it('a high lr, a batch that will not fit and flips on digits each warn on their own field', () => {
    expect(fields({ lr: 0.3 })).toEqual(['lr']);
    expect(configWarnings({ ...DEFAULT_CONFIG, lr: 0.3 })[0].message).toMatch(/lr 0.3 is high .* try 1e-3/);
    expect(fields({ augmentFlip: true, dataset: 'mnist' })).toEqual(['augmentFlip']);
    expect(fields({ augmentFlip: true })).toEqual([]); // clothes may be flipped
    // Patch 2 on 28 x 28 = 196 tokens, small model, batch 512: the attention matrices alone are GBs.
    const big = { ...DEFAULT_CONFIG, patchSize: 2, latentDim: 4, modelSize: 'small' as const, batchSize: 512 };
    expect(activationBytesPerStep(big, { height: 28, width: 28, channels: 1 })).toBeGreaterThan(1.5e9);
    const [w] = configWarnings(big);
    expect(w.field).toBe('batchSize');
    const fits = Number(/try a batch of (\d+)/.exec(w.message)?.[1]);
    expect(activationBytesPerStep({ ...big, batchSize: fits }, { height: 28, width: 28, channels: 1 })).toBeLessThanOrEqual(1.5e9);
    expect(configWarnings({ ...big, batchSize: fits })).toEqual([]);
  });

  it('says nothing while the config has problems (those come first)', () => {
    expect(configWarnings({ ...DEFAULT_CONFIG, lr: 0.3, batchSize: Number.NaN })).toEqual([]);
  });
});

describe('configWarnings in the CLI', () => {
  it('a risky lr is said on stderr and the run goes on (exit 0)', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync('npx', ['tsx', 'src/cli/experiment.ts', '--steps', '2', '--size', 'micro', '--backend', 'wasm', '--train-images', '256',
      '--set', 'lr=0.05', '--set', 'batchSize=8', '--set', 'tokenizerSamples=500', '--set', 'probeTrainSize=100', '--set', 'probeTestSize=50'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^experiment: warning: lr 0.05 is high .* try 1e-3$/)]);
    expect(r.stdout).toMatch(/"type":"summary"/);
  }, 120_000);
});
