// `npm run experiment -- --preset ldae --steps 300 --backend wasm --seed 1 [--set key=value ...]`
// One JSON object per line on stdout; a one-line message and exit code 2 on bad arguments or a bad
// checkpoint. Also: --sweep tokenizers, --sweep key=v1,v2 (generic), --save-checkpoint FILE,
// --probe-only FILE and --data PATH (your own images).
import { configProblems, isImportedDatasetId, type DatasetId } from '../ldae/config';
import { validConfigWarnings } from '../ldae/configWarnings';
import { CheckpointError } from '../ldae/checkpoint/checkpoint';
import { BundleError } from '../ldae/bundle/runBundle';
import { TrainerStateError } from '../ldae/bundle/trainerStateTensors';
import { readRunBundleFile } from '../node/runBundleFile';
import { BUNDLE_FLAGS, BUNDLE_USAGE, checkResumeFlags, endStep, parseBundleRequest } from './bundleFlags';
import { NonFiniteLossError, parseFault, type FaultInjection } from '../ldae/nonFinite';
import { loadDatasetNode } from '../data/loadNode';
import type { LoadedDataset } from '../types/data';
import { setupNodeBackend } from '../node/backend';
import { readCheckpointFile, type CheckpointFile } from '../node/checkpointFile';
import { FileSweepCellCache } from '../node/sweepCellCacheFile';
import { DEFAULT_TOKENIZER_CACHE_DIR, FileTokenizerCache } from '../node/tokenizerCacheFile';
import { CliError, USAGE, parseArgs, type CliOptions } from './args';
import { DATA_FLAGS, DATA_USAGE, configForImported, importLine, loadDataRequest, parseDataRequest } from './datasetFlags';
import { runGridSweep, type GridRunner } from './gridSweep';
import { GRID_SWEEP_USAGE, planGrid, type GridSweepOptions } from './gridSweepArgs';
import { checkProbeOnlyFlags, probeCheckpoint, probeOnlyConfig, rejectTrainingFields } from './probeOnly';
import { runExperiment, type Emit } from './runExperiment';
import { runTokenizerSweep } from './sweep';
import { runTrajectorySweep } from './trajectorySweep';
import { SWEEP_FLAGS, SWEEP_USAGE, checkSweepDims, parseSweepRequest } from './sweepArgs';

const CHECKPOINT_FLAGS = ['--save-checkpoint', '--probe-only'] as const;
const FAULT_FLAGS = ['--fault'] as const;

const CHECKPOINT_USAGE = `       npm run experiment -- ... --save-checkpoint FILE     (write the trained model: one safetensors file)
       npm run experiment -- --probe-only FILE [--set probeTestSize=N ...] [--backend B]
Probe-only: load a checkpoint, run the probes and baselines on it (no training); only probe* settings may change.
       npm run experiment -- ... --fault nan@K     (tests and demos: step K's loss becomes NaN; the run stops as for a real one)
A non-finite loss or gradient norm stops the run: the summary of the last good step, one line on stderr, exit 3.`;

const emit: Emit = (line) => process.stdout.write(JSON.stringify(line) + '\n');

/**
 * The backend (set up once) and the datasets, loaded only when a run needs them (a fully cached
 * sweep needs none); `imported` is the dataset --data gave, the only imported one there is.
 */
