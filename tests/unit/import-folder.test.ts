import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { memoryEntry } from '../../src/data/import/archives';
import { importImageFolder, importImageZip } from '../../src/data/import/folder';
import { nodeImageDecoder } from '../../src/data/import/nodeDecoder';
import { cropAndResample } from '../../src/data/import/resample';
import { ImportCancelled, ImportError, type ImportEntry, type ImportOptions } from '../../src/data/import/types';
import { CLASS_COLOURS, colourFolder, jpegBytes, pngBytes, rgbaImage, solid, type Rgb } from '../fixtures/importFixtures';

const COLOUR_32: ImportOptions = { side: 32, channels: 3 };
const run = (entries: ImportEntry[], opts: ImportOptions = COLOUR_32, source = 'pets') => importImageFolder(entries, source, nodeImageDecoder, opts);

async function importError(entries: ImportEntry[], source = 'pets'): Promise<string> {
  const e = await run(entries, COLOUR_32, source).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ImportError);
  return (e as Error).message;
}

/** The colour of every image of a split, checked to be uniform. */
function imageColours(split: { images: Uint8Array; count: number }, px: number): Rgb[] {
  return Array.from({ length: split.count }, (_, i) => {
    const im = split.images.subarray(i * px, (i + 1) * px);
    const c: Rgb = [im[0], im[1], im[2]];
    for (let p = 0; p < px; p += 3) expect([im[p], im[p + 1], im[p + 2]]).toEqual(c);
    return c;
  });
}

