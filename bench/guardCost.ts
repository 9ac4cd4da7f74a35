// `npx tsx bench/guardCost.ts [size] [rounds]`: what the non-finite guard's last good state costs.
// The same run (wasm in Node, the default config at `size`, 2,048 Fashion-MNIST images) with the
// state kept at every metrics window and without, in alternating rounds so load drifts hit both;
// plus the time of one capture and the tensors and bytes it holds. Prints one JSON line.
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { ModelSize } from '../src/ldae/config';
import { TrainingSession, type TrainControl } from '../src/ldae/session/trainingSession';
import { disposeTrainerState } from '../src/ldae/trainer';
import { median, sessionBenchInputs } from './sessionInputs';

const size = (process.argv[2] ?? 'tiny') as ModelSize;
const rounds = Number(process.argv[3] ?? 3);
const STEPS = 60;

async function main(): Promise<void> {
  const { data, train, heldOut, cfg } = await sessionBenchInputs(size);
  const msPerStep: Record<'kept' | 'off', number[]> = { kept: [], off: [] };
  let capture = { ms: 0, tensors: 0, params: 0 };
  for (let r = 0; r < rounds; r++) {
    for (const keepLastGood of r % 2 === 0 ? [true, false] : [false, true]) {
      const s = await TrainingSession.open({ cfg, dataset: data, train, heldOut, keepLastGood });
      const windows: number[] = [];
      const control: TrainControl = { stopped: () => false, paused: () => false, onMetrics: (p, steps) => windows.push(p.msPerStep * steps) };
      await s.train(cfg.metricsEvery * 2, control); // warm-up: kernels, first windows
      windows.length = 0;
      await s.train(s.step + STEPS, control);
      msPerStep[keepLastGood ? 'kept' : 'off'].push(windows.reduce((a, b) => a + b, 0) / STEPS);
      if (keepLastGood && r === 0) {
        const t0 = performance.now();
        const state = s.trainer.captureState();
        capture = { ms: performance.now() - t0, tensors: state.tensors.length, params: state.tensors.reduce((n, t) => n + t.size, 0) };
        disposeTrainerState(state);
      }
      s.dispose();
    }
  }
  const kept = median(msPerStep.kept);
  const off = median(msPerStep.off);
  console.log(
    JSON.stringify({
      size,
      backend: tf.getBackend(),
      metrics_every: cfg.metricsEvery,
      ms_per_step_kept: kept,
      ms_per_step_off: off,
      cost_ms_per_step: kept - off,
      cost_fraction: (kept - off) / off,
      rounds: msPerStep,
      capture_ms: capture.ms,
      capture_tensors: capture.tensors,
      // The state shares buffers with the live variables; these are the bytes it keeps alive once training moves on.
      held_bytes: capture.params * 4,
      load_avg_1m: os.loadavg()[0],
      cpu: os.cpus()[0]?.model ?? '',
    }),
  );
  tf.dispose([train, heldOut]);
}

void main();
