// A dataset decoded into memory: uint8 pixels and labels, train split and test split.
import type { DatasetMeta } from '../engine/protocol';

export interface Split {
  /** uint8 pixels, row-major [count, 28, 28, 1]. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface LoadedDataset {
  meta: DatasetMeta;
  train: Split;
  test: Split;
}
