import { useEffect, useRef } from 'react';
import type { ImageGrid } from '../types/data';

/** Draws images [from, from + count) of `grid` side by side on one canvas (grayscale or RGB). */
function ImageStrip({ grid, indices, scale }: { grid: ImageGrid; indices: number[]; scale: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const { height: h, width: w, channels: c } = grid;
    const image = ctx.createImageData(w * indices.length, h);
    indices.forEach((n, slot) => {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const src = ((n * h + y) * w + x) * c;
          const dst = (y * image.width + slot * w + x) * 4;
          image.data[dst] = grid.pixels[src];
          image.data[dst + 1] = grid.pixels[src + (c === 3 ? 1 : 0)];
          image.data[dst + 2] = grid.pixels[src + (c === 3 ? 2 : 0)];
          image.data[dst + 3] = 255;
        }
      }
    });
    ctx.putImageData(image, 0, 0);
  }, [grid, indices]);
  return (
    <canvas
      ref={ref}
      width={grid.width * indices.length}
      height={grid.height}
      style={{ width: grid.width * indices.length * scale, height: grid.height * scale, imageRendering: 'pixelated' }}
    />
  );
}

/** One row per class: the class name and that class's sample images. */
export function ImageGridCanvas({ grid, classNames, scale = 2 }: { grid: ImageGrid; classNames: string[]; scale?: number }) {
  const rows = classNames
    .map((name, k) => ({ name, indices: grid.labels.flatMap((l, i) => (l === k ? [i] : [])) }))
    .filter((r) => r.indices.length > 0);
  return (
    <div className="image-grid" data-testid="dataset-grid">
      {rows.map((r) => (
        <div className="image-grid-row" key={r.name}>
          <span className="image-grid-label">{r.name}</span>
          <ImageStrip grid={grid} indices={r.indices} scale={scale} />
        </div>
      ))}
    </div>
  );
}