function lazyRuntime(backendName: CliOptions['backend'], imported: LoadedDataset | null) {
  let backend: Promise<string> | null = null;
  const datasets = new Map<DatasetId, Promise<LoadedDataset>>();
  if (imported) datasets.set(imported.meta.id, Promise.resolve(imported));
  return {
    backend: () => (backend ??= setupNodeBackend(backendName)),
    data: (id: DatasetId) => {
      if (isImportedDatasetId(id) && !datasets.has(id)) throw new CliError(`${id} is an imported dataset: give its files with --data PATH`);
      if (!datasets.has(id)) datasets.set(id, loadDatasetNode(id));
      return datasets.get(id)!;
    },
  };
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv, [...SWEEP_FLAGS, ...CHECKPOINT_FLAGS, ...DATA_FLAGS, ...FAULT_FLAGS, ...BUNDLE_FLAGS]);
  if (parsed.help) {
    process.stdout.write([USAGE, DATA_USAGE, SWEEP_USAGE, GRID_SWEEP_USAGE, CHECKPOINT_USAGE, BUNDLE_USAGE].join('\n') + '\n');
    return 0;
  }
  const bundleRequest = parseBundleRequest(parsed);
  const dataRequest = parseDataRequest(parsed);
  const probeOnly = parsed.extra['--probe-only'];
  // Import first: a bad folder or archive is reported before any backend is set up.
  const imported = dataRequest ? await loadDataRequest(dataRequest) : null;
  if (imported) emit(importLine(imported.meta));
  const opts = imported && probeOnly === undefined ? { ...parsed, config: configForImported(parsed, imported.meta) } : parsed;
  const sweep = parseSweepRequest(opts);
  const saveCheckpoint = opts.extra['--save-checkpoint'];
  if (saveCheckpoint !== undefined && sweep) throw new CliError('--save-checkpoint works with a single run, not with --sweep');
  const fault = faultOf(opts.extra['--fault']);
  if (fault && (sweep || probeOnly !== undefined)) throw new CliError('--fault works with a single training run');
  const bundleFlag = bundleRequest.resumeFrom !== null ? '--resume' : bundleRequest.exportTo !== null ? '--export' : bundleRequest.stopAt !== null ? '--stop-at' : null;
  if (bundleFlag && (sweep || probeOnly !== undefined)) throw new CliError(`${bundleFlag} works with a single training run`);
  if (bundleRequest.resumeFrom !== null) checkResumeFlags(opts);
  if (probeOnly !== undefined) return runProbeOnly(opts, probeOnly, sweep, imported);

  const runtime = lazyRuntime(opts.backend, imported);
  // .cache/tokenizers, or LDAE_TOKENIZER_CACHE_DIR (tests use a fresh one).
  const tokenizerCache = new FileTokenizerCache(process.env.LDAE_TOKENIZER_CACHE_DIR || DEFAULT_TOKENIZER_CACHE_DIR);
  if (sweep?.kind === 'grid') {
    const cells = planGrid(sweep, opts.config, imported?.meta);
    const runner: GridRunner = {
      mode: 'train',
      backend: opts.backend,
      trainImages: opts.trainImages,
      run: async (config) =>
        runExperiment(
          { preset: opts.preset, config, backend: await runtime.backend(), trainImages: opts.trainImages, threads: opts.threads, tokenizerCache },
          await runtime.data(config.dataset),
          () => {},
        ),
    };
    return finishGrid(sweep, await runGridSweep(sweep, cells, runner, new FileSweepCellCache(), { preset: opts.preset, dataset: distinctDatasets(cells), backend: opts.backend, checkpoint: null }, emit));
  }
  const resumed = bundleRequest.resumeFrom !== null ? await readRunBundleFile(bundleRequest.resumeFrom) : null;
  const runConfig = resumed ? { ...resumed.record.config, backend: opts.backend } : opts.config;
  const stopAt = endStep(bundleRequest, runConfig.steps, resumed);
  const backend = await runtime.backend();
  const data = await runtime.data(runConfig.dataset);
  // The shape checks again, now with the loaded dataset's shape (parseArgs knows only the built-in ones).
  const problems = configProblems(runConfig, data.meta);
  if (problems.length > 0) throw new CliError(problems.map((p) => p.message).join('; '));
  if (resumed && resumed.record.trainImages > data.train.count) {
    throw new CliError(`--resume: the bundle trained on ${resumed.record.trainImages} images of ${data.meta.id}; this dataset has ${data.train.count}`);
  }
  for (const w of validConfigWarnings(runConfig, data.meta)) process.stderr.write(`experiment: warning: ${w.message}\n`);
  if (sweep?.kind === 'tokenizers') checkSweepDims(sweep, opts.config, data.meta);
  if (sweep) {
    const result = sweep.kind === 'trajectory' ? await runTrajectorySweep(opts, sweep, data, backend, tokenizerCache, emit) : await runTokenizerSweep(opts, sweep, data, backend, tokenizerCache, emit);
    process.stdout.write('\n' + result.markdown + '\n\n');
    process.stdout.write(`Written to ${sweep.out}\n`);
    return result.failed.length > 0 ? 1 : 0;
  }
  const summary = await runExperiment(
    {
      preset: resumed ? resumed.record.preset : opts.preset,
      config: runConfig,
      backend,
      trainImages: resumed ? resumed.record.trainImages : opts.trainImages,
      threads: opts.threads,
      tokenizerCache,
      saveCheckpoint,
      fault,
      stopAt,
      exportTo: bundleRequest.exportTo,
      resume: resumed && bundleRequest.resumeFrom ? { file: bundleRequest.resumeFrom, bundle: resumed } : null,
    },
    data,
    emit,
  );
  emit(summary);
  return 0;
}

