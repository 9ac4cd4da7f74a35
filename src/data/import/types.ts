// Plain types of the dataset importers (image folders, CIFAR-10 binary). Shared by the worker
// and the CLI: entries are read lazily, images are decoded by an injected decoder.
import type { ImportReport, LoadedDataset } from '../../types/data';

export type { ImportReport };

/** One file of what the user chose: its path relative to the chosen folder (or archive) and its bytes. */
export interface ImportEntry {
  path: string;
  size: number;
  read(): Promise<Uint8Array>;
}

/** A decoded image: non-premultiplied RGBA, row-major [height, width, 4]. */
export interface DecodedImage {
  width: number;
  height: number;
  rgba: Uint8Array | Uint8ClampedArray;
  /** The file's own size, when the decoder already centre-cropped and shrank it (the browser does for large photos). */
  source?: { width: number; height: number };
}

/** Decodes image bytes; the browser uses createImageBitmap, the CLI pngjs / jpeg-js. */
export interface ImageDecoder {
  /** Lower-case file extensions (no dot) this decoder reads. */
  extensions: readonly string[];
  /** Why an image of another known format is skipped (e.g. WebP in the CLI). */
  unsupportedNote: string;
  /** `side`: the size the image will be resampled to; a decoder may return the centre square shrunk to no less than it. */
  decode(bytes: Uint8Array, path: string, side: number): Promise<DecodedImage>;
}

/** File extensions of images, whether or not the decoder at hand reads them. */
export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp', 'avif', 'tif', 'tiff', 'heic'] as const;

export const IMPORT_SIDES = [28, 32] as const;
export type ImportSide = (typeof IMPORT_SIDES)[number];

export interface ImportOptions {
  side: ImportSide;
  /** 3 = colour (RGB), 1 = greyscale (luma). */
  channels: 1 | 3;
  /** Caps (defaults in limits.ts); tests lower them. */
  maxImages?: number;
  maxBytes?: number;
  /** Called between files; awaiting it lets the caller yield to its event loop. */
  onProgress?: (done: number, total: number, phase: string) => void | Promise<void>;
  signal?: AbortSignal;
}

export interface ImportResult {
  dataset: LoadedDataset;
  report: ImportReport;
  /** The dataset in the asset format (src/data/format.ts); `dataset`'s splits are views into it. */
  asset: Uint8Array;
}

/** Bad input: the message says which file or folder and what to do. */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

/** Thrown when options.signal aborts. */
export class ImportCancelled extends Error {
  constructor() {
    super('import cancelled');
    this.name = 'ImportCancelled';
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ImportCancelled();
}
