import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, configProblems, type ExperimentConfig } from '../../src/ldae/config';
import { PRESETS, PRESET_IDS, applyPreset, getPreset, matchingPreset } from '../../src/ldae/presets';
import { TUNED_PRESET } from '../../src/ldae/tunedPreset';
import { parseArgs } from '../../src/cli/args';

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

describe('ldae-tuned (beyond the paper)', () => {
  it('is the l-DAE objective plus its own training and probe knobs, valid, and recognised', () => {
    const tuned = applyPreset(DEFAULT_CONFIG, 'ldae-tuned');
    expect(configProblems(tuned)).toEqual([]);
    const ldae = applyPreset(DEFAULT_CONFIG, 'ldae');
    for (const k of Object.keys(getPreset('ldae').patch) as (keyof ExperimentConfig)[]) expect(tuned[k]).toBe(ldae[k]);
    expect(Object.keys(TUNED_PRESET.extra).length).toBeGreaterThan(0);
    for (const [k, v] of Object.entries(TUNED_PRESET.extra)) expect(tuned[k as keyof ExperimentConfig]).toBe(v);
    expect(matchingPreset(tuned)).toBe('ldae-tuned');
    expect(TUNED_PRESET.description).toMatch(/raw pixels/);
  });

  it('a trajectory row chosen after it puts its extra knobs back to the defaults', () => {
    const back = applyPreset(applyPreset(DEFAULT_CONFIG, 'ldae-tuned'), 'ldae');
    expect(back).toEqual(applyPreset(DEFAULT_CONFIG, 'ldae'));
    expect(matchingPreset(back)).toBe('ldae');
  });

  it('the CLI takes --preset ldae-tuned with its default steps, and --steps still overrides them', () => {
    expect(parseArgs(['--preset', 'ldae-tuned']).config.steps).toBe(TUNED_PRESET.extra.steps ?? DEFAULT_CONFIG.steps);
    expect(parseArgs(['--preset', 'ldae-tuned', '--steps', '7']).config.steps).toBe(7);
  });
});

describe('what to notice', () => {
  it('every preset, ldae-tuned included, has two or three sentences, each one distinct', async () => {
    const { PRESET_NOTICES } = await import('../../src/ldae/presetNotices');
    const { ALL_PRESET_IDS } = await import('../../src/ldae/presets');
    expect(Object.keys(PRESET_NOTICES).sort()).toEqual([...ALL_PRESET_IDS].sort());
    for (const id of ALL_PRESET_IDS) {
      // Sentences end in ". " or at the end; "sqrt 2" and "0.1" are not sentence ends.
      const sentences = PRESET_NOTICES[id].split(/(?<=[.:])\s+(?=[A-Z])/).filter(Boolean);
      expect(sentences.length, id).toBeGreaterThanOrEqual(2);
      expect(sentences.length, id).toBeLessThanOrEqual(3);
    }
    expect(new Set(Object.values(PRESET_NOTICES)).size).toBe(ALL_PRESET_IDS.length);
  });
});
