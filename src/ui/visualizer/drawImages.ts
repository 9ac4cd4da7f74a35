// Pixel drawing for float images and heat-maps: native pixels upscaled without smoothing, an
// optional patch-grid overlay, images side by side with a small gap.
import type { FloatImages } from '../../types/data';

export interface DrawOptions {
  scale: number;
  gap?: number;
  /** Draw patch boundaries every this many native pixels. */
  gridEvery?: number;
  /** Map values through a colour map instead of gray. */
  heat?: { max: number };
}

export function stripSize(images: Pick<FloatImages, 'height' | 'width'>, n: number, opts: DrawOptions): { width: number; height: number } {
  const gap = opts.gap ?? 2;
  return { width: n * images.width * opts.scale + Math.max(0, n - 1) * gap, height: images.height * opts.scale };
}

/** Draws images `indices` of `images` into `canvas` (resizing it). Values in [0, 1] are gray levels. */
export function drawImages(canvas: HTMLCanvasElement, images: FloatImages, indices: number[], opts: DrawOptions): void {
  const { height: h, width: w, channels: c } = images;
  const gap = opts.gap ?? 2;
  const size = stripSize(images, indices.length, opts);
  canvas.width = size.width;
  canvas.height = size.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, size.width, size.height);
  const tile = document.createElement('canvas');
  tile.width = w;
  tile.height = h;
  const tctx = tile.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  indices.forEach((n, slot) => {
    const img = tctx.createImageData(w, h);
    for (let i = 0; i < h * w; i++) {
      const src = (n * h * w + i) * c;
      const dst = i * 4;
      if (opts.heat) {
        const [r, g, b] = heatColor(images.data[src] / (opts.heat.max || 1));
        img.data[dst] = r;
        img.data[dst + 1] = g;
        img.data[dst + 2] = b;
      } else {
        img.data[dst] = toByte(images.data[src]);
        img.data[dst + 1] = toByte(images.data[src + (c === 3 ? 1 : 0)]);
        img.data[dst + 2] = toByte(images.data[src + (c === 3 ? 2 : 0)]);
      }
      img.data[dst + 3] = 255;
    }
    tctx.putImageData(img, 0, 0);
    const x0 = slot * (w * opts.scale + gap);
    ctx.drawImage(tile, x0, 0, w * opts.scale, h * opts.scale);
    if (opts.gridEvery && opts.gridEvery < w) {
      ctx.strokeStyle = 'rgba(255, 170, 0, 0.75)';
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let k = opts.gridEvery; k < w; k += opts.gridEvery) {
        const p = k * opts.scale + 0.5;
        ctx.moveTo(x0 + p, 0);
        ctx.lineTo(x0 + p, h * opts.scale);
        ctx.moveTo(x0, p);
        ctx.lineTo(x0 + w * opts.scale, p);
      }
      ctx.stroke();
    }
  });
}

function toByte(v: number): number {
  return Math.round(Math.min(1, Math.max(0, v)) * 255);
}

/** Black -> red -> yellow -> white, for values in [0, 1]. */
export function heatColor(v: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, v));
  return [toByte(x * 3), toByte(x * 3 - 1), toByte(x * 3 - 2)];
}

/** Per-patch errors [count, gridH, gridW] as images of side gridH * patch (each patch one flat colour). */
export function patchErrorImages(err: { count: number; gridH: number; gridW: number; data: Float32Array }, patch: number): FloatImages {
  const h = err.gridH * patch;
  const w = err.gridW * patch;
  const data = new Float32Array(err.count * h * w);
  for (let n = 0; n < err.count; n++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        data[(n * h + y) * w + x] = err.data[(n * err.gridH + Math.floor(y / patch)) * err.gridW + Math.floor(x / patch)];
      }
    }
  }
  return { count: err.count, height: h, width: w, channels: 1, data };
}
