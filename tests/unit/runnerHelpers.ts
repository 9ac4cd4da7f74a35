// Shared by the training-runner tests: a small Fashion-MNIST slice and an event recorder.
import { loadDatasetNode } from '../../src/data/loadNode';
import type { LoadedDataset } from '../../src/types/data';
import type { EngineEvent } from '../../src/engine/protocol';

/** The first `trainCount` / `testCount` images of Fashion-MNIST's splits. */
export async function fashionSlice(trainCount: number, testCount: number): Promise<LoadedDataset> {
  const full = await loadDatasetNode('fashion-mnist');
  const px = 28 * 28;
  return {
    meta: full.meta,
    train: { images: full.train.images.subarray(0, trainCount * px), labels: full.train.labels.subarray(0, trainCount), count: trainCount },
    test: { images: full.test.images.subarray(0, testCount * px), labels: full.test.labels.subarray(0, testCount), count: testCount },
  };
}

/** Records every event; `next(pred)` resolves with the first later event matching pred (60 s limit). */
export function recorder() {
  const events: EngineEvent[] = [];
  const waiters: { pred: (e: EngineEvent) => boolean; resolve: (e: EngineEvent) => void }[] = [];
  const post = (e: EngineEvent) => {
    events.push(e);
    for (const w of waiters.splice(0)) {
      if (w.pred(e)) w.resolve(e);
      else waiters.push(w);
    }
  };
  const next = (pred: (e: EngineEvent) => boolean) =>
    new Promise<EngineEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for an event')), 60_000);
      waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  return { events, post, next };
}

export const isState = (state: string) => (e: EngineEvent) => e.type === 'state' && e.state === state;
