// CIFAR-10, the "CIFAR-10 binary version": cifar-10-binary.tar.gz (or the extracted
// data_batch_1..5.bin, test_batch.bin and batches.meta.txt). Each record is 1 label byte and
// 3072 pixel bytes: the 1024 red, then green, then blue values of a 32x32 image, row-major.
// Kept as the official split (50,000 train / 10,000 test), in file order.
import { assembleImport } from './assemble';
import { baseName, extension, gunzip, isGzip, isTar, untar } from './archives';
import { MAX_IMPORT_BYTES, mb } from './limits';
import { cropAndResample } from './resample';
import { ImportError, throwIfCancelled, type ImportEntry, type ImportOptions, type ImportResult } from './types';
import type { Split } from '../../types/data';

const CIFAR_SIDE = 32;
const CIFAR_PIXELS = CIFAR_SIDE * CIFAR_SIDE * 3;
export const CIFAR_RECORD = 1 + CIFAR_PIXELS;
export const CIFAR_CLASS_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const USE_BINARY = "use cifar-10-binary.tar.gz, the 'CIFAR-10 binary version'";
const TRAIN_BATCH = /^data_batch_(\d+)\.bin$/;
const TEST_BATCH = 'test_batch.bin';

/** The archive's files, or the loose files as given. */
async function cifarFiles(entries: ImportEntry[], maxBytes: number): Promise<{ files: ImportEntry[]; inputBytes: number; source: string }> {
  const inputBytes = entries.reduce((a, e) => a + e.size, 0);
  if (inputBytes > maxBytes) throw new ImportError(`the chosen files hold ${mb(inputBytes)}; the import reads at most ${mb(maxBytes)}`);
  const archives = entries.filter((e) => ['tar.gz', 'tgz', 'tar', 'gz'].includes(extension(e.path)));
  if (archives.length === 0) return { files: entries, inputBytes, source: entries.length === 1 ? baseName(entries[0].path) : `${entries.length} files` };
  if (entries.length > 1) throw new ImportError(`choose either one archive (${baseName(archives[0].path)}) or the .bin files, not both`);
  const name = baseName(archives[0].path);
  let bytes = await archives[0].read();
  if (isGzip(bytes)) bytes = gunzip(bytes, name);
  if (!isTar(bytes)) throw new ImportError(`${name}: not a tar archive after gunzip; ${USE_BINARY}`);
  return { files: untar(bytes, name), inputBytes, source: name };
}

/** Says which other CIFAR layout the files are, or null. */
function otherLayout(files: ImportEntry[]): string | null {
  const names = files.map((f) => baseName(f.path));
  if (names.some((n) => /^(data_batch_\d|test_batch)$/.test(n)) || files.some((f) => f.path.includes('cifar-10-batches-py'))) {
    return `these are the CIFAR-10 python version's pickled batches (data_batch_1 without .bin): ${USE_BINARY}`;
  }
  if (names.some((n) => n.toLowerCase().endsWith('.mat'))) return `these are the CIFAR-10 matlab version's .mat files: ${USE_BINARY}`;
  if (names.includes('train.bin') && names.includes('test.bin')) return `train.bin / test.bin is the CIFAR-100 layout; only CIFAR-10 is read here: ${USE_BINARY}`;
  return null;
}

function classNamesFrom(meta: Uint8Array | null, warnings: string[]): string[] {
  if (!meta) return CIFAR_CLASS_NAMES;
  const lines = new TextDecoder().decode(meta).split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length < 10) {
    warnings.push(`batches.meta.txt lists ${lines.length} class names, not 10: using the official names`);
    return CIFAR_CLASS_NAMES;
  }
  return lines.slice(0, 10);
}

function checkBatch(name: string, bytes: Uint8Array): number {
  if (bytes.length === 0 || bytes.length % CIFAR_RECORD !== 0) {
    throw new ImportError(`${name} has ${bytes.length.toLocaleString('en-US')} bytes, not a multiple of ${CIFAR_RECORD} (1 label byte + 3072 pixel bytes): truncated, or not the CIFAR-10 binary version; ${USE_BINARY}`);
  }
  const n = bytes.length / CIFAR_RECORD;
  for (let r = 0; r < n; r++) {
    const label = bytes[r * CIFAR_RECORD];
    if (label > 9) throw new ImportError(`${name}: record ${r} has label ${label}, CIFAR-10 labels are 0..9 (CIFAR-100 binary has two label bytes); ${USE_BINARY}`);
  }
  return n;
}

