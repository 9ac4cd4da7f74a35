// An image folder (or the files of a zip of one) -> a dataset: the layout from folderLayout.ts,
// every image decoded (injected decoder), centre-cropped and resized to side x side (resample.ts),
// then split. Without train/ and test/ folders the split is seeded and stratified: about 1/6 of
// each class goes to test (largest-remainder quotas, seedrandom Fisher-Yates; src/data/split.ts,
// seed IMPORT_SPLIT_SEED), the same method as the embedded datasets.
import { stratifiedSplit, testQuota, gatherSplit } from '../split';
import type { Split } from '../../types/data';
import { assembleImport } from './assemble';
import { unzip } from './archives';
import { planFolder, sourceName, type PlannedImage } from './folderLayout';
import { FEW_IMAGES_WARNING, IMPORT_SPLIT_SEED, MAX_IMAGE_FILE_BYTES, MAX_IMPORT_BYTES, MAX_IMPORT_CLASSES, MAX_IMPORT_IMAGES, SKIPPED_NAMES_SHOWN, TEST_FRACTION, mb } from './limits';
import { cropAndResample } from './resample';
import { ImportError, throwIfCancelled, type ImageDecoder, type ImportEntry, type ImportOptions, type ImportResult } from './types';

const LAYOUT_HINT = 'put the images in one subfolder per class (cat/001.png, dog/002.jpg), optionally inside train/ and test/';

