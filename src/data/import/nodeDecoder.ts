// Node only (pngjs uses node:zlib): PNG through pngjs, JPEG (baseline and progressive) through
// jpeg-js, chosen by the file's signature, not its name. WebP and GIF are decoded in the browser
// only (createImageBitmap); here they are skipped and counted.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { DecodedImage, ImageDecoder } from './types';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);
}

function decodeImageNode(bytes: Uint8Array): DecodedImage {
  if (startsWith(bytes, PNG_SIGNATURE)) {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
  }
  if (startsWith(bytes, JPEG_SIGNATURE)) {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
    return { width: img.width, height: img.height, rgba: img.data };
  }
  throw new Error('neither a PNG nor a JPEG file (unknown signature)');
}

export const nodeImageDecoder: ImageDecoder = {
  extensions: ['png', 'jpg', 'jpeg'],
  unsupportedNote: 'the CLI reads PNG and JPEG; import WebP and GIF in the browser',
  decode: (bytes) => Promise.resolve(decodeImageNode(bytes)),
};
