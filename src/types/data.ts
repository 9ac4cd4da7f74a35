// Plain data the data layer and the core produce: dataset descriptions and image batches.
// No tensors, no classes: these cross the worker boundary as they are.
import type { DatasetId } from '../ldae/config';

/** The shape of every image of a dataset: [height, width, channels] (channel last, uint8 / float). */
export interface ImageShape {
  height: number;
  width: number;
  /** 1 (grey) or 3 (RGB). */
  channels: number;
}

/** How an imported dataset was made from the user's files (src/data/import). */
export interface ImportReport {
  kind: 'image-folder' | 'cifar-10';
  /** The folder, zip or archive the images came from (its name, no directories). */
  source: string;
  /** Files left out: not images, unreadable or corrupt images, outside a class folder. */
  skipped: number;
  /** The first few of them, each with why. */
  skippedFiles: string[];
  /** Images whose size was not side x side (centre-cropped to a square and resampled). */
  resized: number;
  /** Everything the user should know: few images in a class, mixed sizes, the cap, ... */
  warnings: string[];
  /** Bytes of the chosen files and wall time of the import. */
  inputBytes: number;
  importMs: number;
}

export interface DatasetMeta extends ImageShape {
  id: DatasetId;
  name: string;
  classNames: string[];
  trainCount: number;
  testCount: number;
  /** Bytes transferred for the asset and time to decode it after arrival. */
  transferBytes: number;
  decodeMs: number;
  /** Only for imported datasets: how the import went. */
  imported?: ImportReport;
}

/** A small grid of images for display: uint8 pixels, row-major [count, height, width, channels]. */
export interface ImageGrid {
  count: number;
  height: number;
  width: number;
  channels: number;
  pixels: Uint8Array;
  labels: number[];
}

/** A float image batch for visualisation, values roughly in [0, 1], layout [count, height, width, channels]. */
export interface FloatImages {
  count: number;
  height: number;
  width: number;
  channels: number;
  data: Float32Array;
}

export interface Split {
  /** uint8 pixels, row-major [count, height, width, channels]. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface LoadedDataset {
  meta: DatasetMeta;
  train: Split;
  test: Split;
}

/** An imported dataset as the browser stores it (IndexedDB): what the selector and the list show. */
export interface StoredDatasetInfo extends ImageShape {
  id: DatasetId;
  name: string;
  classNames: string[];
  trainCount: number;
  testCount: number;
  /** Bytes of the stored asset (uint8 pixels, labels, header). */
  bytes: number;
  /** Date.now() at import. */
  importedAt: number;
  imported: ImportReport;
}

/** Storage the imported datasets take and the origin's usage / quota (navigator.storage.estimate, when the browser has it). */
export interface StorageUse {
  datasetBytes: number;
  usedBytes: number | null;
  quotaBytes: number | null;
}
