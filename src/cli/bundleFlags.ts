// `--export FILE` (write the run as a bundle when it ends), `--stop-at K` (end at step K as a
// pause would; the schedules still span --steps) and `--resume FILE` (go on from a bundle; its
// config, tokenizer and training images are the run's).
import type { RunBundle } from '../ldae/bundle/runBundle';
import { CliError, type CliOptions } from './args';

export const BUNDLE_FLAGS = ['--export', '--stop-at', '--resume'] as const;

export const BUNDLE_USAGE = `       npm run experiment -- ... --steps 40 --stop-at 20 --export run.zip     (end at step 20 as a pause would; write the run bundle)
       npm run experiment -- --resume run.zip [--export run2.zip] [--stop-at K] [--backend B]     (go on from a bundle to its --steps)
A run bundle is one zip: manifest.json (config, metrics, probes, baselines, environment) + weights.safetensors + tokenizer.ldtk (docs/bundle-format.md).`;

export interface BundleRequest {
  exportTo: string | null;
  stopAt: number | null;
  resumeFrom: string | null;
}

export function parseBundleRequest(opts: Pick<CliOptions, 'extra'>): BundleRequest {
  const raw = opts.extra['--stop-at'];
  let stopAt: number | null = null;
  if (raw !== undefined) {
    stopAt = Number(raw);
    if (!Number.isInteger(stopAt) || stopAt < 1) throw new CliError(`--stop-at must be a step number >= 1, got "${raw}"`);
  }
  return { exportTo: opts.extra['--export'] ?? null, stopAt, resumeFrom: opts.extra['--resume'] ?? null };
}

/** With --resume the bundle fixes the config, preset and training images: flags that would change them are an error. */
export function checkResumeFlags(opts: Pick<CliOptions, 'presetGiven' | 'trainImagesGiven' | 'sets'>): void {
  const bad = [opts.presetGiven ? '--preset' : '', opts.trainImagesGiven ? '--train-images' : '', ...opts.sets.map(([k]) => `${k} (--set or its flag)`)].filter(Boolean);
  if (bad.length > 0) throw new CliError(`--resume: ${bad.join(', ')} cannot be given: the bundle fixes the config, the preset and the training images`);
}

/** The step the run should end at: --stop-at, else its config's steps. */
export function endStep(req: BundleRequest, steps: number, resumed: RunBundle | null): number {
  if (req.stopAt === null) return steps;
  if (req.stopAt > steps) throw new CliError(`--stop-at ${req.stopAt} is past the run's ${steps} steps`);
  if (resumed && req.stopAt <= resumed.position.step) throw new CliError(`--stop-at ${req.stopAt}: the bundle is already at step ${resumed.position.step}`);
  return req.stopAt;
}
