// A trained l-DAE as one safetensors file: the ViT weights as F32 tensors named "vit/<param>"
// (e.g. vit/block0/q/w), and in __metadata__ everything needed to rebuild the model around them:
// the format name and version, the full config (JSON), the step, the run's preset and training
// image count, and the fitted tokenizer (its LDTK bytes from tokenizers/cache/binary.ts, base64).
// No optimizer state: a checkpoint is for probing and inspecting a model, not for resuming.
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../build';
import { DEFAULT_CONFIG, configProblems, type ExperimentConfig } from '../config';
import type { LdaeModel } from '../ldaeModel';
import { tokenizerFromBytes, tokenizerToBytes } from '../tokenizers/cache/binary';
import { restoreTokenizer } from '../tokenizers';
import type { SerializedTokenizer } from '../tokenizers/types';
import { SafetensorsError, decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors';

export const CHECKPOINT_FORMAT = 'ldae-checkpoint';
export const CHECKPOINT_VERSION = 1;
const WEIGHT_PREFIX = 'vit/';

export interface Checkpoint {
  config: ExperimentConfig;
  /** Training steps done when it was written. */
  step: number;
  preset: string;
  /** Training images the run used (the first N of the dataset's train split; the loss basis needs them). */
  trainImages: number;
  tokenizer: SerializedTokenizer;
  weights: NamedTensor[];
}

export class CheckpointError extends Error {}

export function checkpointToBytes(c: Checkpoint): Uint8Array {
  return encodeSafetensors({
    tensors: c.weights,
    metadata: {
      format: CHECKPOINT_FORMAT,
      format_version: String(CHECKPOINT_VERSION),
      config: JSON.stringify(c.config),
      step: String(c.step),
      preset: c.preset,
      train_images: String(c.trainImages),
      tokenizer: bytesToBase64(tokenizerToBytes(c.tokenizer)),
    },
  });
}

/** Parses and checks a checkpoint; every problem is a CheckpointError with one sentence. */
export function checkpointFromBytes(bytes: Uint8Array): Checkpoint {
  let contents;
  try {
    contents = decodeSafetensors(bytes);
  } catch (e) {
    if (e instanceof SafetensorsError) throw new CheckpointError(`not a readable checkpoint: ${e.message}`);
    throw e;
  }
  const m = contents.metadata;
  if (m.format !== CHECKPOINT_FORMAT) throw new CheckpointError(`not an l-DAE checkpoint (metadata format is ${m.format === undefined ? 'missing' : `"${m.format}"`}, expected "${CHECKPOINT_FORMAT}")`);
  if (m.format_version !== String(CHECKPOINT_VERSION)) {
    throw new CheckpointError(`checkpoint format version ${m.format_version ?? 'missing'} is not supported (this version reads ${CHECKPOINT_VERSION})`);
  }
  const step = integerField(m, 'step');
  const trainImages = integerField(m, 'train_images');
  const config = parseStoredConfig(m.config);
  let tokenizer: SerializedTokenizer;
  try {
    tokenizer = tokenizerFromBytes(base64ToBytes(m.tokenizer ?? ''));
  } catch (e) {
    throw new CheckpointError(`checkpoint tokenizer is unreadable: ${(e as Error).message}`);
  }
  if (tokenizer.kind !== config.tokenizer) throw new CheckpointError(`checkpoint tokenizer is ${tokenizer.kind} but its config says ${config.tokenizer}`);
  return { config, step, preset: m.preset ?? '', trainImages, tokenizer, weights: contents.tensors };
}

function integerField(m: Record<string, string>, key: string): number {
  const v = Number(m[key]);
  if (m[key] === undefined || !Number.isInteger(v) || v < 0) throw new CheckpointError(`checkpoint metadata ${key} is ${m[key] === undefined ? 'missing' : `"${m[key]}"`}, expected a non-negative integer`);
  return v;
}

/** Fields added to the config after the file was written take their defaults. `what` names the file kind in messages. */
export function parseStoredConfig(raw: string | undefined, what = 'checkpoint'): ExperimentConfig {
  let stored: unknown;
  try {
    stored = JSON.parse(raw ?? '');
  } catch {
    throw new CheckpointError(`${what} config is missing or not JSON`);
  }
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) throw new CheckpointError(`${what} config is not an object`);
  const unknown = Object.keys(stored).filter((k) => !(k in DEFAULT_CONFIG));
  if (unknown.length > 0) throw new CheckpointError(`${what} config has fields this version does not know: ${unknown.join(', ')}`);
  const config = { ...DEFAULT_CONFIG, ...(stored as Partial<ExperimentConfig>) };
  const problems = configProblems(config);
  if (problems.length > 0) throw new CheckpointError(`${what} config is invalid: ${problems.map((p) => p.message).join('; ')}`);
  return config;
}

