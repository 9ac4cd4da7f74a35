// Measures a ViT training step (forward + backward + AdamW) and a 512^3 matmul on one backend,
// and reports MFU = achieved training FLOP/s / matmul FLOP/s. Node only. The two are timed in
// alternating rounds so that both see the same machine load; the best round is reported.
// Besides wall-clock time it reports this process's CPU time per step (user+system): the wasm
// backend is single-threaded, so on a shared machine CPU time is the honest measure of the work,
// and wall time shows what the load allowed.
//   npx tsx src/node/modelBench.ts --backend wasm --size tiny --batch 128 --tokens 16 --dim 49
import * as tf from '@tensorflow/tfjs';
import { MODEL_SIZES, type ModelSize } from '../ldae/config';
import { trainFlopsPerImage } from '../ldae/model/flops';
import { vitConfig } from '../ldae/model/sizes';
import { createViT } from '../ldae/model/vit';
import { createAdamW } from '../ldae/optim/adamw';
import { lrSchedule } from '../ldae/optim/schedule';
import { type NodeBackendName, setupNodeBackend } from './backend';

export interface StepBenchOptions {
  size: ModelSize;
  batch: number;
  tokens: number;
  dim: number;
  /** Timed steps per round. */
  steps: number;
  rounds: number;
}

export interface StepBenchResult {
  /** Wall-clock ms per step (best round). */
  msPerStep: number;
  /** Process CPU ms per step (best round by CPU time). */
  cpuMsPerStep: number;
  imagesPerS: number;
  trainGflopPerStep: number;
  achievedGflops: number;
  matmul512Gflops: number;
  mfu: number;
  /** Same ratio with CPU times for both the step and the matmul. */
  mfuCpu: number;
  params: number;
  kernelsPerStep: number;
  /** Kernel time per kernel name in one profiled step (ms, sorted, top 12). */
  profile: Record<string, number>;
}

async function timeMs(run: () => tf.Tensor, reps: number): Promise<{ wall: number; cpu: number }> {
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  let last: tf.Tensor | null = null;
  for (let i = 0; i < reps; i++) {
    const r = run();
    last?.dispose();
    last = r;
  }
  await last?.data();
  last?.dispose();
  const cpu = process.cpuUsage(cpu0);
  return { wall: (performance.now() - start) / reps, cpu: (cpu.user + cpu.system) / 1000 / reps };
}

export async function benchTrainStep(o: StepBenchOptions): Promise<StepBenchResult> {
  const cfg = vitConfig(o.size, { tokens: o.tokens, inDim: o.dim, outDim: o.dim, tConditioning: true });
  const model = createViT(cfg, 1);
  const opt = createAdamW(model.variables, { schedule: lrSchedule(1e-3, 10, 1000), gradClip: 1 });
  const x0 = tf.randomUniform([o.batch, o.tokens, o.dim], 0, 1, 'float32', 1) as tf.Tensor3D;
  const noise = tf.randomNormal([o.batch, o.tokens, o.dim], 0, 1, 'float32', 2);
  const t = tf.randomUniform([o.batch], 0, 1, 'float32', 3) as tf.Tensor1D;
  const xt = tf.add(x0, tf.mul(noise, tf.reshape(t, [-1, 1, 1]))) as tf.Tensor3D;
  const loss = () => tf.mean(tf.square(tf.sub(model.apply(xt, t), x0))) as tf.Scalar;
  const step = () => {
    const r = opt.minimize(loss);
    r.gradNorm.dispose();
    return r.loss;
  };
  const a = tf.randomNormal([512, 512], 0, 1, 'float32', 4);
  const b = tf.randomNormal([512, 512], 0, 1, 'float32', 5);
  const matmul = () => tf.matMul(a, b);

  await timeMs(step, 2);
  await timeMs(matmul, 2);
  const profile = await tf.profile(step);
  tf.dispose(profile.result as tf.Tensor);
  const byKernel = new Map<string, number>();
  for (const k of profile.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0));

  const flops = trainFlopsPerImage(cfg) * o.batch;
  const mmFlops = 2 * 512 ** 3;
  let best = { ms: Infinity, peak: 0, mfu: 0 };
  let bestCpu = { ms: Infinity, mfu: 0 };
  for (let r = 0; r < o.rounds; r++) {
    const mm = await timeMs(matmul, 10);
    const st = await timeMs(step, o.steps);
    const peak = mmFlops / mm.wall / 1e6;
    if (st.wall < best.ms) best = { ms: st.wall, peak, mfu: flops / st.wall / 1e6 / peak };
    if (st.cpu < bestCpu.ms) bestCpu = { ms: st.cpu, mfu: flops / st.cpu / (mmFlops / mm.cpu) };
  }
  const result: StepBenchResult = {
    msPerStep: best.ms,
    cpuMsPerStep: bestCpu.ms,
    imagesPerS: (1000 * o.batch) / best.ms,
    trainGflopPerStep: flops / 1e9,
    achievedGflops: flops / best.ms / 1e6,
    matmul512Gflops: best.peak,
    mfu: best.mfu,
    mfuCpu: bestCpu.mfu,
    params: model.paramCount(),
    kernelsPerStep: profile.kernels.length,
    profile: Object.fromEntries(
      [...byKernel.entries()]
        .sort((x, y) => y[1] - x[1])
        .slice(0, 12)
        .map(([k, v]) => [k, Math.round(v * 10) / 10]),
    ),
  };
  tf.dispose([x0, noise, t, xt, a, b]);
  opt.dispose();
  model.dispose();
  return result;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const backend = arg('backend', 'wasm') as NodeBackendName;
  const size = arg('size', 'tiny') as ModelSize;
  if (!MODEL_SIZES.includes(size)) throw new Error(`--size must be one of ${MODEL_SIZES.join(' | ')}`);
  await setupNodeBackend(backend);
  const result = await benchTrainStep({
    size,
    batch: Number(arg('batch', '128')),
    tokens: Number(arg('tokens', '16')),
    dim: Number(arg('dim', '49')),
    steps: Number(arg('steps', '5')),
    rounds: Number(arg('rounds', '4')),
  });
  console.log(JSON.stringify({ backend, size, ...result }));
}

if (process.argv[1]?.endsWith('modelBench.ts')) {
  main().catch((e: unknown) => {
    console.error((e as Error).message);
    process.exit(1);
  });
}
