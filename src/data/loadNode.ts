// Node only: reads public/data/<id>.gz.bin (building it first when missing).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { DatasetId } from '../ldae/config';
import { assetFilePath, ensureAsset } from './buildNode';
import { decodeAsset, toLoadedDataset } from './format';
import type { LoadedDataset } from '../types/data';

export async function loadDatasetNode(id: DatasetId): Promise<LoadedDataset> {
  ensureAsset(id);
  const gz = readFileSync(assetFilePath(id));
  const t0 = performance.now();
  const decoded = decodeAsset(new Uint8Array(gunzipSync(gz)));
  return toLoadedDataset(decoded, gz.length, performance.now() - t0);
}
