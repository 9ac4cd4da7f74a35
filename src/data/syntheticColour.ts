// A synthetic, natural-ish colour dataset for tests and measurements where no real colour images
// may be downloaded (there is no CIFAR-10 on the build machine). NOT real data: numbers measured on
// it say how the pipeline behaves on smooth colour fields with edges, not how CIFAR-10 behaves.
//
// Each image: a smooth background (a few low-frequency cosines for luminance, a slower tint per
// channel, so channels are strongly but not perfectly correlated, as in photographs), one or two
// solid shapes (disc or rectangle, slightly shaded) that make sharp colour edges, and a little
// pixel noise. Class k (0..9) fixes the hue of the first shape, so a linear probe has something
// to find. Deterministic for a seed.
import { rng } from '../ldae/random';
import type { DatasetId } from '../ldae/config';
import type { LoadedDataset, Split } from '../types/data';

const CLASSES = 10;

/** HSV (h in [0, 1)) to RGB in [0, 1]. */
function hsv(h: number, s: number, v: number): [number, number, number] {
  const i = Math.floor(h * 6) % 6;
  const f = h * 6 - Math.floor(h * 6);
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  return ([[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]] as const)[i] as [number, number, number];
}

/** `count` images [count, side, side, 3] as uint8 and their labels. */
export function syntheticColourSplit(count: number, side: number, seed: number): Split {
  const random = rng(seed);
  const px = side * side * 3;
  const images = new Uint8Array(count * px);
  const labels = new Uint8Array(count);
  const field = new Float32Array(side * side * 3);
  for (let n = 0; n < count; n++) {
    const label = Math.floor(random() * CLASSES);
    labels[n] = label;
    // Background: luminance from 3 random low-frequency waves, plus a per-channel tint gradient.
    const waves = Array.from({ length: 3 }, () => ({
      fx: (random() * 2.5) / side,
      fy: (random() * 2.5) / side,
      phase: random() * 2 * Math.PI,
      amp: 0.1 + 0.15 * random(),
    }));
    const base = hsv(random(), 0.2 + 0.5 * random(), 0.35 + 0.4 * random());
    const tilt = Array.from({ length: 3 }, () => [(random() - 0.5) * 0.3, (random() - 0.5) * 0.3]);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        let lum = 0;
        for (const w of waves) lum += w.amp * Math.cos(2 * Math.PI * (w.fx * x + w.fy * y) + w.phase);
        for (let c = 0; c < 3; c++) {
          field[(y * side + x) * 3 + c] = base[c] + lum + tilt[c][0] * (x / side - 0.5) + tilt[c][1] * (y / side - 0.5);
        }
      }
    }
    // Shapes: the first one's hue is the class; a second one of random hue half of the time.
    const shapes = random() < 0.5 ? 1 : 2;
    for (let s = 0; s < shapes; s++) {
      const hue = s === 0 ? (label + 0.2 + 0.6 * random()) / CLASSES : random();
      const colour = hsv(hue, 0.6 + 0.4 * random(), 0.5 + 0.5 * random());
      const cx = side * (0.2 + 0.6 * random());
      const cy = side * (0.2 + 0.6 * random());
      const r = side * (0.12 + 0.2 * random());
      const disc = random() < 0.5;
      const shade = (random() - 0.5) * 0.4;
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const dx = x + 0.5 - cx;
          const dy = y + 0.5 - cy;
          const inside = disc ? dx * dx + dy * dy <= r * r : Math.abs(dx) <= r && Math.abs(dy) <= 0.7 * r;
          if (!inside) continue;
          const light = 1 + (shade * (dx + dy)) / (2 * r);
          for (let c = 0; c < 3; c++) field[(y * side + x) * 3 + c] = colour[c] * light;
        }
      }
    }
    for (let i = 0; i < px; i++) {
      const v = field[i] + (random() - 0.5) * 0.04;
      images[n * px + i] = Math.max(0, Math.min(255, Math.round(v * 255)));
    }
  }
  return { images, labels, count };
}

/** A small synthetic colour dataset shaped like an imported one (32 x 32 x 3 by default). */
export function syntheticColourDataset(trainCount: number, testCount: number, side = 32, seed = 1): LoadedDataset {
  return {
    meta: {
      // Not a DatasetId the config accepts (built-in or imported): engine code that checks cfg.dataset
      // against it needs meta.id overridden; the core (tokenizers, model, probes) never looks at it.
      id: 'synthetic-colour' as DatasetId,
      name: `synthetic colour ${side}x${side}`,
      height: side,
      width: side,
      channels: 3,
      classNames: Array.from({ length: CLASSES }, (_, k) => `hue ${k}`),
      trainCount,
      testCount,
      transferBytes: 0,
      decodeMs: 0,
    },
    train: syntheticColourSplit(trainCount, side, seed),
    test: syntheticColourSplit(testCount, side, seed + 1000),
  };
}
