import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/ldae/config';
import { applyPreset } from '../../src/ldae/presets';
import { configDiff, formatChange } from '../../src/ui/runs/configDiff';

describe('configDiff (runs table: a run against the reference run)', () => {
  it('is empty for the same config', () => {
    expect(configDiff(DEFAULT_CONFIG, { ...DEFAULT_CONFIG })).toEqual([]);
  });

  it('lists only the changed keys, reference value then this run’s, in the config’s key order', () => {
    const other = { ...DEFAULT_CONFIG, steps: DEFAULT_CONFIG.steps + 100, lr: 0.002 };
    const diff = configDiff(DEFAULT_CONFIG, other);
    const keys = Object.keys(DEFAULT_CONFIG);
    expect(diff.map((c) => c.key)).toEqual(['steps', 'lr'].sort((a, b) => keys.indexOf(a) - keys.indexOf(b)));
    const lr = diff.find((c) => c.key === 'lr')!;
    expect(lr).toEqual({ key: 'lr', reference: DEFAULT_CONFIG.lr, value: 0.002 });
    expect(formatChange(lr)).toBe(`lr: ${DEFAULT_CONFIG.lr} → 0.002`);
  });

  it('a preset change shows the objective knobs it moves', () => {
    const eps = applyPreset(DEFAULT_CONFIG, 'dit-baseline');
    const ldae = applyPreset(DEFAULT_CONFIG, 'ldae');
    const text = configDiff(ldae, eps).map(formatChange);
    expect(text).toContain('target: x0 → eps');
    expect(text).toContain('lossWeighting: pca-weighted → none');
    expect(text.some((t) => t.startsWith('dataset'))).toBe(false);
  });

  it('a key only one side has (an older stored run) counts as changed', () => {
    const older = { ...DEFAULT_CONFIG } as Record<string, unknown>;
    delete older.augmentShift;
    const diff = configDiff(older as unknown as typeof DEFAULT_CONFIG, DEFAULT_CONFIG);
    expect(diff.map(formatChange)).toEqual([`augmentShift: (none) → ${DEFAULT_CONFIG.augmentShift}`]);
  });
});
