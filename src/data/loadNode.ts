// Node only: reads public/data/<id>.bin.gz (building it first when missing).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { DatasetId } from '../ldae/config';
import { assetFilePath, ensureAsset } from './buildNode';
import { decodeAsset } from './format';
import type { LoadedDataset } from './types';

export async function loadDatasetNode(id: DatasetId): Promise<LoadedDataset> {
  ensureAsset(id);
  const gz = readFileSync(assetFilePath(id));
  const t0 = performance.now();
  const { header, train, test } = decodeAsset(new Uint8Array(gunzipSync(gz)));
  const decodeMs = performance.now() - t0;
  return {
    meta: {
      id: header.id,
      name: header.name,
      height: header.height,
      width: header.width,
      channels: header.channels,
      classNames: header.classNames,
      trainCount: header.trainCount,
      testCount: header.testCount,
      transferBytes: gz.length,
      decodeMs,
    },
    train,
    test,
  };
}