async function runProbeOnly(opts: CliOptions, file: string, sweep: ReturnType<typeof parseSweepRequest>, imported: LoadedDataset | null): Promise<number> {
  checkProbeOnlyFlags(opts);
  if (sweep?.kind === 'tokenizers' || sweep?.kind === 'trajectory') throw new CliError(`--sweep ${sweep.kind} trains a model per cell: it cannot be used with --probe-only`);
  if (sweep?.seeds) throw new CliError('--probe-only: --seeds would change the training seed; the checkpoint has one model');
  const ck: CheckpointFile = await readCheckpointFile(file);
  const stored = ck.checkpoint.config;
  const config = probeOnlyConfig(stored, opts.sets, opts.backend);
  if (imported && imported.meta.id !== stored.dataset) {
    throw new CliError(`--probe-only: ${file} was trained on ${stored.dataset}; --data gives ${imported.meta.id} (other images, size or colour)`);
  }
  const runtime = lazyRuntime(opts.backend, imported);
  const probe = async (cfg: typeof config, lineEmit: Emit) =>
    probeCheckpoint(ck.checkpoint, file, cfg, await runtime.data(cfg.dataset), await runtime.backend(), lineEmit);
  if (sweep) {
    rejectTrainingFields(
      sweep.axes.map((a) => a.key),
      stored,
      '--sweep',
    );
    const cells = planGrid(sweep, config, imported?.meta);
    const runner: GridRunner = { mode: 'probe-only', backend: opts.backend, trainImages: ck.checkpoint.trainImages, keyParts: { checkpoint: ck.sha256 }, run: (cfg) => probe(cfg, () => {}) };
    const setup = { preset: ck.checkpoint.preset, dataset: stored.dataset, backend: opts.backend, checkpoint: { file, step: ck.checkpoint.step } };
    return finishGrid(sweep, await runGridSweep(sweep, cells, runner, new FileSweepCellCache(), setup, emit));
  }
  emit(await probe(config, emit));
  return 0;
}

function finishGrid(sweep: GridSweepOptions, result: { markdown: string; failed: unknown[] }): number {
  process.stdout.write('\n' + result.markdown + '\n\n');
  process.stdout.write(`Written to ${sweep.out}\n`);
  return result.failed.length > 0 ? 1 : 0;
}

function faultOf(spec: string | undefined): FaultInjection | null {
  if (spec === undefined) return null;
  try {
    return parseFault(spec);
  } catch (e) {
    throw new CliError(`--fault: ${(e as Error).message}`);
  }
}

const distinctDatasets = (cells: { config: { dataset: string } }[]) => [...new Set(cells.map((c) => c.config.dataset))].join(', ');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const bad = e instanceof CliError || e instanceof CheckpointError || e instanceof BundleError || e instanceof TrainerStateError;
    process.stderr.write(`experiment: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = bad ? 2 : e instanceof NonFiniteLossError ? 3 : 1;
  },
);
