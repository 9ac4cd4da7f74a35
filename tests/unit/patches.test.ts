import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { patchify, unpatchify } from '../../src/ldae/patches';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('patchify / unpatchify', () => {
  it('puts patch (row r, col c) pixels in row-major [P, P, C] order', async () => {
    const side = 4;
    const P = 2;
    const img = tf.tensor4d(Float32Array.from({ length: 16 }, (_, i) => i), [1, side, side, 1]);
    const patches = patchify(img, P);
    expect(patches.shape).toEqual([1, 4, 4]);
    const v = await patches.array();
    // Token 1 is the top-right 2x2 patch: pixels (0,2),(0,3),(1,2),(1,3).
    expect(v[0][1]).toEqual([2, 3, 6, 7]);
    expect(v[0][2]).toEqual([8, 9, 12, 13]);
    tf.dispose([img, patches]);
  });

  it('unpatchify inverts patchify, with channels, for every patch size of 28', async () => {
    const img = tf.randomUniform([2, 28, 28, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    for (const P of [1, 2, 4, 7, 14, 28]) {
      const back = unpatchify(patchify(img, P), P, 28);
      const err = (await back.sub(img).abs().max().data())[0];
      expect(err).toBe(0);
      back.dispose();
    }
    img.dispose();
  });

  it('is differentiable', async () => {
    const img = tf.randomUniform([1, 8, 8, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const g = tf.grad((x: tf.Tensor) => patchify(x as tf.Tensor4D, 4).square().sum())(img);
    const diff = (await g.sub(img.mul(2)).abs().max().data())[0];
    expect(diff).toBeLessThan(1e-6);
    tf.dispose([img, g]);
  });

  it('rejects a patch size that does not divide the side', () => {
    const img = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
    expect(() => patchify(img, 5)).toThrow(/divide/);
    img.dispose();
  });
});

describe('patchify / unpatchify in colour', () => {
  it('round-trips [B, 32, 32, 3] for P = 2, 4, 8 and [B, 28, 28, 1] for P = 7', async () => {
    const cases: [number, number, number[]][] = [
      [32, 3, [2, 4, 8]],
      [28, 1, [7]],
    ];
    for (const [side, C, sizes] of cases) {
      const img = tf.randomUniform([2, side, side, C], 0, 1, 'float32', 7) as tf.Tensor4D;
      for (const P of sizes) {
        const patches = patchify(img, P);
        expect(patches.shape).toEqual([2, (side / P) ** 2, P * P * C]);
        const back = unpatchify(patches, P, side);
        expect(back.shape).toEqual([2, side, side, C]);
        expect((await back.sub(img).abs().max().data())[0]).toBe(0);
        tf.dispose([patches, back]);
      }
      img.dispose();
    }
  });

  it('puts pixel (y, x, c) at token (y/P)(W/P) + x/P, entry ((y%P) P + x%P) C + c', async () => {
    const side = 32;
    const P = 4;
    const C = 3;
    const data = new Float32Array(side * side * C);
    const [y, x, c] = [5, 6, 2];
    data[(y * side + x) * C + c] = 1;
    const img = tf.tensor4d(data, [1, side, side, C]);
    const patches = patchify(img, P);
    const flat = (await patches.data()) as Float32Array;
    const token = Math.floor(y / P) * (side / P) + Math.floor(x / P); // 9
    const entry = ((y % P) * P + (x % P)) * C + c; // 20
    expect([token, entry]).toEqual([9, 20]);
    const D = P * P * C;
    expect(flat[token * D + entry]).toBe(1);
    expect(flat.reduce((a, b) => a + b, 0)).toBe(1);
    tf.dispose([img, patches]);
  });
});
