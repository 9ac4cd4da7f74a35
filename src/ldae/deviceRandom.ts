// Seeded random numbers generated on the device: RANDOM_KERNEL is a counter-based generator
// (element i of a draw with seed s is a hash of (s, i), so no state is carried between draws and a
// draw is the same wherever and whenever it is made). This file is its contract and the JS
// reference (`counterRandom`, what the kernel must reproduce); a backend provides the kernel by
// registering it (src/backends/webgpuRandom.ts does, for webgpu), and the trainer draws its t and
// eps there whenever it is registered (on wasm and cpu it keeps its seedrandom draws).
//
// RANDOM_KERNEL: no inputs; attrs {shape, seed (an integer), normal (boolean)}. Uniform: u_i =
// (h(s, i) >> 8) 2^-24 in [0, 1). Normal (Box-Muller on a pair of such draws):
// z_i = sqrt(-2 ln(1 - u_{2i})) cos(2 pi u_{2i+1}), with u from h(s, 2i), h(s, 2i + 1).
// h(s, i) = mix(i + mix(s)) over uint32, mix = the "lowbias32" integer hash.
import * as tf from '@tensorflow/tfjs';

export const RANDOM_KERNEL = 'LdaeRandom';

export function hasDeviceRandom(backend: string): boolean {
  return tf.getKernel(RANDOM_KERNEL, backend) !== undefined;
}

/** lowbias32 (Wellons): a uint32 -> uint32 mix with good avalanche. */
export function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

const TWO_POW_M24 = 1 / 16777216;

/** The JS reference of RANDOM_KERNEL: `count` uniform [0, 1) or standard normal numbers. */
export function counterRandom(seed: number, count: number, normal: boolean): Float32Array {
  const base = mix32(seed >>> 0);
  const u = (i: number) => (mix32((i + base) >>> 0) >>> 8) * TWO_POW_M24;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = normal ? Math.sqrt(-2 * Math.log(1 - u(2 * i))) * Math.cos(2 * Math.PI * u(2 * i + 1)) : u(i);
  }
  return out;
}

/** A device draw of `shape` (float32), uniform in [0, 1) or standard normal. */
export function deviceRandom(shape: number[], seed: number, normal: boolean): tf.Tensor {
  return tf.engine().runKernel(RANDOM_KERNEL, {}, { shape, seed: seed >>> 0, normal } as unknown as tf.NamedAttrMap) as tf.Tensor;
}