/** Records (planar RGB 32x32) -> our split at the chosen side and channels. */
function convertBatches(batches: Uint8Array[], opts: ImportOptions): Split {
  const count = batches.reduce((a, b) => a + b.length / CIFAR_RECORD, 0);
  const px = opts.side * opts.side * opts.channels;
  const split: Split = { count, labels: new Uint8Array(count), images: new Uint8Array(count * px) };
  const direct = opts.side === CIFAR_SIDE && opts.channels === 3;
  const rgba = direct ? null : new Uint8Array(CIFAR_SIDE * CIFAR_SIDE * 4);
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  let i = 0;
  for (const batch of batches) {
    for (let r = 0; r * CIFAR_RECORD < batch.length; r++, i++) {
      const at = r * CIFAR_RECORD;
      split.labels[i] = batch[at];
      const R = at + 1;
      if (direct) {
        const out = split.images;
        let o = i * px;
        for (let p = 0; p < plane; p++) {
          out[o++] = batch[R + p];
          out[o++] = batch[R + plane + p];
          out[o++] = batch[R + 2 * plane + p];
        }
      } else {
        for (let p = 0; p < plane; p++) {
          rgba![p * 4] = batch[R + p];
          rgba![p * 4 + 1] = batch[R + plane + p];
          rgba![p * 4 + 2] = batch[R + 2 * plane + p];
          rgba![p * 4 + 3] = 255;
        }
        cropAndResample({ width: CIFAR_SIDE, height: CIFAR_SIDE, rgba: rgba! }, opts.side, opts.channels, split.images, i * px);
      }
    }
  }
  return split;
}

export async function importCifar10(entries: ImportEntry[], opts: ImportOptions): Promise<ImportResult> {
  const startedAt = performance.now();
  if (entries.length === 0) throw new ImportError('no files chosen: choose cifar-10-binary.tar.gz or its data_batch_*.bin and test_batch.bin');
  await opts.onProgress?.(0, 3, 'reading the archive');
  const { files, inputBytes, source } = await cifarFiles(entries, opts.maxBytes ?? MAX_IMPORT_BYTES);
  throwIfCancelled(opts.signal);
  const byName = new Map(files.map((f) => [baseName(f.path), f]));
  const trainNames = [...byName.keys()].filter((n) => TRAIN_BATCH.test(n)).sort((a, b) => Number(TRAIN_BATCH.exec(a)![1]) - Number(TRAIN_BATCH.exec(b)![1]));
  const test = byName.get(TEST_BATCH);
  if (trainNames.length === 0 && !test) throw new ImportError(`${source}: ${otherLayout(files) ?? `no data_batch_*.bin or test_batch.bin in it; ${USE_BINARY}`}`);
  if (trainNames.length === 0) throw new ImportError(`${source}: no training batch (data_batch_1.bin ... data_batch_5.bin)`);
  if (!test) throw new ImportError(`${source}: test_batch.bin is missing (the test split)`);
  const warnings: string[] = [];
  if (trainNames.length < 5) warnings.push(`${trainNames.length} of the 5 training batches (${trainNames.join(', ')})`);
  const known = new Set([...trainNames, TEST_BATCH, 'batches.meta.txt', 'readme.html']);
  const ignored = [...byName.keys()].filter((n) => !known.has(n));

  await opts.onProgress?.(1, 3, 'checking the batches');
  const trainBytes: Uint8Array[] = [];
  for (const n of trainNames) {
    const bytes = await byName.get(n)!.read();
    checkBatch(n, bytes);
    trainBytes.push(bytes);
  }
  const testBytes = await test.read();
  checkBatch(TEST_BATCH, testBytes);
  const meta = byName.get('batches.meta.txt');
  const classNames = classNamesFrom(meta ? await meta.read() : null, warnings);
  throwIfCancelled(opts.signal);

  await opts.onProgress?.(2, 3, 'converting');
  const train = convertBatches(trainBytes, opts);
  const testSplit = convertBatches([testBytes], opts);
  if (opts.side !== CIFAR_SIDE) warnings.push(`resampled from 32x32 to ${opts.side}x${opts.side}`);
  if (opts.channels === 1) warnings.push('converted to greyscale (luma 0.299 R + 0.587 G + 0.114 B)');
  const result = assembleImport({
    name: 'CIFAR-10',
    shape: { height: opts.side, width: opts.side, channels: opts.channels },
    classNames,
    train,
    test: testSplit,
    split: { method: 'the official CIFAR-10 split: data_batch_1..5 train, test_batch test, in file order', seed: 'none' },
    report: {
      kind: 'cifar-10',
      source,
      skipped: ignored.length,
      skippedFiles: ignored.slice(0, 10).map((n) => `${n} (not a CIFAR-10 batch)`),
      resized: opts.side === CIFAR_SIDE ? 0 : train.count + testSplit.count,
      warnings,
      inputBytes,
    },
    startedAt,
  });
  await opts.onProgress?.(3, 3, 'done');
  return result;
}
