// Worker (or page): image bytes -> RGBA with createImageBitmap and an OffscreenCanvas, so every
// format the browser reads works (PNG, JPEG, WebP, GIF's first frame, BMP, AVIF). A photo much
// larger than the target is centre-cropped and shrunk by the browser first (to SHRINK_TO x side);
// the box filter in src/data/import/resample.ts makes the final pixels either way.
import type { DecodedImage, ImageDecoder } from '../../data/import/types';

/** Images whose short side exceeds this many times the target side are pre-shrunk to it. */
const SHRINK_TO = 4;

function pixelsOf(bitmap: ImageBitmap): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas context in this browser');
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
}

async function decode(bytes: Uint8Array, _path: string, side: number): Promise<DecodedImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), { premultiplyAlpha: 'none' });
  } catch (e) {
    throw new Error(`the browser cannot decode it (${e instanceof Error ? e.message : String(e)})`);
  }
  const { width, height } = bitmap;
  const short = Math.min(width, height);
  try {
    if (short <= SHRINK_TO * side) return { width, height, rgba: pixelsOf(bitmap) };
    const target = SHRINK_TO * side;
    const square = await createImageBitmap(bitmap, Math.floor((width - short) / 2), Math.floor((height - short) / 2), short, short, {
      resizeWidth: target,
      resizeHeight: target,
      resizeQuality: 'high',
      premultiplyAlpha: 'none',
    });
    try {
      return { width: target, height: target, rgba: pixelsOf(square), source: { width, height } };
    } finally {
      square.close();
    }
  } finally {
    bitmap.close();
  }
}

export const browserImageDecoder: ImageDecoder = {
  extensions: ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp', 'avif'],
  unsupportedNote: 'a format this browser does not decode',
  decode,
};
