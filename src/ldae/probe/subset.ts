// Seeded, stratified choice of the labelled images the probes use: the same probe-train
// and probe-test images at every evaluation of a run (and for the baselines).
import type { ImageShape } from '../../types/data';
import type { LabelledImages } from './features';
import { deriveSeed, permutation, rng } from '../random';

export interface ProbeSets {
  train: LabelledImages;
  test: LabelledImages;
  numClasses: number;
  /** The images' shape (the dataset's meta). */
  shape: ImageShape;
}

/**
 * `size` images of `set`, each class in proportion to its share of the set (largest
 * remainder), in a seeded random order. The whole set (shuffled) when size >= count.
 */
export function stratifiedSubset(set: LabelledImages, size: number, seed: number, numClasses: number): LabelledImages {
  const n = Math.min(size, set.count);
  const order = permutation(set.count, rng(seed));
  const classCounts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < set.count; i++) classCounts[set.labels[i]]++;
  const exact = classCounts.map((c) => (c * n) / set.count);
  const quota = exact.map(Math.floor);
  const byRemainder = exact.map((e, c) => ({ c, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.c - b.c);
  for (let i = 0, missing = n - quota.reduce((a, b) => a + b, 0); i < missing; i++) quota[byRemainder[i].c]++;

  const pixelsPerImage = set.images.length / set.count;
  const images = new Uint8Array(n * pixelsPerImage);
  const labels = new Uint8Array(n);
  let taken = 0;
  for (let i = 0; i < set.count && taken < n; i++) {
    const src = order[i];
    const label = set.labels[src];
    if (quota[label] === 0) continue;
    quota[label]--;
    images.set(set.images.subarray(src * pixelsPerImage, (src + 1) * pixelsPerImage), taken * pixelsPerImage);
    labels[taken] = label;
    taken++;
  }
  return { images, labels, count: n };
}

export interface ProbeSplitSizes {
  probeTrainSize: number;
  probeTestSize: number;
  seed: number;
}

/** Probe-train subset of the train split and probe-test subset of the held-out test split; `data.meta` gives the image shape. */
export function selectProbeSets(
  data: { train: LabelledImages; test: LabelledImages; meta: ImageShape },
  sizes: ProbeSplitSizes,
  numClasses = 10,
): ProbeSets {
  return {
    train: stratifiedSubset(data.train, sizes.probeTrainSize, deriveSeed(sizes.seed, 'probe-train'), numClasses),
    test: stratifiedSubset(data.test, sizes.probeTestSize, deriveSeed(sizes.seed, 'probe-test'), numClasses),
    numClasses,
    shape: { height: data.meta.height, width: data.meta.width, channels: data.meta.channels },
  };
}
