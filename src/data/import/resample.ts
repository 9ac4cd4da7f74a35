// Decoded RGBA image -> one uint8 image of the dataset: [side, side, channels], channel last.
// Centre-crop to a square (the shorter side), then area resampling: each output pixel is the
// average of the source pixels under its footprint, weighted by the overlap (a box filter; when
// enlarging it blends the one or two nearest source pixels). Transparent pixels are composited
// over white (how a browser shows them). Greyscale is luma Y = 0.299 R + 0.587 G + 0.114 B
// (ITU-R BT.601, as PIL's "L" mode).
import type { DecodedImage } from './types';

const LUMA = [0.299, 0.587, 0.114] as const;

interface Tap {
  index: number;
  weight: number;
}

/** For each of `outSize` output positions, the source indices in [start, start + span) and their weights (sum 1). */
function taps(start: number, span: number, outSize: number): Tap[][] {
  const scale = span / outSize;
  return Array.from({ length: outSize }, (_, o) => {
    const from = start + o * scale;
    const to = from + scale;
    const row: Tap[] = [];
    for (let i = Math.floor(from); i < Math.ceil(to - 1e-9); i++) {
      const w = Math.min(to, i + 1) - Math.max(from, i);
      if (w > 1e-9) row.push({ index: i, weight: w / scale });
    }
    return row;
  });
}

function compositeOverWhite(rgba: ArrayLike<number>, p: number, c: number): number {
  const a = rgba[p + 3];
  return a === 255 ? rgba[p + c] : (rgba[p + c] * a + 255 * (255 - a)) / 255;
}

/** Writes the image at `out[offset ...]` (side * side * channels bytes). */
export function cropAndResample(img: DecodedImage, side: number, channels: 1 | 3, out: Uint8Array, offset: number): void {
  const { width, height, rgba } = img;
  if (rgba.length !== width * height * 4) throw new Error(`decoded image has ${rgba.length} bytes for ${width}x${height} RGBA`);
  const s = Math.min(width, height);
  const xs = taps(Math.floor((width - s) / 2), s, side);
  const ys = taps(Math.floor((height - s) / 2), s, side);
  const rgb = [0, 0, 0];
  let o = offset;
  for (let oy = 0; oy < side; oy++) {
    for (let ox = 0; ox < side; ox++) {
      rgb[0] = rgb[1] = rgb[2] = 0;
      for (const ty of ys[oy]) {
        for (const tx of xs[ox]) {
          const w = ty.weight * tx.weight;
          const p = (ty.index * width + tx.index) * 4;
          for (let c = 0; c < 3; c++) rgb[c] += w * compositeOverWhite(rgba, p, c);
        }
      }
      if (channels === 3) {
        for (let c = 0; c < 3; c++) out[o++] = clampByte(rgb[c]);
      } else {
        out[o++] = clampByte(LUMA[0] * rgb[0] + LUMA[1] * rgb[1] + LUMA[2] * rgb[2]);
      }
    }
  }
}

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
