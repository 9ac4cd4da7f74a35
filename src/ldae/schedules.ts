// Noise schedules: t in [0, 1] -> (gamma_t, sigma_t), and z_t = gamma_t z0 + sigma_t eps.
// The VP schedules satisfy gamma^2 + sigma^2 = 1; l-DAE uses gamma = 1, sigma linear.
import type { ExperimentConfig, ScheduleKind } from './config';

export interface NoiseLevel {
  gamma: number;
  sigma: number;
}

export type Schedule = (t: number) => NoiseLevel;

export const DDPM_T = 1000;
const DDPM_BETA_START = 1e-4;
const DDPM_BETA_END = 0.02;
export const COSINE_S = 0.008;

/** alphabar_k = prod_{i<=k} (1 - beta_i) for k = 0..T with alphabar_0 = 1 (DDPM, linear betas). */
function ddpmAlphaBars(): Float64Array {
  const a = new Float64Array(DDPM_T + 1);
  a[0] = 1;
  for (let k = 1; k <= DDPM_T; k++) {
    const beta = DDPM_BETA_START + ((DDPM_BETA_END - DDPM_BETA_START) * (k - 1)) / (DDPM_T - 1);
    a[k] = a[k - 1] * (1 - beta);
  }
  return a;
}
export const DDPM_ALPHA_BARS = ddpmAlphaBars();

function vp(alphaBar: number): NoiseLevel {
  const ab = Math.min(1, Math.max(0, alphaBar));
  return { gamma: Math.sqrt(ab), sigma: Math.sqrt(1 - ab) };
}

/** DDPM's discrete alphabar at step k = t T, linearly interpolated between integer steps. */
export function vpDdpmLinear(t: number): NoiseLevel {
  const k = clamp01(t) * DDPM_T;
  const lo = Math.floor(k);
  const hi = Math.min(DDPM_T, lo + 1);
  const f = k - lo;
  return vp(DDPM_ALPHA_BARS[lo] * (1 - f) + DDPM_ALPHA_BARS[hi] * f);
}

/** Nichol & Dhariwal cosine: alphabar = f(t) / f(0), f(t) = cos^2((t + s) / (1 + s) * pi / 2). */
function vpCosine(t: number): NoiseLevel {
  const f = (u: number) => Math.cos(((u + COSINE_S) / (1 + COSINE_S)) * (Math.PI / 2)) ** 2;
  return vp(f(clamp01(t)) / f(0));
}

/** The paper's new schedule: gamma_t^2 linear from 1 to 0. */
function vpLinearGamma2(t: number): NoiseLevel {
  return vp(1 - clamp01(t));
}

/** l-DAE: z_t = z0 + sigma_t eps with sigma_t linear from 0 to sigmaMax (paper: sqrt 2). */
function ldaeLinearSigma(sigmaMax: number): Schedule {
  return (t) => ({ gamma: 1, sigma: sigmaMax * clamp01(t) });
}

export function baseSchedule(kind: ScheduleKind, sigmaMax: number): Schedule {
  switch (kind) {
    case 'vp-ddpm-linear':
      return vpDdpmLinear;
    case 'vp-cosine':
      return vpCosine;
    case 'vp-linear-gamma2':
      return vpLinearGamma2;
    case 'ldae-linear-sigma':
      return ldaeLinearSigma(sigmaMax);
  }
}

/**
 * The schedule the objective uses. With inputScaling off, gamma_t is dropped (set to 1) and
 * sigma_t is kept as the schedule gives it: "remove input scaling" literally, z_t = z0 + sigma_t eps.
 * (The paper's own no-input-scaling row also switches to sigma linear to sqrt 2; the preset
 * `no-input-scaling` does that by picking ldae-linear-sigma.)
 */
export function scheduleFor(cfg: Pick<ExperimentConfig, 'schedule' | 'sigmaMax' | 'inputScaling'>): Schedule {
  const base = baseSchedule(cfg.schedule, cfg.sigmaMax);
  if (cfg.inputScaling) return base;
  return (t) => ({ gamma: 1, sigma: base(t).sigma });
}

/** t for each example: uniform in [0, 1], or the fixed singleLevelT. `uniform` yields numbers in [0, 1). */
export function sampleTimes(
  cfg: Pick<ExperimentConfig, 'singleLevel' | 'singleLevelT'>,
  count: number,
  uniform: () => number,
): Float32Array {
  const t = new Float32Array(count);
  for (let i = 0; i < count; i++) t[i] = cfg.singleLevel ? cfg.singleLevelT : uniform();
  return t;
}

function clamp01(t: number): number {
  return Math.min(1, Math.max(0, t));
}
