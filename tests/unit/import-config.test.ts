import { describe, expect, it } from 'vitest';
import { importedDatasetId } from '../../src/data/import/assemble';
import { DEFAULT_CONFIG, configFromSearchParams, configProblems, configToSearchParams, isImportedDatasetId } from '../../src/ldae/config';

describe('imported dataset ids in the config', () => {
  it('accepts built-in ids and import:<name>-<hash>, rejects anything else with a message', () => {
    const id = 'import:pets-0a1b2c3d' as const;
    expect(isImportedDatasetId(id)).toBe(true);
    expect(configProblems({ ...DEFAULT_CONFIG, dataset: id })).toEqual([]);
    for (const bad of ['cifar10', 'import:', 'import:pets', 'import:Pets-0a1b2c3d', 'import:../x-0a1b2c3d', 'import:pets-0a1b2c3']) {
      const problems = configProblems({ ...DEFAULT_CONFIG, dataset: bad as typeof id });
      expect(problems.map((p) => p.field)).toEqual(['dataset']);
      expect(problems[0].message).toContain('dataset must be one of fashion-mnist | mnist or an imported dataset (import:<name>-<8 hex digits>)');
    }
  });

  it('an imported id survives the URL; its shape checks wait for the loaded shape', () => {
    const cfg = { ...DEFAULT_CONFIG, dataset: 'import:cifar-10-12345678' as const, patchSize: 8, latentDim: 16 };
    expect(configFromSearchParams(configToSearchParams(cfg))).toEqual({ config: cfg, problems: [] });
    // Patch 8 does not divide 28 but is fine for 32 x 32 x 3: checked against the shape given.
    expect(configProblems(cfg)).toEqual([]);
    expect(configProblems(cfg, { height: 32, width: 32, channels: 3 })).toEqual([]);
    expect(configProblems(cfg, { height: 28, width: 28, channels: 3 }).map((p) => p.field)).toEqual(['patchSize']);
  });

  it('every id the importers make is a valid config dataset', () => {
    const split = { count: 1, labels: new Uint8Array([0]), images: new Uint8Array(12) };
    const shape = { height: 2, width: 2, channels: 3 };
    for (const name of ['Ünïcode Photos!!', '???', 'x'.repeat(100), 'CIFAR-10', '-a-']) {
      const id = importedDatasetId(name, shape, split, split);
      expect(isImportedDatasetId(id)).toBe(true);
      expect(configProblems({ ...DEFAULT_CONFIG, dataset: id })).toEqual([]);
    }
    expect(importedDatasetId('Ünïcode Photos!!', shape, split, split)).toMatch(/^import:unicode-photos-[0-9a-f]{8}$/);
    // Another side or colour, same bytes: another id.
    expect(importedDatasetId('a', shape, split, split)).not.toBe(importedDatasetId('a', { height: 2, width: 6, channels: 1 }, split, split));
  });
});
