// `npm run experiment -- --preset ldae --steps 300 --backend wasm --seed 1 [--set key=value ...]`
// One JSON object per line on stdout; a one-line message and a non-zero exit code on bad arguments.
import { loadDatasetNode } from '../data/loadNode';
import { setupNodeBackend } from '../node/backend';
import { DEFAULT_TOKENIZER_CACHE_DIR, FileTokenizerCache } from '../node/tokenizerCacheFile';
import { configProblems } from '../ldae/config';
import { CliError, USAGE, parseArgs } from './args';
import { createProbeHooks } from './probeHooks';
import { runExperiment } from './runExperiment';
import { runTokenizerSweep } from './sweep';
import { SWEEP_FLAGS, SWEEP_USAGE, checkSweepDims, parseSweepOptions } from './sweepArgs';

async function main(argv: string[]): Promise<number> {
  let opts, sweep;
  try {
    opts = parseArgs(argv, SWEEP_FLAGS);
    sweep = parseSweepOptions(opts);
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`experiment: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (opts.help) {
    process.stdout.write(USAGE + '\n' + SWEEP_USAGE + '\n');
    return 0;
  }
  const backend = await setupNodeBackend(opts.backend);
  const data = await loadDatasetNode(opts.config.dataset);
  // The shape checks again, now with the loaded dataset's shape (parseArgs knows only the built-in ones).
  try {
    const problems = configProblems(opts.config, data.meta);
    if (problems.length > 0) throw new CliError(problems.map((p) => p.message).join('; '));
    if (sweep) checkSweepDims(sweep, opts.config, data.meta);
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`experiment: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const emit = (line: Record<string, unknown>) => process.stdout.write(JSON.stringify(line) + '\n');
  // .cache/tokenizers, or LDAE_TOKENIZER_CACHE_DIR (tests use a fresh one).
  const tokenizerCache = new FileTokenizerCache(process.env.LDAE_TOKENIZER_CACHE_DIR || DEFAULT_TOKENIZER_CACHE_DIR);
  if (sweep) {
    const result = await runTokenizerSweep(opts, sweep, data, backend, tokenizerCache, emit);
    process.stdout.write('\n' + result.markdown + '\n\n');
    process.stdout.write(`Written to ${sweep.out}\n`);
    return result.failed.length > 0 ? 1 : 0;
  }
  const hooks = createProbeHooks(opts.config, data);
  const summary = await runExperiment({ preset: opts.preset, config: opts.config, backend, trainImages: opts.trainImages, tokenizerCache }, data, emit, hooks);
  emit(summary);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`experiment: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
