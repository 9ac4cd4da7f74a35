// Seeded randomness. Every random draw in training derives its seed from the config seed and a
// purpose tag (and the step), so a run is reproducible and no two draws share a seed.
import seedrandom from 'seedrandom';

export type Rng = () => number;

/** Uniform [0, 1) generator from an integer seed. */
export function rng(seed: number): Rng {
  return seedrandom.alea(String(seed));
}

/**
 * A seed in [1, 2^31 - 1] mixed from a base seed and integer/string parts. Never 0: tf.randomNormal
 * treats seed 0 as "unseeded".
 */
export function deriveSeed(base: number, ...parts: (number | string)[]): number {
  let h = (base | 0) ^ 0x9e3779b9;
  const mix = (x: number) => {
    h = Math.imul(h ^ x, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  };
  for (const p of parts) {
    if (typeof p === 'number') mix(p | 0);
    else for (let i = 0; i < p.length; i++) mix(p.charCodeAt(i));
  }
  return (h >>> 1) % 2147483646 + 1;
}

/** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, random: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = p[i];
    p[i] = p[j];
    p[j] = tmp;
  }
  return p;
}

/** k distinct indices from 0..n-1 in random order (k <= n). */
export function sampleWithoutReplacement(n: number, k: number, random: Rng): Int32Array {
  return permutation(n, random).slice(0, Math.min(n, k));
}
