// A run bundle: one zip file holding everything a run needs to be listed, compared, probed or
// resumed elsewhere (docs/bundle-format.md):
//   manifest.json        format name and version, the run's record (config, metrics, probes,
//                        baselines, summaries, environment, times) and where it stands
//   weights.safetensors  the trainer's state as named F32 tensors (trainerStateTensors.ts)
//   tokenizer.ldtk       the fitted tokenizer (tokenizers/cache/binary.ts)
// Reading checks every part and throws BundleError with one sentence; nothing is applied here.
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { Baselines, MetricsPoint, ModelSummary, ProbeResult, TokenizerSummary } from '../../types/run';
import { CheckpointError, parseStoredConfig } from '../checkpoint/checkpoint';
import { SafetensorsError, decodeSafetensors, encodeSafetensors, type NamedTensor } from '../checkpoint/safetensors';
import type { ExperimentConfig } from '../config';
import { tokenizerFromBytes, tokenizerToBytes } from '../tokenizers/cache/binary';
import type { SerializedTokenizer } from '../tokenizers/types';
import type { TrainerPosition } from '../trainer';

export const BUNDLE_FORMAT = 'ldae-run-bundle';
export const BUNDLE_VERSION = 1;
const STATE_FORMAT = 'ldae-run-state';

export class BundleError extends Error {}

/** Where a run stands when it was saved: 'paused' runs can be resumed; 'done' ones probed. */
export type SavedRunState = 'paused' | 'done';

/** The run as plain data: what the runs table lists and manifest.json holds. */
export interface RunRecord {
  name: string;
  preset: string;
  config: ExperimentConfig;
  state: SavedRunState;
  step: number;
  /** The first N images of the dataset's train split that the run trains on. */
  trainImages: number;
  metrics: MetricsPoint[];
  probes: ProbeResult[];
  baselines: Baselines | null;
  tokenizer: TokenizerSummary | null;
  model: ModelSummary | null;
  environment: { backend: string; runtime: string };
  /** ISO 8601 times; wallSeconds is training and probing time, pauses left out. */
  startedAt: string;
  endedAt: string | null;
  wallSeconds: number;
  /** The run was started from a shared link (?preset=... in the URL). */
  fromSharedLink?: boolean;
}

export interface RunBundle {
  record: RunRecord;
  position: TrainerPosition;
  tokenizer: SerializedTokenizer;
  /** trainerStateTensors(): weights, optimizer moments, step, lr, EMA. */
  tensors: NamedTensor[];
}

export function runBundleToBytes(b: RunBundle): Uint8Array {
  const manifest = { format: BUNDLE_FORMAT, format_version: BUNDLE_VERSION, ...b.record };
  const weights = encodeSafetensors({
    tensors: b.tensors,
    metadata: {
      format: STATE_FORMAT,
      step: String(b.position.step),
      epoch: String(b.position.epoch),
      cursor: String(b.position.cursor),
      optimizer_steps: String(b.position.optimizerSteps),
    },
  });
  return zipSync({
    'manifest.json': strToU8(JSON.stringify(manifest, null, 1)),
    // Already dense float data: storing them uncompressed keeps export and import fast.
    'weights.safetensors': [weights, { level: 0 }],
    'tokenizer.ldtk': [tokenizerToBytes(b.tokenizer), { level: 0 }],
  });
}

