import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/ldae/config';
import { runGridSweep, type GridRunner } from '../../src/cli/gridSweep';
import { planGrid, type GridSweepOptions } from '../../src/cli/gridSweepArgs';
import type { GridRun } from '../../src/cli/sweepTable';
import { FileSweepCellCache } from '../../src/node/sweepCellCacheFile';

// A runner that trains nothing: its accuracy encodes the config, so a mislabelled row shows.
const fakeRunner = (): GridRunner & { calls: number } => {
  const runner = {
    mode: 'probe-only' as const,
    backend: 'wasm',
    trainImages: 0,
    calls: 0,
    async run(config: typeof DEFAULT_CONFIG) {
      runner.calls++;
      const acc = 0.5 + config.probeWeightDecay + config.probeSteps / 10_000;
      return {
        steps: 10,
        train_images: 100,
        probe: { linear_test_acc: acc, linear_train_acc: acc, knn_test_acc: acc, seconds: 0.1 },
        probe_sets: { train: 10, test: 10, t: 0.01 },
      };
    },
  };
  return runner;
};

describe('generic sweep cache across sweeps over different keys', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ldae-grid-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const setup = { preset: 'ldae', dataset: 'fashion-mnist', backend: 'wasm', checkpoint: null };
  const sweep = async (axes: GridSweepOptions['axes'], runner: GridRunner, cache: FileSweepCellCache<GridRun>) => {
    const options: GridSweepOptions = { kind: 'grid', axes, seeds: null, out: path.join(dir, 'out.md') };
    return runGridSweep(options, planGrid(options, { ...DEFAULT_CONFIG, seed: 3 }), runner, cache, setup, () => {});
  };

  it('a cell cached by a sweep over probeWeightDecay is labelled with the probeSteps of a later sweep', async () => {
    const cache = new FileSweepCellCache<GridRun>(dir);
    const first = fakeRunner();
    await sweep([{ key: 'probeWeightDecay', values: [0, DEFAULT_CONFIG.probeWeightDecay] }], first, cache);
    expect(first.calls).toBe(2);

    const second = fakeRunner();
    const result = await sweep([{ key: 'probeSteps', values: [DEFAULT_CONFIG.probeSteps, 1000] }], second, cache);
    expect(second.calls).toBe(1); // the default-steps cell is the default-weight-decay cell of the first sweep
    expect(result.runs.map((r) => r.values)).toEqual([{ probeSteps: DEFAULT_CONFIG.probeSteps }, { probeSteps: 1000 }]);
    const rows = result.markdown.split('\n').filter((l) => /^\| \d/.test(l));
    expect(rows.map((l) => l.split('|')[1].trim())).toEqual([String(DEFAULT_CONFIG.probeSteps), '1000']);
    expect(result.markdown).not.toContain('undefined');
  });
});
