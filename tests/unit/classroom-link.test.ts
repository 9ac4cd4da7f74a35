// Classroom links: ?tour= and ?hide= parse with clear messages, a built link round-trips the
// config, and the config sync keeps them.
import { describe, expect, it } from 'vitest';
import { configFromSearchParams, configToSearchParams, DEFAULT_CONFIG } from '../../src/ldae/config';
import { applyPreset } from '../../src/ldae/presets';
import { CONTROL_GROUPS } from '../../src/ui/teaching/controlGroups';
import { classroomQuery, HIDE_KEYS, pageParamsFrom, withPageParams } from '../../src/ui/teaching/pageParams';
import { startingConfig } from '../../src/ui/teaching/smallScreen';
import { TOUR_STEPS } from '../../src/ui/teaching/tourSteps';

const parse = (q: string) => pageParamsFrom(new URLSearchParams(q), TOUR_STEPS.length);

describe('page parameters', () => {
  it('reads a tour step and hidden controls', () => {
    const p = parse('tour=3&hide=latentDim,schedule');
    expect(p).toEqual({ tourStep: 3, hidden: ['latentDim', 'schedule'], classroom: true, problems: [] });
    expect(parse('')).toEqual({ tourStep: null, hidden: [], classroom: false, problems: [] });
    expect(parse('hide=').classroom).toBe(true);
  });

  it('names unknown hide keys and bad tour steps instead of failing', () => {
    const p = parse(`hide=latentDim,bogus,noiseLevel&tour=${TOUR_STEPS.length + 1}`);
    expect(p.hidden).toEqual(['latentDim']);
    expect(p.tourStep).toBeNull();
    expect(p.problems).toHaveLength(2);
    expect(p.problems[0]).toContain(`tour must be a step number from 1 to ${TOUR_STEPS.length}, got "${TOUR_STEPS.length + 1}"`);
    expect(p.problems[1]).toMatch(/^hide: unknown control "bogus", "noiseLevel" \(ignored\)/);
    expect(parse('tour=abc').problems[0]).toContain('got "abc"');
    expect(parse('tour=').tourStep).toBeNull();
  });

  it('builds a link that round-trips preset, config, hidden controls and tour step', () => {
    const cfg = { ...applyPreset(DEFAULT_CONFIG, 'dit-baseline'), latentDim: 12, dataset: 'mnist' as const };
    const q = classroomQuery(cfg, ['latentDim', 'schedule'], 4);
    expect(q).toContain('hide=latentDim,schedule');
    const params = new URLSearchParams(q);
    expect(configFromSearchParams(params)).toEqual({ config: cfg, problems: [] });
    expect(parse(q)).toEqual({ tourStep: 4, hidden: ['latentDim', 'schedule'], classroom: true, problems: [] });
    // A field that does not fit the others still falls back, with its message.
    const alone = configFromSearchParams(new URLSearchParams('target=eps&latentDim=12'));
    expect(alone.problems).toEqual(['target eps (the latent noise) needs outputSpace latent; using x0']);
    expect(alone.config).toEqual({ ...DEFAULT_CONFIG, latentDim: 12 });
  });

  it('the config sync keeps tour and hide and drops stale config fields', () => {
    const current = new URLSearchParams('latentDim=4&tour=2&hide=target');
    const q = withPageParams(configToSearchParams({ ...DEFAULT_CONFIG, steps: 50 }), current);
    expect(new URLSearchParams(q).get('latentDim')).toBeNull();
    expect(q).toBe('steps=50&tour=2&hide=target');
  });

  it('offers every config field with a control for hiding (backend has none)', () => {
    const offered = CONTROL_GROUPS.flatMap((g) => g.fields);
    expect(new Set(offered).size).toBe(offered.length);
    expect([...offered].sort()).toEqual(HIDE_KEYS.filter((k) => k !== 'backend').sort());
  });

  it('phones start from the micro model; a link that sets the size wins', () => {
    expect(startingConfig(true).modelSize).toBe('micro');
    expect(startingConfig(false)).toBe(DEFAULT_CONFIG);
    expect(configFromSearchParams(new URLSearchParams('modelSize=small'), startingConfig(true)).config.modelSize).toBe('small');
  });
});

describe('tour steps', () => {
  it('has 8 to 12 steps, each with a target, a title and the reasoning', () => {
    expect(TOUR_STEPS.length).toBeGreaterThanOrEqual(8);
    expect(TOUR_STEPS.length).toBeLessThanOrEqual(12);
    for (const s of TOUR_STEPS) expect(s.target && s.title && s.text.length > 80).toBeTruthy();
    const text = TOUR_STEPS.map((s) => `${s.title} ${s.text}`).join(' ');
    for (const topic of [/tokenizer/i, /why d matters/i, /noise/i, /predict x0 in pixels/i, /probe measures/i, /raw-pixel line/i]) expect(text).toMatch(topic);
  });
});
