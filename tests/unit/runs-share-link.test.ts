import { describe, expect, it } from 'vitest';
import { configFromSearchParams, DEFAULT_CONFIG } from '../../src/ldae/config';
import { applyPreset, matchingPreset } from '../../src/ldae/presets';
import { openedFromSharedLink, presetFromParams, shareLink, shareQuery } from '../../src/ui/runs/shareLink';

const LOC = { origin: 'https://example.org', pathname: '/play/' };

describe('Copy link: config and preset in the URL', () => {
  it('carries the changed config keys and the preset the config matches', () => {
    const cfg = { ...applyPreset(DEFAULT_CONFIG, 'predict-z0'), steps: 123 };
    const params = new URLSearchParams(shareQuery(cfg));
    expect(params.get('preset')).toBe('predict-z0');
    expect(params.get('steps')).toBe('123');
    expect(params.get('target')).toBe('z0');
    expect(shareLink(cfg, LOC)).toMatch(/^https:\/\/example\.org\/play\/\?/);
  });

  it('has no preset for a custom config', () => {
    const cfg = { ...DEFAULT_CONFIG, target: 'eps' as const, outputSpace: 'latent' as const };
    expect(matchingPreset(cfg)).toBeNull();
    expect(new URLSearchParams(shareQuery(cfg)).has('preset')).toBe(false);
  });

  it('a page opened from the link gets the same config back (preset first, then the keys)', () => {
    for (const id of ['dit-baseline', 'pixel-input', 'ldae', 'ldae-tuned'] as const) {
      const cfg = { ...applyPreset(DEFAULT_CONFIG, id), latentDim: 12 };
      const params = new URLSearchParams(shareQuery(cfg));
      const { preset, problem } = presetFromParams(params);
      expect(problem).toBeNull();
      const back = configFromSearchParams(params, applyPreset(DEFAULT_CONFIG, preset!));
      expect(back.problems).toEqual([]);
      expect(back.config).toEqual(cfg);
    }
  });

  it('an unknown preset is a clear problem and is ignored', () => {
    const { preset, problem } = presetFromParams(new URLSearchParams('preset=nope'));
    expect(preset).toBeNull();
    expect(problem).toMatch(/unknown preset "nope".*dit-baseline/);
  });

  it('shared: ?preset= or a classroom ?hide=, not config keys alone (the page writes those itself)', () => {
    expect(openedFromSharedLink(new URLSearchParams('preset=ldae&steps=5'))).toBe(true);
    expect(openedFromSharedLink(new URLSearchParams('hide=lr'))).toBe(true);
    expect(openedFromSharedLink(new URLSearchParams('steps=5&dataset=mnist'))).toBe(false);
  });
});