describe('image folder import', () => {
  it('one subfolder per class: classes sorted, exact pixels, seeded stratified split (about 1/6 of each class to test), same id twice', async () => {
    const entries = colourFolder(12);
    const { dataset, report } = await run(entries);
    const { meta, train, test } = dataset;
    expect(meta).toMatchObject({ name: 'pets', classNames: ['cats', 'dogs', 'owls'], height: 32, width: 32, channels: 3, trainCount: 30, testCount: 6 });
    expect(meta.id).toMatch(/^import:pets-[0-9a-f]{8}$/);
    for (const s of [train, test]) {
      imageColours(s, 3072).forEach((c, i) => expect(c).toEqual(CLASS_COLOURS[meta.classNames[s.labels[i]]]));
    }
    expect([0, 1, 2].map((k) => test.labels.filter((l) => l === k).length)).toEqual([2, 2, 2]);
    expect(report).toMatchObject({ kind: 'image-folder', source: 'pets', skipped: 0, resized: 0 });
    const again = await run([...entries].reverse());
    expect(again.dataset.meta.id).toBe(meta.id);
    expect([...again.dataset.test.labels]).toEqual([...test.labels]);
  });

  it('train/ and test/ folders give the split; JPEG decodes too', async () => {
    const entries = [
      ...['cats', 'dogs'].flatMap((c) => [0, 1, 2].map((i) => memoryEntry(`data/train/${c}/${i}.png`, pngBytes(32, 32, solid(CLASS_COLOURS[c]))))),
      memoryEntry('data/test/cats/9.jpg', jpegBytes(32, 32, solid(CLASS_COLOURS.cats))),
      memoryEntry('data/test/dogs/9.png', pngBytes(32, 32, solid(CLASS_COLOURS.dogs))),
    ];
    const { dataset } = await run(entries, COLOUR_32, 'data');
    expect(dataset.meta).toMatchObject({ trainCount: 6, testCount: 2, classNames: ['cats', 'dogs'] });
    const jpegAt = [...dataset.test.labels].indexOf(0);
    const jpegPixel = [...dataset.test.images.subarray(jpegAt * 3072, jpegAt * 3072 + 3)];
    jpegPixel.forEach((v, c) => expect(Math.abs(v - CLASS_COLOURS.cats[c])).toBeLessThanOrEqual(4));
  });

  it('non-image, hidden and corrupt files are skipped, counted and named; few images per class warn', async () => {
    const entries = [
      ...colourFolder(4),
      memoryEntry('pets/readme.txt', new TextEncoder().encode('hello')),
      memoryEntry('pets/cats/.DS_Store', new Uint8Array(8)),
      memoryEntry('pets/dogs/broken.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])),
      memoryEntry('pets/owls/notes.webp', new Uint8Array(8)),
    ];
    const { dataset, report } = await run(entries);
    expect(dataset.meta.trainCount + dataset.meta.testCount).toBe(12);
    expect(report.skipped).toBe(4);
    const skipped = report.skippedFiles.join('\n');
    expect(skipped).toContain('pets/readme.txt (not an image: .txt)');
    expect(skipped).toContain('pets/cats/.DS_Store (hidden or system file)');
    expect(skipped).toMatch(/pets\/dogs\/broken\.png \(corrupt or unreadable image/);
    expect(skipped).toContain('pets/owls/notes.webp (the CLI reads PNG and JPEG');
    const warnings = report.warnings.join('\n');
    expect(warnings).toContain('1 corrupt or unreadable images skipped, e.g. pets/dogs/broken.png');
    expect(warnings).toMatch(/few images in class cats \(4\), dogs \(4\), owls \(4\)/);
  });

  it('mixed sizes are centre-cropped and resized, and the report says so', async () => {
    // 60x20: left third red, middle green, right blue: the centre square is the green one.
    const wide = pngBytes(60, 20, (x) => (x < 20 ? [255, 0, 0] : x < 40 ? [0, 255, 0] : [0, 0, 255]));
    const entries = [...colourFolder(3), memoryEntry('pets/cats/wide.png', wide), memoryEntry('pets/dogs/small.png', pngBytes(8, 8, solid(CLASS_COLOURS.dogs)))];
    const { dataset, report } = await run(entries);
    expect(report.resized).toBe(2);
    expect(report.warnings.join('\n')).toContain('2 of 11 images were not 32x32 (8x8 to 60x20, 1 not square): centre-cropped to a square and resized');
    const all = [...imageColours(dataset.train, 3072), ...imageColours(dataset.test, 3072)].map((c) => c.join(','));
    expect(all).toContain('0,255,0');
    expect(all).not.toContain('255,0,0');
  });

  it('greyscale 28x28: luma of the colour', async () => {
    const { dataset } = await run(colourFolder(3, 40), { side: 28, channels: 1 });
    expect(dataset.meta).toMatchObject({ height: 28, width: 28, channels: 1 });
    expect(dataset.train.images.length).toBe(dataset.train.count * 784);
    const [r, g, b] = CLASS_COLOURS[dataset.meta.classNames[dataset.train.labels[0]]];
    expect(dataset.train.images[0]).toBe(Math.round(0.299 * r + 0.587 * g + 0.114 * b));
  });

  it('bad folders: empty, only non-images, no class folders, a single class, only one class readable', async () => {
    expect(await importError([], 'holiday')).toBe('holiday: the folder is empty; put the images in one subfolder per class (cat/001.png, dog/002.jpg), optionally inside train/ and test/');
    expect(await importError([memoryEntry('a.txt', new Uint8Array(1)), memoryEntry('b.csv', new Uint8Array(1))])).toMatch(/^pets: no images found \(PNG, JPEG\); 2 files skipped: a\.txt/);
    expect(await importError([memoryEntry('1.png', pngBytes(4, 4, solid([1, 2, 3]))), memoryEntry('2.png', pngBytes(4, 4, solid([1, 2, 3])))])).toMatch(/^pets: no class folders \(2 images lie at the top level\)/);
    expect(await importError(colourFolder(3, 32, 'pets', ['cats']))).toMatch(/^pets: only one class folder \(cats\): the linear probe needs at least two classes/);
    const oneReadable = [...colourFolder(3, 32, 'pets', ['cats']), memoryEntry('pets/dogs/x.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47]))];
    expect(await importError(oneReadable)).toMatch(/only one class \(cats\) has readable images/);
  });

  it('a huge folder is capped: the same share of every class, with a message', async () => {
    const { dataset, report } = await run(colourFolder(6), { ...COLOUR_32, maxImages: 9 });
    const labels = [...dataset.train.labels, ...dataset.test.labels];
    expect(labels.length).toBe(9);
    expect([0, 1, 2].map((k) => labels.filter((l) => l === k).length)).toEqual([3, 3, 3]);
    expect(report.warnings.join('\n')).toContain('pets holds 18 images; imported 9 (the cap)');
  });

  it('cancel: an aborted signal stops the import', async () => {
    const controller = new AbortController();
    const opts: ImportOptions = { ...COLOUR_32, onProgress: (done) => (done >= 8 ? controller.abort() : undefined), signal: controller.signal };
    await expect(run(colourFolder(6), opts)).rejects.toBeInstanceOf(ImportCancelled);
  });

  it('a zip of a folder imports like the folder; a zip without class folders or a corrupt zip says so', async () => {
    const folder = colourFolder(6);
    const files = Object.fromEntries(await Promise.all(folder.map(async (e) => [e.path, await e.read()] as const)));
    const zipped = await importImageZip(zipSync(files), 'pets.zip', nodeImageDecoder, COLOUR_32);
    const direct = await run(folder);
    expect(zipped.dataset.meta.name).toBe('pets');
    expect(zipped.dataset.meta.id).toBe(direct.dataset.meta.id);
    expect(zipped.report.source).toBe('pets.zip');
    const flat = zipSync({ '1.png': pngBytes(4, 4, solid([9, 9, 9])), '2.png': pngBytes(4, 4, solid([9, 9, 9])) });
    await expect(importImageZip(flat, 'flat.zip', nodeImageDecoder, COLOUR_32)).rejects.toThrow(/^flat\.zip: no class folders/);
    await expect(importImageZip(zipSync(files).subarray(0, 200), 'cut.zip', nodeImageDecoder, COLOUR_32)).rejects.toThrow(/^cut\.zip: not a readable zip file/);
  });
});

describe('centre crop and resample', () => {
  it('halving averages each 2x2 block; transparent pixels are composited over white', () => {
    const img = { width: 64, height: 64, rgba: rgbaImage(64, 64, (x, y) => { const v = ((x % 2) + 2 * (y % 2)) * 60; return [v, v, v]; }) };
    const out = new Uint8Array(32 * 32 * 3);
    cropAndResample(img, 32, 3, out, 0);
    expect(new Set(out)).toEqual(new Set([90]));
    const clear = { width: 2, height: 2, rgba: rgbaImage(2, 2, () => [0, 0, 0, 0]) };
    const white = new Uint8Array(2 * 2);
    cropAndResample(clear, 2, 1, white, 0);
    expect([...white]).toEqual([255, 255, 255, 255]);
  });
});
