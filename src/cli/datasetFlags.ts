// --data PATH [--image-size 28|32] [--channels 3|1]: an image folder, a zip of one, a CIFAR-10
// binary archive or a folder of its .bin batches, imported for this run (src/data/import), and the
// `dataset` block every summary carries.
import { colourDefaults } from '../ldae/colourDefaults';
import { configProblems, type ExperimentConfig } from '../ldae/config';
import { importFromPath } from '../data/import/fromPath';
import { IMPORT_SIDES, ImportError, type ImportSide } from '../data/import/types';
import type { DatasetMeta, LoadedDataset } from '../types/data';
import { CliError, type CliOptions } from './args';

export const DATA_FLAGS = ['--data', '--image-size', '--channels'] as const;

export const DATA_USAGE = `       npm run experiment -- --data PATH [--image-size 28|32] [--channels 3|1] ...
--data: an image folder (one subfolder per class, optional train/ and test/), a .zip of one, cifar-10-binary.tar.gz
or a folder with its .bin batches; images are centre-cropped and resized to --image-size (default 32), colour (3,
default) or greyscale (1). Without --set patchSize / latentDim / --size the colour defaults for the shape apply.`;

export interface DataRequest {
  path: string;
  side: ImportSide;
  channels: 1 | 3;
}

/** The --data request from the flags, or null; CliError for --image-size / --channels without --data or bad values. */
export function parseDataRequest(opts: Pick<CliOptions, 'extra' | 'sets'>): DataRequest | null {
  const path = opts.extra['--data'];
  const size = opts.extra['--image-size'];
  const channels = opts.extra['--channels'];
  if (path === undefined) {
    if (size !== undefined || channels !== undefined) throw new CliError(`${size !== undefined ? '--image-size' : '--channels'} only works with --data PATH`);
    return null;
  }
  if (path.trim() === '') throw new CliError('--data needs a path');
  if (opts.sets.some(([k]) => k === 'dataset')) throw new CliError('--data and --dataset (or --set dataset=...) cannot be used together: choose one');
  const side = size === undefined ? 32 : Number(size);
  if (!(IMPORT_SIDES as readonly number[]).includes(side)) throw new CliError(`--image-size must be ${IMPORT_SIDES.join(' or ')}, got "${size}"`);
  if (channels !== undefined && channels !== '1' && channels !== '3') throw new CliError(`--channels must be 3 (colour) or 1 (greyscale), got "${channels}"`);
  return { path, side: side as ImportSide, channels: channels === '1' ? 1 : 3 };
}

/** Imports the files; bad input is a CliError (exit 2, one line naming the file or folder). */
export async function loadDataRequest(req: DataRequest): Promise<LoadedDataset> {
  try {
    return (await importFromPath(req.path, { side: req.side, channels: req.channels })).dataset;
  } catch (e) {
    if (e instanceof ImportError) throw new CliError(e.message);
    throw e;
  }
}

/**
 * The config for the imported dataset: its id, and the shape's defaults (colourDefaults) for the
 * patch size, d and model size the user did not set; then checked against the shape.
 */
export function configForImported(opts: Pick<CliOptions, 'config' | 'sets'>, meta: DatasetMeta): ExperimentConfig {
  const given = new Set(opts.sets.map(([k]) => k));
  const defaults = Object.fromEntries(Object.entries(colourDefaults(meta)).filter(([k]) => !given.has(k)));
  const config: ExperimentConfig = { ...opts.config, ...defaults, dataset: meta.id };
  const problems = configProblems(config, meta);
  if (problems.length > 0) throw new CliError(`${meta.name}: ${problems.map((p) => p.message).join('; ')}`);
  return config;
}

/** The summary's `dataset` block, for the embedded and the imported datasets alike. */
export function datasetBlock(meta: DatasetMeta) {
  return {
    name: meta.name,
    classes: meta.classNames.length,
    channels: meta.channels,
    height: meta.height,
    width: meta.width,
    train: meta.trainCount,
    test: meta.testCount,
    skipped: meta.imported?.skipped ?? 0,
  };
}

/** The line printed once an import is done: the block, the class names and what the user should know. */
export function importLine(meta: DatasetMeta): Record<string, unknown> {
  const r = meta.imported;
  return {
    type: 'dataset',
    id: meta.id,
    ...datasetBlock(meta),
    class_names: meta.classNames,
    source: r?.source,
    resized: r?.resized ?? 0,
    skipped_files: r?.skippedFiles ?? [],
    warnings: r?.warnings ?? [],
    import_seconds: (r?.importMs ?? 0) / 1000,
  };
}
