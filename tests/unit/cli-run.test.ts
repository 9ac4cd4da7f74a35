import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('experiment CLI run', () => {
  it('streams metrics lines and ends with a summary line (micro model, wasm)', () => {
    const r = spawnSync(
      'npx',
      ['tsx', 'src/cli/experiment.ts', '--preset', 'dit-baseline', '--steps', '6', '--backend', 'wasm', '--size', 'micro', '--train-images', '512', '--set', 'metricsEvery=2', '--set', 'tokenizerSamples=1000', '--set', 'batchSize=16'],
      { encoding: 'utf8', timeout: 90_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.type === 'metrics').map((l) => l.step)).toEqual([2, 4, 6]);
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', backend: 'wasm', steps: 6, config: { target: 'eps', modelSize: 'micro', steps: 6 } });
    for (const k of ['images_per_s', 'final_loss', 'params', 'flops_per_image']) expect(summary[k]).toBeGreaterThan(0);
  });
});
