// Seeded stratified train/test split and sample picking; pure functions over labels.
import seedrandom from 'seedrandom';
import type { ImageGrid } from '../types/data';
import type { Split } from '../types/data';

/** Fisher-Yates shuffle of `items` in place with a seeded generator. */
function shuffleInPlace(items: number[], rng: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

/**
 * Test images per class proportional to class size, rounded by largest remainder so the
 * total is exactly `testCount` (ties go to the lower class index).
 */
export function testQuota(classCounts: number[], testCount: number): number[] {
  const total = classCounts.reduce((a, b) => a + b, 0);
  const exact = classCounts.map((c) => (c * testCount) / total);
  const quota = exact.map(Math.floor);
  const order = exact.map((e, k) => ({ k, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.k - b.k);
  let missing = testCount - quota.reduce((a, b) => a + b, 0);
  for (const { k } of order) {
    if (missing <= 0) break;
    quota[k]++;
    missing--;
  }
  return quota;
}

/**
 * Stratified split: per class, shuffle that class's indices with seedrandom(`${seed}/class/${k}`)
 * and send the first quota[k] to test; then shuffle each split with seedrandom(`${seed}/train`)
 * and seedrandom(`${seed}/test`) so batches sliced in order mix the classes.
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  numClasses: number,
  testCount: number,
  seed: string,
): { train: number[]; test: number[] } {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const quota = testQuota(byClass.map((c) => c.length), testCount);
  const train: number[] = [];
  const test: number[] = [];
  byClass.forEach((indices, k) => {
    shuffleInPlace(indices, seedrandom(`${seed}/class/${k}`));
    test.push(...indices.slice(0, quota[k]));
    train.push(...indices.slice(quota[k]));
  });
  shuffleInPlace(train, seedrandom(`${seed}/train`));
  shuffleInPlace(test, seedrandom(`${seed}/test`));
  return { train, test };
}

/** Gathers the images and labels at `indices` into a new split. */
export function gatherSplit(images: Uint8Array, labels: Uint8Array, indices: number[], pixelsPerImage: number): Split {
  const out: Split = {
    count: indices.length,
    labels: new Uint8Array(indices.length),
    images: new Uint8Array(indices.length * pixelsPerImage),
  };
  indices.forEach((src, dst) => {
    out.labels[dst] = labels[src];
    out.images.set(images.subarray(src * pixelsPerImage, (src + 1) * pixelsPerImage), dst * pixelsPerImage);
  });
  return out;
}

/** The first `perClass` images of every class in `split`, grouped by class (a display grid). */
export function sampleGrid(
  split: Split,
  shape: { height: number; width: number; channels: number },
  numClasses: number,
  perClass: number,
): ImageGrid {
  const px = shape.height * shape.width * shape.channels;
  const picked: number[] = [];
  for (let k = 0; k < numClasses; k++) {
    for (let i = 0, found = 0; i < split.count && found < perClass; i++) {
      if (split.labels[i] === k) {
        picked.push(i);
        found++;
      }
    }
  }
  const pixels = new Uint8Array(picked.length * px);
  picked.forEach((src, dst) => pixels.set(split.images.subarray(src * px, (src + 1) * px), dst * px));
  return { count: picked.length, ...shape, pixels, labels: picked.map((i) => split.labels[i]) };
}