/** The stable name of a ViT variable: its name without the per-instance "vitN/" prefix. */
export function weightName(v: tf.Variable): string {
  return WEIGHT_PREFIX + v.name.replace(/^vit\d+\//, '');
}

/** The model's weights as named tensors (one readback per variable). */
export async function modelWeights(model: LdaeModel): Promise<NamedTensor[]> {
  return Promise.all(model.vit.variables.map(async (v) => ({ name: weightName(v), shape: [...v.shape], data: (await v.data()) as Float32Array })));
}

export async function checkpointOf(model: LdaeModel, step: number, run: { preset: string; trainImages: number }): Promise<Checkpoint> {
  return { config: model.cfg, step, preset: run.preset, trainImages: run.trainImages, tokenizer: model.tokenizer.serialize(), weights: await modelWeights(model) };
}

/** null when the weights fit the model exactly (same names, same shapes), else one sentence. */
export function weightMismatch(model: LdaeModel, weights: readonly NamedTensor[]): string | null {
  const given = new Map(weights.map((w) => [w.name, w]));
  const wanted = new Map(model.vit.variables.map((v) => [weightName(v), v]));
  const missing = [...wanted.keys()].filter((n) => !given.has(n));
  const unexpected = [...given.keys()].filter((n) => !wanted.has(n));
  const wrongShape = [...wanted].flatMap(([n, v]) => {
    const w = given.get(n);
    return w && w.shape.join(',') !== v.shape.join(',') ? [`${n} is [${w.shape.join(',')}], the model has [${v.shape.join(',')}]`] : [];
  });
  const parts = [
    missing.length > 0 ? `missing ${list(missing)}` : '',
    unexpected.length > 0 ? `unexpected ${list(unexpected)}` : '',
    wrongShape.length > 0 ? list(wrongShape) : '',
  ].filter(Boolean);
  return parts.length > 0 ? `checkpoint weights do not match the model built from its config: ${parts.join('; ')}` : null;
}

const list = (xs: string[]) => (xs.length <= 3 ? xs.join(', ') : `${xs.slice(0, 3).join(', ')} and ${xs.length - 3} more`);

/** Overwrites the model's weights; CheckpointError (and nothing changed) when they do not fit. */
export function loadWeights(model: LdaeModel, weights: readonly NamedTensor[]): void {
  const problem = weightMismatch(model, weights);
  if (problem) throw new CheckpointError(problem);
  const byName = new Map(weights.map((w) => [w.name, w]));
  for (const v of model.vit.variables) {
    const w = byName.get(weightName(v))!;
    tf.tidy(() => v.assign(tf.tensor(w.data, w.shape, 'float32')));
  }
}

/**
 * The model of the checkpoint's config around its tokenizer, with freshly initialised weights
 * (identical to the run's model before its first step); `trainImages` are the run's training
 * images (the PCA-weighted loss of a non-PCA tokenizer needs their patch PCA).
 */
export function buildCheckpointModel(c: Checkpoint, trainImages: tf.Tensor4D): Promise<LdaeModel> {
  return buildModel(c.config, restoreTokenizer(c.tokenizer), trainImages);
}

export async function restoreModel(c: Checkpoint, trainImages: tf.Tensor4D): Promise<LdaeModel> {
  const model = await buildCheckpointModel(c, trainImages);
  try {
    loadWeights(model, c.weights);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function base64ToBytes(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
