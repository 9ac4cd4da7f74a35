import { gzipSync } from 'fflate';
import { createTar } from 'nanotar';
import { describe, expect, it } from 'vitest';
import { memoryEntry } from '../../src/data/import/archives';
import { CIFAR_CLASS_NAMES, importCifar10 } from '../../src/data/import/cifar';
import { ImportError, type ImportEntry } from '../../src/data/import/types';
import { decodeAsset } from '../../src/data/format';
import { cifarBatch, cifarValue, fakeCifarFiles, tarGz, FAKE_CLASS_NAMES } from '../fixtures/importFixtures';

const COLOUR_32 = { side: 32, channels: 3 } as const;
const entries = (files: Record<string, Uint8Array>) => Object.entries(files).map(([n, b]) => memoryEntry(n, b));
const archive = (files: Record<string, Uint8Array>, dir?: string): ImportEntry[] => [memoryEntry('cifar-10-binary.tar.gz', tarGz(files, dir))];

async function importError(input: ImportEntry[]): Promise<string> {
  const e = await importCifar10(input, COLOUR_32).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ImportError);
  return (e as Error).message;
}

describe('CIFAR-10 binary import', () => {
  it('reads cifar-10-binary.tar.gz: official split in file order, planar RGB -> channel-last pixels, class names from batches.meta.txt', async () => {
    const { dataset, report, asset } = await importCifar10(archive(fakeCifarFiles()), COLOUR_32);
    const { meta, train, test } = dataset;
    expect(meta).toMatchObject({ height: 32, width: 32, channels: 3, trainCount: 10, testCount: 3, name: 'CIFAR-10', classNames: FAKE_CLASS_NAMES });
    expect(meta.id).toMatch(/^import:cifar-10-[0-9a-f]{8}$/);
    expect([...train.labels]).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect([...test.labels]).toEqual([3, 1, 4]);
    // Record r, pixel p (row-major), channel c lands at [r, y, x, c].
    for (const [r, p] of [[0, 0], [3, 33], [9, 1023]]) {
      for (let c = 0; c < 3; c++) expect(train.images[r * 3072 + p * 3 + c]).toBe(cifarValue(r, c, p));
    }
    expect(test.images[2 * 3072 + 500 * 3 + 1]).toBe(cifarValue(102, 1, 500));
    expect(report).toMatchObject({ kind: 'cifar-10', source: 'cifar-10-binary.tar.gz', skipped: 0, resized: 0 });
    // The stored asset decodes to the same dataset, with the import report in its header.
    const stored = decodeAsset(asset);
    expect(stored.header.imported?.source).toBe('cifar-10-binary.tar.gz');
    expect(stored.train.images).toEqual(train.images);
  });

  it('reads the extracted .bin files to the same dataset (same id); without batches.meta.txt the official names', async () => {
    const fromArchive = await importCifar10(archive(fakeCifarFiles()), COLOUR_32);
    const fromFiles = await importCifar10(entries(fakeCifarFiles()), COLOUR_32);
    expect(fromFiles.dataset.meta.id).toBe(fromArchive.dataset.meta.id);
    const { 'batches.meta.txt': _meta, ...noMeta } = fakeCifarFiles();
    const bare = await importCifar10(entries(noMeta), COLOUR_32);
    expect(bare.dataset.meta.classNames).toEqual(CIFAR_CLASS_NAMES);
    expect(CIFAR_CLASS_NAMES[0]).toBe('airplane');
    expect(CIFAR_CLASS_NAMES[9]).toBe('truck');
  });

  it('side 28 and greyscale: a uniform record stays uniform, grey is luma', async () => {
    const files = fakeCifarFiles();
    const uniform = new Uint8Array(3073);
    uniform[0] = 7;
    uniform.fill(100, 1, 1025);
    uniform.fill(200, 1025, 2049);
    uniform.fill(50, 2049);
    files['test_batch.bin'] = uniform;
    const { dataset, report } = await importCifar10(entries(files), { side: 28, channels: 1 });
    expect(dataset.meta).toMatchObject({ height: 28, width: 28, channels: 1, testCount: 1 });
    expect(dataset.train.images.length).toBe(10 * 28 * 28);
    const luma = Math.round(0.299 * 100 + 0.587 * 200 + 0.114 * 50);
    expect(new Set(dataset.test.images)).toEqual(new Set([luma]));
    expect(report.resized).toBe(11);
    expect(report.warnings.join(' ')).toContain('resampled from 32x32 to 28x28');
  });

  it('a truncated archive: the message names the file and says truncated', async () => {
    const gz = tarGz(fakeCifarFiles());
    expect(await importError([memoryEntry('cifar-10-binary.tar.gz', gz.subarray(0, Math.floor(gz.length / 2)))])).toMatch(/cifar-10-binary\.tar\.gz.*truncated/);
    // Complete gzip around a cut tar: the last batch is short or missing.
    const tar = createTar(Object.entries(fakeCifarFiles()).map(([name, data]) => ({ name, data })));
    const cut = gzipSync(tar.subarray(0, 3 * 3584));
    expect(await importError([memoryEntry('cut.tar.gz', cut)])).toMatch(/cut\.tar\.gz|data_batch|test_batch/);
  });

  it('the python and matlab versions: says to use cifar-10-binary.tar.gz', async () => {
    const py = { data_batch_1: new Uint8Array([0x80, 2, 0x7d]), test_batch: new Uint8Array([0x80, 2]), 'batches.meta': new Uint8Array(3) };
    const pyMsg = await importError([memoryEntry('cifar-10-python.tar.gz', tarGz(py, 'cifar-10-batches-py'))]);
    expect(pyMsg).toContain('cifar-10-python.tar.gz');
    expect(pyMsg).toContain('python');
    expect(pyMsg).toContain('cifar-10-binary.tar.gz');
    const mat = { 'data_batch_1.mat': new Uint8Array(10), 'test_batch.mat': new Uint8Array(10) };
    const matMsg = await importError([memoryEntry('cifar-10-matlab.tar.gz', tarGz(mat, 'cifar-10-batches-mat'))]);
    expect(matMsg).toContain('matlab');
    expect(matMsg).toContain('cifar-10-binary.tar.gz');
  });

  it('bad batches: wrong size, a label above 9, a missing test batch, nothing chosen', async () => {
    const short = { ...fakeCifarFiles(), 'data_batch_2.bin': cifarBatch([1, 2]).subarray(0, 5000) };
    expect(await importError(entries(short))).toMatch(/data_batch_2\.bin has 5,000 bytes, not a multiple of 3073/);
    const badLabel = cifarBatch([1, 2]);
    badLabel[3073] = 42;
    expect(await importError(entries({ ...fakeCifarFiles(), 'data_batch_3.bin': badLabel }))).toMatch(/data_batch_3\.bin: record 1 has label 42/);
    const { 'test_batch.bin': _t, ...noTest } = fakeCifarFiles();
    expect(await importError(entries(noTest))).toContain('test_batch.bin is missing');
    expect(await importError([])).toContain('no files chosen');
    expect(await importError([memoryEntry('notes.txt', new Uint8Array(4))])).toContain('no data_batch_*.bin');
  });
});
