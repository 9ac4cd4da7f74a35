// Caps of the importers: one dataset lives in memory (and in IndexedDB) as uint8 pixels.

/** At most this many images per import (100,000 x 32 x 32 x 3 = 307 MB of pixels). */
export const MAX_IMPORT_IMAGES = 100_000;
/** At most this many bytes of input files (an image folder, a zip, a CIFAR-10 archive). */
export const MAX_IMPORT_BYTES = 1024 ** 3;
/** A single image file above this is skipped (decoding it could take the page's memory). */
export const MAX_IMAGE_FILE_BYTES = 50e6;
/** Labels are uint8. */
export const MAX_IMPORT_CLASSES = 256;
/** A class with fewer images than this gets a warning (its probe accuracy is noise). */
export const FEW_IMAGES_WARNING = 10;
/** Without train/ and test/ folders this fraction of the images goes to test, the same share per class. */
export const TEST_FRACTION = 1 / 6;
export const IMPORT_SPLIT_SEED = 'ldae-split/import/v1';
/** How many skipped file names the report lists. */
export const SKIPPED_NAMES_SHOWN = 10;

export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
