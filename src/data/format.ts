// The binary dataset asset (before gzip), shared by the build script and both loaders.
//
//   bytes 0..3   magic "LDAE"
//   bytes 4..7   uint32 little-endian: length H of the JSON header
//   H bytes      UTF-8 JSON AssetHeader
//   N bytes      uint8 labels, train split then test split (N = trainCount + testCount)
//   N*h*w*c      uint8 pixels [N, h, w, c], train split then test split
import type { DatasetMeta } from '../types/data';
import type { LoadedDataset, Split } from '../types/data';

const ASSET_MAGIC = 'LDAE';
export const ASSET_FORMAT_VERSION = 1;

/** The dataset's description (DatasetMeta without how it arrived) plus provenance. */
export interface AssetHeader extends Omit<DatasetMeta, 'transferBytes' | 'decodeMs'> {
  formatVersion: number;
  /** How the split was made, for people reading the asset. */
  split: { method: string; seed: string };
  source: { package: string; version: string };
}

export interface DecodedAsset {
  header: AssetHeader;
  train: Split;
  test: Split;
}

function pixelsPerImage(h: Pick<AssetHeader, 'height' | 'width' | 'channels'>): number {
  return h.height * h.width * h.channels;
}

export function encodeAsset(header: AssetHeader, train: Split, test: Split): Uint8Array {
  if (train.count !== header.trainCount || test.count !== header.testCount) {
    throw new Error(`split sizes ${train.count}/${test.count} do not match header ${header.trainCount}/${header.testCount}`);
  }
  const px = pixelsPerImage(header);
  for (const [name, s] of [['train', train], ['test', test]] as const) {
    if (s.labels.length !== s.count || s.images.length !== s.count * px) {
      throw new Error(`${name} split has ${s.labels.length} labels and ${s.images.length} pixels for ${s.count} images`);
    }
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const n = train.count + test.count;
  const out = new Uint8Array(8 + json.length + n + n * px);
  out.set(new TextEncoder().encode(ASSET_MAGIC), 0);
  new DataView(out.buffer).setUint32(4, json.length, true);
  let o = 8;
  out.set(json, o);
  o += json.length;
  out.set(train.labels, o);
  out.set(test.labels, o + train.count);
  o += n;
  out.set(train.images, o);
  out.set(test.images, o + train.count * px);
  return out;
}

/** True when the bytes start with the asset magic (i.e. are already un-gzipped). */
export function hasAssetMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]) === ASSET_MAGIC;
}

/** Decodes without copying: the splits are views into `bytes`. */
export function decodeAsset(bytes: Uint8Array): DecodedAsset {
  if (!hasAssetMagic(bytes)) throw new Error('not a dataset asset (bad magic bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + jsonLength))) as AssetHeader;
  if (header.formatVersion !== ASSET_FORMAT_VERSION) {
    throw new Error(`dataset asset format ${header.formatVersion}, expected ${ASSET_FORMAT_VERSION}; rebuild with npm run prepare-data`);
  }
  const px = pixelsPerImage(header);
  const { trainCount, testCount } = header;
  const n = trainCount + testCount;
  const labelsAt = 8 + jsonLength;
  const pixelsAt = labelsAt + n;
  const expected = pixelsAt + n * px;
  if (bytes.length !== expected) throw new Error(`dataset asset has ${bytes.length} bytes, expected ${expected} (truncated?)`);
  return {
    header,
    train: {
      count: trainCount,
      labels: bytes.subarray(labelsAt, labelsAt + trainCount),
      images: bytes.subarray(pixelsAt, pixelsAt + trainCount * px),
    },
    test: {
      count: testCount,
      labels: bytes.subarray(labelsAt + trainCount, labelsAt + n),
      images: bytes.subarray(pixelsAt + trainCount * px, expected),
    },
  };
}

/** A decoded asset as the engine sees it, with how it arrived (bytes on the wire, decode time). */
export function toLoadedDataset({ header, train, test }: DecodedAsset, transferBytes: number, decodeMs: number): LoadedDataset {
  const { id, name, height, width, channels, classNames, trainCount, testCount, imported } = header;
  const meta = { id, name, height, width, channels, classNames, trainCount, testCount, transferBytes, decodeMs };
  return { meta: imported ? { ...meta, imported } : meta, train, test };
}
