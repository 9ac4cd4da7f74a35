import { useEffect, useRef } from 'react';
import type { FloatImages } from '../../types/data';
import { drawImages, type DrawOptions } from './drawImages';

/** Some images of a FloatImages batch side by side; CSS scales the canvas to its container's width. */
export function FloatImageCanvas({
  images,
  indices,
  options,
  label,
  testId,
}: {
  images: FloatImages;
  indices: number[];
  options: DrawOptions;
  label: string;
  testId?: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const key = indices.join(',');
  useEffect(() => {
    if (ref.current) drawImages(ref.current, images, indices, options);
  }, [images, key, options.scale, options.gap, options.gridEvery, options.heat?.max]);
  return <canvas ref={ref} className="float-images" role="img" aria-label={label} data-testid={testId} />;
}
