// Training-batch augmentation (random shift with zero padding, random horizontal flip) on cpu,
// wasm and WebGPU (dawn.node): shapes, identity when off, seeding, translation and flip against a
// plain-JS reference.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { augmentBatch, drawAugmentation, type AugmentConfig } from '../../src/ldae/augment';
import { deriveSeed } from '../../src/ldae/random';
import { setupNodeBackend, type NodeBackendName } from '../../src/node/backend';
import { seededArray } from './modelHelpers';

const off: AugmentConfig = { augmentShift: 0, augmentFlip: false };

async function augment(values: Float32Array, shape: [number, number, number, number], cfg: AugmentConfig, seed: number): Promise<Float32Array> {
  const x = tf.tensor4d(values, shape);
  const y = augmentBatch(x, cfg, seed);
  expect(y.shape).toEqual(shape);
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  return out;
}

/** What augmentBatch must compute, pixel by pixel. */
function reference(values: Float32Array, [B, H, W, C]: number[], cfg: AugmentConfig, seed: number): Float32Array {
  const { dy, dx, flip } = drawAugmentation(B, cfg, seed);
  const out = new Float32Array(values.length);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++) {
        const si = i - dy[b];
        const sj = (flip[b] ? W - 1 - j : j) - dx[b];
        if (si < 0 || si >= H || sj < 0 || sj >= W) continue;
        for (let c = 0; c < C; c++) out[((b * H + i) * W + j) * C + c] = values[((b * H + si) * W + sj) * C + c];
      }
  return out;
}

describe.each(['cpu', 'wasm', 'webgpu'] as NodeBackendName[])('augmentBatch on %s', (backend) => {
  it('[B,28,28,1] and [B,32,32,3]: identity when off, seeded, equal to the shifted / flipped reference', async () => {
    await setupNodeBackend(backend);
    const before = tf.memory().numTensors;
    for (const shape of [
      [3, 28, 28, 1],
      [2, 32, 32, 3],
    ] as [number, number, number, number][]) {
      const values = seededArray(shape.reduce((a, b) => a * b), 4);
      expect(Array.from(await augment(values, shape, off, 1))).toEqual(Array.from(values));
      const on: AugmentConfig = { augmentShift: 4, augmentFlip: true };
      const a = await augment(values, shape, on, deriveSeed(1, 'augment', 0));
      expect(Array.from(a)).toEqual(Array.from(reference(values, shape, on, deriveSeed(1, 'augment', 0))));
      expect(Array.from(await augment(values, shape, on, deriveSeed(1, 'augment', 0)))).toEqual(Array.from(a));
      expect(Array.from(await augment(values, shape, on, deriveSeed(1, 'augment', 1)))).not.toEqual(Array.from(a));
      expect(Array.from(a)).not.toEqual(Array.from(values));
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a single lit pixel moves by the drawn shift; flip reverses the columns', async () => {
    await setupNodeBackend(backend);
    const [B, H, W] = [8, 28, 28];
    const img = new Float32Array(B * H * W);
    for (let b = 0; b < B; b++) img[(b * H + 10) * W + 12] = 1; // pixel (10, 12)
    const shift: AugmentConfig = { augmentShift: 3, augmentFlip: false };
    const out = await augment(img, [B, H, W, 1], shift, 77);
    const { dy, dx } = drawAugmentation(B, shift, 77);
    expect(new Set(Array.from(dy)).size).toBeGreaterThan(1); // the images get different shifts
    for (let b = 0; b < B; b++) {
      const lit = out.subarray(b * H * W, (b + 1) * H * W).findIndex((v) => v === 1);
      expect([Math.floor(lit / W), lit % W]).toEqual([10 + dy[b], 12 + dx[b]]);
      expect(Math.max(...Array.from(dy), ...Array.from(dx))).toBeLessThanOrEqual(3);
    }
    // Flip only: each image is its own mirror or unchanged, and both occur in 8 images.
    const ramp = Float32Array.from({ length: B * H * W }, (_, i) => i % W);
    const flipped = await augment(ramp, [B, H, W, 1], { augmentShift: 0, augmentFlip: true }, 5);
    const { flip } = drawAugmentation(B, { augmentShift: 0, augmentFlip: true }, 5);
    expect(new Set(Array.from(flip)).size).toBe(2);
    for (let b = 0; b < B; b++) {
      const row = Array.from(flipped.subarray(b * H * W, b * H * W + W));
      expect(row).toEqual(flip[b] ? Array.from({ length: W }, (_, j) => W - 1 - j) : Array.from({ length: W }, (_, j) => j));
    }
  });
});
