// The end of every import: the splits become one asset (src/data/format.ts, the format the
// browser stores in IndexedDB) and the LoadedDataset is decoded from it without copying.
import { ASSET_FORMAT_VERSION, decodeAsset, encodeAsset, toLoadedDataset, type AssetHeader } from '../format';
import type { ImportedDatasetId } from '../../ldae/config';
import type { ImageShape, Split } from '../../types/data';
import type { ImportReport, ImportResult } from './types';

/** [a-z0-9-]+ from a name: lower case, runs of anything else become one dash; "dataset" when nothing is left. */
function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return slug || 'dataset';
}

/** 32-bit FNV-1a over the arrays in order, with their lengths: 8 hex digits. */
function fingerprint(parts: Uint8Array[]): string {
  let h = 0x811c9dc5;
  for (const bytes of parts) {
    for (let s = 0; s < 32; s += 8) h = Math.imul(h ^ ((bytes.length >>> s) & 0xff), 0x01000193);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * `import:<slug of the name>-<8 hex digits of the shape, pixels and labels>`. The content part
 * keeps two imports of the same name apart (another side, colour, more images): the tokenizer and
 * baseline caches are keyed by the dataset id.
 */
export function importedDatasetId(name: string, shape: ImageShape, train: Split, test: Split): ImportedDatasetId {
  const dims = Uint8Array.from([shape.height, shape.width, shape.channels]);
  return `import:${slugify(name)}-${fingerprint([dims, train.labels, test.labels, train.images, test.images])}`;
}

export interface AssembleInput {
  name: string;
  shape: ImageShape;
  classNames: string[];
  train: Split;
  test: Split;
  split: AssetHeader['split'];
  report: Omit<ImportReport, 'importMs'>;
  startedAt: number;
}

export function assembleImport(input: AssembleInput): ImportResult {
  const { name, shape, classNames, train, test } = input;
  const report: ImportReport = { ...input.report, importMs: performance.now() - input.startedAt };
  const header: AssetHeader = {
    formatVersion: ASSET_FORMAT_VERSION,
    id: importedDatasetId(name, shape, train, test),
    name,
    ...shape,
    classNames,
    trainCount: train.count,
    testCount: test.count,
    imported: report,
    split: input.split,
    source: { package: report.kind === 'cifar-10' ? 'CIFAR-10 binary version (imported)' : 'image folder (imported)', version: 'import-v1' },
  };
  const asset = encodeAsset(header, train, test);
  const dataset = toLoadedDataset(decodeAsset(asset), report.inputBytes, report.importMs);
  return { dataset, asset, report };
}