/** Keeps at most `max` images, the same share of every class (and split), the first ones by path. */
function capImages(images: PlannedImage[], max: number): PlannedImage[] {
  if (images.length <= max) return images;
  const groups = new Map<string, PlannedImage[]>();
  for (const im of images) {
    const key = `${im.split}/${im.label}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(im);
  }
  const lists = [...groups.values()];
  const keep = testQuota(
    lists.map((l) => l.length),
    max,
  );
  return lists.flatMap((l, g) => l.slice(0, keep[g]));
}

interface Decoded {
  labels: number[];
  splits: PlannedImage['split'][];
  pixels: Uint8Array;
  count: number;
  resized: number;
  notSquare: number;
  sizes: { min: [number, number]; max: [number, number] } | null;
  failed: string[];
}

async function decodeAll(images: PlannedImage[], decoder: ImageDecoder, opts: ImportOptions): Promise<Decoded> {
  const px = opts.side * opts.side * opts.channels;
  const out: Decoded = { labels: [], splits: [], pixels: new Uint8Array(images.length * px), count: 0, resized: 0, notSquare: 0, sizes: null, failed: [] };
  for (let i = 0; i < images.length; i++) {
    throwIfCancelled(opts.signal);
    if (i % 8 === 0) await opts.onProgress?.(i, images.length, 'decoding images');
    const { entry, label, split } = images[i];
    if (entry.size > MAX_IMAGE_FILE_BYTES) {
      out.failed.push(`${entry.path} (${mb(entry.size)}, larger than ${mb(MAX_IMAGE_FILE_BYTES)} per image)`);
      continue;
    }
    let img;
    try {
      img = await decoder.decode(await entry.read(), entry.path, opts.side);
      if (img.width < 1 || img.height < 1) throw new Error(`${img.width}x${img.height} pixels`);
    } catch (e) {
      out.failed.push(`${entry.path} (corrupt or unreadable image: ${(e as Error).message})`);
      continue;
    }
    cropAndResample(img, opts.side, opts.channels, out.pixels, out.count * px);
    const { width, height } = img.source ?? img;
    if (width !== opts.side || height !== opts.side) out.resized++;
    if (width !== height) out.notSquare++;
    const area = width * height;
    if (!out.sizes) out.sizes = { min: [width, height], max: [width, height] };
    else if (area < out.sizes.min[0] * out.sizes.min[1]) out.sizes.min = [width, height];
    else if (area > out.sizes.max[0] * out.sizes.max[1]) out.sizes.max = [width, height];
    out.labels.push(label);
    out.splits.push(split);
    out.count++;
  }
  await opts.onProgress?.(images.length, images.length, 'decoding images');
  return out;
}

/** Class indices that kept at least one image, renumbered 0..K-1 in the old order. */
function compactClasses(labels: number[], classNames: string[]): { classNames: string[]; remap: number[] } {
  const present = classNames.map((_, k) => labels.includes(k));
  const remap: number[] = [];
  const kept: string[] = [];
  present.forEach((p, k) => {
    remap[k] = p ? kept.length : -1;
    if (p) kept.push(classNames[k]);
  });
  return { classNames: kept, remap };
}

/**
 * Imports the files of an image folder. `source` names the folder or zip in messages and gives
 * the dataset its name. Throws ImportError (with the folder's name) for every bad input.
 */
export async function importImageFolder(entries: ImportEntry[], source: string, decoder: ImageDecoder, opts: ImportOptions): Promise<ImportResult> {
  const startedAt = performance.now();
  const name = sourceName(source);
  if (entries.length === 0) throw new ImportError(`${source}: the folder is empty; ${LAYOUT_HINT}`);
  const inputBytes = entries.reduce((a, e) => a + e.size, 0);
  const layout = planFolder(entries, decoder);
  const skippedBefore = layout.skipped.length;
  if (layout.images.length === 0) {
    if (layout.looseImages > 0) throw new ImportError(`${source}: no class folders (${layout.looseImages} images lie at the top level); ${LAYOUT_HINT}`);
    const examples = layout.skipped.slice(0, 3).join(', ');
    throw new ImportError(`${source}: no images found (PNG, JPEG${decoder.extensions.includes('webp') ? ', WebP, GIF' : ''}); ${skippedBefore} files skipped${examples ? `: ${examples}` : ''}`);
  }
  if (layout.classNames.length < 2) {
    throw new ImportError(`${source}: only one class folder (${layout.classNames[0]}): the linear probe needs at least two classes; ${LAYOUT_HINT}`);
  }
  if (layout.classNames.length > MAX_IMPORT_CLASSES) throw new ImportError(`${source}: ${layout.classNames.length} class folders; at most ${MAX_IMPORT_CLASSES} are supported`);
  const planned = capImages(layout.images, opts.maxImages ?? MAX_IMPORT_IMAGES);
  const warnings: string[] = [];
  if (planned.length < layout.images.length) {
    warnings.push(`${source} holds ${layout.images.length.toLocaleString('en-US')} images; imported ${planned.length.toLocaleString('en-US')} (the cap), the same share of every class, the first by file name`);
  }
  const plannedBytes = planned.reduce((a, p) => a + p.entry.size, 0);
  const maxBytes = opts.maxBytes ?? MAX_IMPORT_BYTES;
  if (plannedBytes > maxBytes) throw new ImportError(`${source}: the images hold ${mb(plannedBytes)}; the import reads at most ${mb(maxBytes)}`);

  const decoded = await decodeAll(planned, decoder, opts);
  throwIfCancelled(opts.signal);
  const skippedFiles = [...decoded.failed, ...layout.skipped];
  const { classNames, remap } = compactClasses(decoded.labels, layout.classNames);
  const dropped = layout.classNames.filter((c) => !classNames.includes(c));
  if (dropped.length > 0) warnings.push(`class ${dropped.join(', ')}: no readable image, left out`);
  if (classNames.length < 2) {
    throw new ImportError(`${source}: only ${classNames.length === 1 ? `one class (${classNames[0]})` : 'no class'} has readable images: the linear probe needs at least two classes (${decoded.failed.length} corrupt images)`);
  }
  const labels = Uint8Array.from(decoded.labels, (l) => remap[l]);
  const px = opts.side * opts.side * opts.channels;
  const pixels = decoded.pixels.subarray(0, decoded.count * px);

  let train: Split;
  let test: Split;
  let splitMethod: string;
  if (layout.givenSplit) {
    const idx = (s: 'train' | 'test') => decoded.splits.flatMap((v, i) => (v === s ? [i] : []));
    train = gatherSplit(pixels, labels, idx('train'), px);
    test = gatherSplit(pixels, labels, idx('test'), px);
    if (train.count === 0 || test.count === 0) throw new ImportError(`${source}: the ${train.count === 0 ? 'train' : 'test'}/ folder has no readable image`);
    splitMethod = 'given by the train/ and test/ folders';
  } else {
    const testCount = Math.max(1, Math.round(decoded.count * TEST_FRACTION));
    const { train: tr, test: te } = stratifiedSplit(labels, classNames.length, testCount, IMPORT_SPLIT_SEED);
    train = gatherSplit(pixels, labels, tr, px);
    test = gatherSplit(pixels, labels, te, px);
    splitMethod = `stratified by class, ${Math.round(TEST_FRACTION * 100)} % to test (largest-remainder quotas), seedrandom Fisher-Yates over the files sorted by path (src/data/split.ts)`;
  }
  for (const [which, s] of [['train', train], ['test', test]] as const) {
    const counts = classNames.map((_, k) => s.labels.filter((l) => l === k).length);
    const missing = classNames.filter((_, k) => counts[k] === 0);
    if (missing.length > 0) warnings.push(`no ${which} image for class ${missing.join(', ')}`);
  }
  const perClass = classNames.map((_, k) => labels.filter((l) => l === k).length);
  const few = classNames.filter((_, k) => perClass[k] < FEW_IMAGES_WARNING);
  if (few.length > 0) {
    warnings.push(`few images in class ${few.map((c) => `${c} (${perClass[classNames.indexOf(c)]})`).join(', ')}: under ${FEW_IMAGES_WARNING} per class the probe accuracy is mostly noise`);
  }
  if (decoded.resized > 0 && decoded.sizes) {
    const { min, max } = decoded.sizes;
    const range = min[0] === max[0] && min[1] === max[1] ? `${min[0]}x${min[1]}` : `${min[0]}x${min[1]} to ${max[0]}x${max[1]}`;
    const square = decoded.notSquare > 0 ? `, ${decoded.notSquare} not square` : '';
    warnings.push(`${decoded.resized} of ${decoded.count} images were not ${opts.side}x${opts.side} (${range}${square}): centre-cropped to a square and resized`);
  }
  if (decoded.failed.length > 0) warnings.push(`${decoded.failed.length} corrupt or unreadable images skipped, e.g. ${decoded.failed[0]}`);
  if (opts.channels === 1) warnings.push('converted to greyscale (luma 0.299 R + 0.587 G + 0.114 B)');

  return assembleImport({
    name,
    shape: { height: opts.side, width: opts.side, channels: opts.channels },
    classNames,
    train,
    test,
    split: { method: splitMethod, seed: layout.givenSplit ? 'none' : IMPORT_SPLIT_SEED },
    report: {
      kind: 'image-folder',
      source,
      skipped: skippedFiles.length,
      skippedFiles: skippedFiles.slice(0, SKIPPED_NAMES_SHOWN),
      resized: decoded.resized,
      warnings,
      inputBytes,
    },
    startedAt,
  });
}

/** A zip of an image folder (`name` is the zip's file name). */
export async function importImageZip(bytes: Uint8Array, name: string, decoder: ImageDecoder, opts: ImportOptions): Promise<ImportResult> {
  await opts.onProgress?.(0, 1, 'unzipping');
  const entries = unzip(bytes, name);
  if (entries.length === 0) throw new ImportError(`${name}: the zip holds no files; ${LAYOUT_HINT}`);
  return importImageFolder(entries, name, decoder, opts);
}
