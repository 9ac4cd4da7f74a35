// Fits every tokenizer at one patch size over a list of latent dimensions and reports fit time
// (wall and this process's CPU time: wasm is single-threaded and the machine may be shared),
// held-out reconstruction MSE / PSNR and the spread of per-dimension latent variances. Node only.
//   npx tsx src/node/tokenizerBench.ts --backend wasm --dims 4,8,16 --patch 7 [--train 60000]
//     [--test 10000] [--kinds pca,patch-ae,patch-vae,conv-vae] [--steps 1500] [--samples 20000]
import * as tf from '@tensorflow/tfjs';
import { loadDatasetNode } from '../data/loadNode';
import { DEFAULT_CONFIG, TOKENIZERS, type ExperimentConfig, type TokenizerKind } from '../ldae/config';
import { splitImages } from '../ldae/deviceData';
import { fitTokenizer } from '../ldae/tokenizers';
import { reconstructionMetrics } from '../ldae/tokenizers/reconstructionMetrics';
import type { Tokenizer } from '../ldae/tokenizers/types';
import { setupNodeBackend, type NodeBackendName } from './backend';

export interface TokenizerBenchRow {
  tokenizer: TokenizerKind;
  latentDim: number;
  fitWallS: number;
  fitCpuS: number;
  testMse: number;
  testPsnr: number;
  meanImageMse: number;
  /** max / min variance of the d latent coordinates on test images (1 = whitened). */
  latentVarianceSpread: number;
  /** KL per token on the training sample (VAEs only). */
  klPerToken: number | null;
}

async function latentVarianceSpread(tokenizer: Tokenizer, images: tf.Tensor4D): Promise<number> {
  const v = tf.tidy(() => {
    const z = tokenizer.encode(images);
    const variance = tf.moments(z.reshape([-1, z.shape[2]]), 0).variance;
    return tf.stack([variance.max(), variance.min()]);
  });
  const [max, min] = await v.data();
  v.dispose();
  return max / Math.max(min, 1e-12);
}

export async function benchTokenizers(
  base: ExperimentConfig,
  kinds: TokenizerKind[],
  dims: number[],
  train: tf.Tensor4D,
  test: tf.Tensor4D,
  log: (row: TokenizerBenchRow) => void = () => undefined,
): Promise<TokenizerBenchRow[]> {
  const rows: TokenizerBenchRow[] = [];
  for (const latentDim of dims) {
    for (const tokenizer of kinds) {
      const cfg: ExperimentConfig = { ...base, tokenizer, latentDim };
      const wall0 = performance.now();
      const cpu0 = process.cpuUsage();
      const fitted = await fitTokenizer(cfg, train);
      const cpu = process.cpuUsage(cpu0);
      const row: TokenizerBenchRow = {
        tokenizer,
        latentDim: fitted.latentDim,
        fitWallS: (performance.now() - wall0) / 1000,
        fitCpuS: (cpu.user + cpu.system) / 1e6,
        ...(await reconstructionMetrics(fitted, test).then((m) => ({ testMse: m.mse, testPsnr: m.psnr, meanImageMse: m.meanImageMse }))),
        latentVarianceSpread: await latentVarianceSpread(fitted, test.slice(0, 2000)),
        klPerToken: typeof fitted.serialize().extras.klPerToken === 'number' ? (fitted.serialize().extras.klPerToken as number) : null,
      };
      fitted.dispose();
      rows.push(row);
      log(row);
    }
  }
  return rows;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const backend = (arg('backend') ?? 'wasm') as NodeBackendName;
  await setupNodeBackend(backend);
  const kinds = (arg('kinds')?.split(',') ?? TOKENIZERS.filter((k) => k !== 'pixel')) as TokenizerKind[];
  const dims = (arg('dims') ?? '4,8,16').split(',').map(Number);
  const base: ExperimentConfig = {
    ...DEFAULT_CONFIG,
    patchSize: Number(arg('patch') ?? 7),
    tokenizerSteps: Number(arg('steps') ?? DEFAULT_CONFIG.tokenizerSteps),
    tokenizerSamples: Number(arg('samples') ?? DEFAULT_CONFIG.tokenizerSamples),
    seed: Number(arg('seed') ?? 1),
  };
  const data = await loadDatasetNode(base.dataset);
  const train = splitImages(data.train, data.meta, Number(arg('train') ?? data.train.count));
  const test = splitImages(data.test, data.meta, Number(arg('test') ?? data.test.count));
  console.log(JSON.stringify({ backend: tf.getBackend(), train: train.shape[0], test: test.shape[0], patch: base.patchSize, steps: base.tokenizerSteps, samples: base.tokenizerSamples, beta: base.vaeBeta }));
  const rows = await benchTokenizers(base, kinds, dims, train, test, (row) => console.log(JSON.stringify(row)));
  console.log('\n| tokenizer | d | fit wall s | fit CPU s | test MSE | PSNR dB | latent var max/min |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.tokenizer} | ${r.latentDim} | ${r.fitWallS.toFixed(1)} | ${r.fitCpuS.toFixed(1)} | ${r.testMse.toFixed(5)} | ${r.testPsnr.toFixed(2)} | ${r.latentVarianceSpread.toFixed(1)} |`);
  }
  console.log(`mean-image predictor MSE on the test images: ${rows[0]?.meanImageMse.toFixed(5)}`);
  tf.dispose([train, test]);
}

if (process.argv[1]?.endsWith('tokenizerBench.ts')) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
