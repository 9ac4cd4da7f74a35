// `npx tsx bench/checkpointCost.ts [size] [rounds]`: what a checkpoint of the live run costs (the
// runs table, issue 13). The default config at `size` on wasm in Node, 2,048 Fashion-MNIST
// images, a few windows trained; then `rounds` checkpoints: reading the state off the device and
// zipping it (checkpointBytes), storing it (IdbRunsStore over fake-indexeddb: Chromium's
// IndexedDB is slower or faster, not measured here) and reading it back as a bundle. One JSON line.
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { checkpointBytes, readCheckpoint, storeCheckpoint } from '../src/engine/worker/runCheckpoint';
import { IdbRunsStore } from '../src/engine/worker/runsDb';
import { LiveRunRecord } from '../src/engine/worker/liveRunRecord';
import type { ModelSize } from '../src/ldae/config';
import { TrainingSession, type TrainControl } from '../src/ldae/session/trainingSession';
import { BENCH_TRAIN_IMAGES, median, sessionBenchInputs } from './sessionInputs';

const size = (process.argv[2] ?? 'tiny') as ModelSize;
const rounds = Number(process.argv[3] ?? 5);

async function main(): Promise<void> {
  const { data, train, heldOut, cfg } = await sessionBenchInputs(size);
  const s = await TrainingSession.open({ cfg, dataset: data, train, heldOut });
  const live = LiveRunRecord.fresh('bench', { name: 'bench', preset: 'bench', config: cfg, trainImages: BENCH_TRAIN_IMAGES, backend: tf.getBackend(), fromSharedLink: false });
  const control: TrainControl = { stopped: () => false, paused: () => false, onMetrics: (p) => live.observe({ type: 'metrics', points: [p] }) };
  const store = new IdbRunsStore(`bench-${Date.now()}`);
  const times = { encode: [] as number[], store: [] as number[], read: [] as number[], train: [] as number[] };
  let bytes = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    await s.train(s.step + cfg.metricsEvery, control);
    times.train.push((performance.now() - t0) / cfg.metricsEvery);
    const written = await checkpointBytes(s, live.record);
    times.encode.push(written.encodeMs);
    bytes = written.bytes.byteLength;
    const t1 = performance.now();
    await storeCheckpoint(store, live.stored(), written);
    times.store.push(performance.now() - t1);
    const t2 = performance.now();
    await readCheckpoint(store, 'bench');
    times.read.push(performance.now() - t2);
  }
  s.dispose();
  const round1 = (xs: number[]) => xs.map((x) => Math.round(x * 10) / 10);
  console.log(
    JSON.stringify({
      size,
      backend: tf.getBackend(),
      params: s.model.summary().params,
      bytes,
      encode_ms_median: median(times.encode),
      store_ms_median: median(times.store),
      read_ms_median: median(times.read),
      ms_per_step_median: median(times.train),
      // At one checkpoint per 15 s of training (CHECKPOINT_INTERVAL_MS).
      fraction_of_training_at_15s: (median(times.encode) + median(times.store)) / 15_000,
      rounds: { encode: round1(times.encode), store: round1(times.store), read: round1(times.read) },
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
