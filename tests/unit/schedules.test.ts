import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, SCHEDULES } from '../../src/ldae/config';
import { baseSchedule, sampleTimes, scheduleFor, vpDdpmLinear } from '../../src/ldae/schedules';
import { rng } from '../../src/ldae/random';

const grid = Array.from({ length: 101 }, (_, i) => i / 100);

describe('noise schedules', () => {
  for (const kind of SCHEDULES) {
    it(`${kind}: clean at t = 0, gamma non-increasing and sigma increasing in t`, () => {
      const s = baseSchedule(kind, Math.SQRT2);
      expect(s(0).gamma).toBeCloseTo(1, 10);
      expect(s(0).sigma).toBeCloseTo(0, 10);
      for (let i = 1; i < grid.length; i++) {
        const a = s(grid[i - 1]);
        const b = s(grid[i]);
        expect(b.gamma).toBeLessThanOrEqual(a.gamma + 1e-12);
        expect(b.sigma).toBeGreaterThan(a.sigma);
      }
    });
  }

  for (const kind of ['vp-ddpm-linear', 'vp-cosine', 'vp-linear-gamma2'] as const) {
    it(`${kind}: variance preserving, gamma^2 + sigma^2 = 1, nearly pure noise at t = 1`, () => {
      const s = baseSchedule(kind, Math.SQRT2);
      for (const t of grid) {
        const { gamma, sigma } = s(t);
        expect(gamma * gamma + sigma * sigma).toBeCloseTo(1, 10);
      }
      expect(s(1).gamma).toBeLessThan(0.01);
    });
  }

  it('vp-ddpm-linear matches DDPM alphabar at integer steps (k = 1 and k = 1000)', () => {
    expect(vpDdpmLinear(1 / 1000).gamma ** 2).toBeCloseTo(1 - 1e-4, 12);
    // prod (1 - beta_k), linear betas 1e-4..0.02: alphabar_T ~ 4.04e-5 (DDPM paper).
    expect(vpDdpmLinear(1).gamma ** 2).toBeGreaterThan(3.5e-5);
    expect(vpDdpmLinear(1).gamma ** 2).toBeLessThan(4.5e-5);
  });

  it('ldae-linear-sigma: gamma = 1, sigma linear to sigmaMax', () => {
    const s = baseSchedule('ldae-linear-sigma', Math.SQRT2);
    expect(s(1)).toEqual({ gamma: 1, sigma: Math.SQRT2 });
    expect(s(0.25).sigma).toBeCloseTo(Math.SQRT2 / 4, 12);
  });

  it('inputScaling off keeps sigma_t and drops gamma_t', () => {
    const on = scheduleFor({ schedule: 'vp-linear-gamma2', sigmaMax: 1, inputScaling: true });
    const off = scheduleFor({ schedule: 'vp-linear-gamma2', sigmaMax: 1, inputScaling: false });
    expect(on(0.36).gamma).toBeCloseTo(0.8, 12);
    expect(off(0.36)).toEqual({ gamma: 1, sigma: on(0.36).sigma });
  });

  it('t is uniform, or the fixed level when singleLevel', () => {
    const t = sampleTimes(DEFAULT_CONFIG, 4000, rng(7));
    const mean = t.reduce((a, b) => a + b, 0) / t.length;
    expect(mean).toBeGreaterThan(0.47);
    expect(mean).toBeLessThan(0.53);
    expect(Math.min(...t)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...t)).toBeLessThan(1);
    const fixed = sampleTimes({ singleLevel: true, singleLevelT: 0.3 }, 5, rng(7));
    expect(Array.from(fixed)).toEqual(Array(5).fill(Math.fround(0.3)));
  });
});
