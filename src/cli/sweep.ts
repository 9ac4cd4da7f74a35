// `--sweep tokenizers`: the paper's tokenizer table on this machine. For each tokenizer and latent
// dim d: fit (or restore from the cache) the tokenizer, train the l-DAE for --steps steps, run the
// linear and kNN probes, and emit one JSON line per cell; then a Markdown table, also written to --out.
import type { LoadedDataset } from '../types/data';
import { patchDim, type ExperimentConfig, type TokenizerKind } from '../ldae/config';
import type { TokenizerCache } from '../ldae/tokenizers/cache/types';
import { writeFileAtomic } from '../node/atomicWrite';
import type { CliOptions } from './args';
import { sweepMarkdown, type SweepCell, type SweepSetup } from './markdownTable';
import { runExperiment, type Emit } from './runExperiment';
import type { SweepOptions } from './sweepArgs';

export interface SweepResult {
  cells: SweepCell[];
  failed: { tokenizer: TokenizerKind; d: number; error: string }[];
  markdown: string;
}

/** The (tokenizer, d) cells in row order; the pixel tokenizer has the one cell d = D. */
export function sweepCells(sweep: Pick<SweepOptions, 'tokenizers' | 'latentDims'>, D: number): { tokenizer: TokenizerKind; d: number }[] {
  return sweep.tokenizers.flatMap((tokenizer): { tokenizer: TokenizerKind; d: number }[] =>
    tokenizer === 'pixel' ? [{ tokenizer, d: D }] : sweep.latentDims.map((d) => ({ tokenizer, d })),
  );
}

export async function runTokenizerSweep(
  opts: CliOptions,
  sweep: SweepOptions,
  data: LoadedDataset,
  backend: string,
  tokenizerCache: TokenizerCache,
  emit: Emit,
): Promise<SweepResult> {
  const t0 = performance.now();
  const D = patchDim(opts.config, data.meta.channels);
  const plan = sweepCells(sweep, D);
  emit({ type: 'sweep', sweep: sweep.kind, cells: plan.length, tokenizers: sweep.tokenizers, latent_dims: sweep.latentDims, steps: opts.config.steps, out: sweep.out });
  const cells: SweepCell[] = [];
  const failed: SweepResult['failed'] = [];
  let setup: Omit<SweepSetup, 'wallSeconds'> | null = null;
  for (const [i, { tokenizer, d }] of plan.entries()) {
    const config: ExperimentConfig = { ...opts.config, tokenizer, latentDim: d };
    const cellStart = performance.now();
    let randomInit: number | null = null;
    let rawPixel: SweepSetup['rawPixel'] = null;
    // Keep the cell's own lines out of the stream; only the baselines are needed here.
    const inner: Emit = (line) => {
      if (line.type !== 'baselines') return;
      const b = line as { raw_pixel: { linear_test_acc: number; knn_test_acc: number }; random_init: { linear_test_acc: number } };
      randomInit = b.random_init.linear_test_acc;
      rawPixel = { linearTestAcc: b.raw_pixel.linear_test_acc, knnTestAcc: b.raw_pixel.knn_test_acc };
    };
    try {
      const s = (await runExperiment({ preset: opts.preset, config, backend, trainImages: opts.trainImages, threads: opts.threads, tokenizerCache }, data, inner)) as unknown as CellSummary;
      const cell: SweepCell = {
        tokenizer,
        d,
        linearTestAcc: s.probe.linear_test_acc,
        knnTestAcc: s.probe.knn_test_acc,
        randomInitLinearTestAcc: randomInit,
        reconMse: s.tokenizer.recon_mse,
        reconPsnr: s.tokenizer.recon_psnr,
        fitSeconds: s.tokenizer.fit_seconds,
        fromCache: s.tokenizer.from_cache,
        finalLoss: s.final_loss,
        wallSeconds: (performance.now() - cellStart) / 1000,
      };
      cells.push(cell);
      setup ??= {
        steps: s.steps,
        modelSize: config.modelSize,
        params: s.params,
        batchSize: config.batchSize,
        patchSize: config.patchSize,
        patchDim: D,
        dataset: config.dataset,
        trainImages: s.train_images,
        probeTrain: s.probe_sets.train,
        probeTest: s.probe_sets.test,
        tokenizerSteps: config.tokenizerSteps,
        tokenizerSamples: config.tokenizerSamples,
        backend,
        seed: config.seed,
        rawPixel,
      };
      emit({
        type: 'cell',
        index: i + 1,
        of: plan.length,
        tokenizer,
        d,
        linear_test_acc: cell.linearTestAcc,
        knn_test_acc: cell.knnTestAcc,
        random_init_linear_test_acc: cell.randomInitLinearTestAcc,
        linear_train_acc: s.probe.linear_train_acc,
        final_loss: cell.finalLoss,
        recon_mse: cell.reconMse,
        recon_psnr: cell.reconPsnr,
        fit_seconds: cell.fitSeconds,
        from_cache: cell.fromCache,
        ms_per_step: s.ms_per_step,
        wall_seconds: cell.wallSeconds,
      });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      failed.push({ tokenizer, d, error });
      emit({ type: 'cell_error', index: i + 1, of: plan.length, tokenizer, d, error });
    }
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const markdown = setup
    ? sweepMarkdown(sweep.tokenizers, sweep.latentDims, cells, { ...setup, wallSeconds }) +
      (failed.length > 0 ? `\n\nFailed cells: ${failed.map((f) => `${f.tokenizer} d=${f.d} (${f.error})`).join('; ')}.` : '')
    : `No cell of the sweep finished: ${failed.map((f) => `${f.tokenizer} d=${f.d} (${f.error})`).join('; ')}.`;
  await writeFileAtomic(sweep.out, markdown + '\n');
  return { cells, failed, markdown };
}

/** The summary fields of runExperiment (with the probe hooks) that a cell reads. */
interface CellSummary {
  steps: number;
  params: number;
  train_images: number;
  final_loss: number | null;
  ms_per_step: number;
  tokenizer: { recon_mse: number; recon_psnr: number; fit_seconds: number; from_cache: boolean };
  probe: { linear_test_acc: number; linear_train_acc: number; knn_test_acc: number };
  probe_sets: { train: number; test: number };
}
