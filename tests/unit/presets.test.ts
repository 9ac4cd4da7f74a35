import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, configProblems } from '../../src/ldae/config';
import { PRESETS, PRESET_IDS, applyPreset, matchingPreset } from '../../src/ldae/presets';

describe('presets', () => {
  it('every preset is a valid config and matches itself; ldae is the default', () => {
    for (const id of PRESET_IDS) {
      const cfg = applyPreset(DEFAULT_CONFIG, id);
      expect(configProblems(cfg).map((p) => p.message)).toEqual([]);
      expect(matchingPreset(cfg)).toBe(id);
    }
    expect(matchingPreset(DEFAULT_CONFIG)).toBe('ldae');
  });

  it('follows the trajectory: each row changes something from the previous one', () => {
    expect(PRESETS.map((p) => p.id)).toEqual(PRESET_IDS);
    for (let i = 1; i < PRESETS.length; i++) {
      expect(PRESETS[i].patch).not.toEqual(PRESETS[i - 1].patch);
    }
    expect(PRESETS[0].description).toMatch(/class conditioning/i);
    expect(PRESETS.at(-1)?.paperAcc).toBe(64.5);
  });
});
