// What the session benches (guardCost.ts, checkpointCost.ts) train on: wasm in Node, 2,048
// Fashion-MNIST training images, 256 held out, the default config at `size` with probes off.
import { loadDatasetNode } from '../src/data/loadNode';
import { DEFAULT_CONFIG, type ExperimentConfig, type ModelSize } from '../src/ldae/config';
import { splitImages } from '../src/ldae/deviceData';
import { setupNodeBackend } from '../src/node/backend';

export const BENCH_TRAIN_IMAGES = 2048;

export async function sessionBenchInputs(size: ModelSize) {
  await setupNodeBackend('wasm');
  const data = await loadDatasetNode('fashion-mnist');
  const train = splitImages(data.train, data.meta, BENCH_TRAIN_IMAGES);
  const heldOut = splitImages(data.test, data.meta, 256);
  const cfg: ExperimentConfig = { ...DEFAULT_CONFIG, modelSize: size, steps: 10_000, probeEvery: 0, tokenizerSamples: 5000 };
  return { data, train, heldOut, cfg };
}

/** The middle value (the upper one of the two middles for an even count). */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
