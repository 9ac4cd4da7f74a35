// Node only: reads public/data/<id>.gz.bin (building it first when missing).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { isBuiltinDatasetId, type DatasetId } from '../ldae/config';
import { assetFilePath, ensureAsset } from './buildNode';
import { decodeAsset, toLoadedDataset } from './format';
import type { LoadedDataset } from '../types/data';

/** A built-in dataset; an imported one is read from its files (src/data/import/node.ts, the CLI's --data PATH). */
export async function loadDatasetNode(id: DatasetId): Promise<LoadedDataset> {
  if (!isBuiltinDatasetId(id)) throw new Error(`${id} is an imported dataset: give its files with --data PATH`);
  ensureAsset(id);
  const gz = readFileSync(assetFilePath(id));
  const t0 = performance.now();
  const decoded = decodeAsset(new Uint8Array(gunzipSync(gz)));
  return toLoadedDataset(decoded, gz.length, performance.now() - t0);
}