export function runBundleFromBytes(bytes: Uint8Array): RunBundle {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new BundleError(`not a run bundle: not a readable zip file (${(e as Error).message})`);
  }
  const part = (name: string) => {
    const data = files[name];
    if (!data) throw new BundleError(`not a complete run bundle: ${name} is missing`);
    return data;
  };
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(strFromU8(part('manifest.json')));
  } catch (e) {
    if (e instanceof BundleError) throw e;
    throw new BundleError('the bundle manifest.json is not JSON');
  }
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) throw new BundleError('the bundle manifest.json is not an object');
  if (manifest.format !== BUNDLE_FORMAT) throw new BundleError(`not an l-DAE run bundle (manifest format is ${manifest.format === undefined ? 'missing' : JSON.stringify(manifest.format)}, expected "${BUNDLE_FORMAT}")`);
  const version = manifest.format_version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw new BundleError(`the bundle format version ${JSON.stringify(version)} is not a version number`);
  if (version > BUNDLE_VERSION) throw new BundleError(`the bundle format version ${version} is newer than this playground reads (${BUNDLE_VERSION}): open it with a newer version`);
  let config: ExperimentConfig;
  try {
    config = parseStoredConfig(JSON.stringify(manifest.config ?? null), 'bundle');
  } catch (e) {
    if (e instanceof CheckpointError) throw new BundleError(e.message);
    throw e;
  }
  const record = recordFrom(manifest, config);

  let state;
  try {
    state = decodeSafetensors(part('weights.safetensors'));
  } catch (e) {
    if (e instanceof SafetensorsError) throw new BundleError(`the bundle weights.safetensors is unreadable: ${e.message}`);
    throw e;
  }
  if (state.metadata.format !== STATE_FORMAT) throw new BundleError(`the bundle weights.safetensors is not a training state (metadata format ${state.metadata.format ?? 'missing'})`);
  const int = (key: string) => {
    const v = Number(state.metadata[key]);
    if (state.metadata[key] === undefined || !Number.isInteger(v) || v < 0) throw new BundleError(`the bundle weights.safetensors metadata ${key} is ${state.metadata[key] ?? 'missing'}, expected a non-negative integer`);
    return v;
  };
  const position: TrainerPosition = { step: int('step'), epoch: int('epoch'), cursor: int('cursor'), optimizerSteps: int('optimizer_steps') };
  if (position.step !== record.step) throw new BundleError(`the bundle is inconsistent: manifest step ${record.step}, weights step ${position.step}`);
  if (position.step > config.steps) throw new BundleError(`the bundle is at step ${position.step}, past its config's ${config.steps} steps`);

  let tokenizer: SerializedTokenizer;
  try {
    tokenizer = tokenizerFromBytes(part('tokenizer.ldtk'));
  } catch (e) {
    if (e instanceof BundleError) throw e;
    throw new BundleError(`the bundle tokenizer.ldtk is unreadable: ${(e as Error).message}`);
  }
  if (tokenizer.kind !== config.tokenizer) throw new BundleError(`the bundle tokenizer is ${tokenizer.kind} but its config says ${config.tokenizer}`);
  return { record, position, tokenizer, tensors: state.tensors };
}

function recordFrom(m: Record<string, unknown>, config: ExperimentConfig): RunRecord {
  const str = (k: string, fallback: string) => (typeof m[k] === 'string' ? (m[k] as string) : fallback);
  const num = (k: string) => {
    const v = m[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new BundleError(`the bundle manifest ${k} is ${JSON.stringify(v)}, expected a non-negative number`);
    return v;
  };
  const list = <T,>(k: string): T[] => {
    const v = m[k] ?? [];
    if (!Array.isArray(v)) throw new BundleError(`the bundle manifest ${k} is not a list`);
    return v as T[];
  };
  const state = m.state === 'done' ? 'done' : 'paused';
  const env = (m.environment ?? {}) as Record<string, unknown>;
  return {
    name: str('name', 'imported run'),
    preset: str('preset', ''),
    config,
    state,
    step: num('step'),
    trainImages: num('trainImages'),
    metrics: list<MetricsPoint>('metrics'),
    probes: list<ProbeResult>('probes'),
    baselines: (m.baselines ?? null) as Baselines | null,
    tokenizer: (m.tokenizer ?? null) as TokenizerSummary | null,
    model: (m.model ?? null) as ModelSummary | null,
    environment: { backend: String(env.backend ?? 'unknown'), runtime: String(env.runtime ?? 'unknown') },
    startedAt: str('startedAt', ''),
    endedAt: typeof m.endedAt === 'string' ? m.endedAt : null,
    wallSeconds: typeof m.wallSeconds === 'number' ? m.wallSeconds : 0,
    ...(m.fromSharedLink === true ? { fromSharedLink: true } : {}),
  };
}
