import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetNode } from '../../src/data/loadNode';
import { buildModel, obtainTokenizer } from '../../src/ldae/build';
import {
  CHECKPOINT_FORMAT,
  CheckpointError,
  checkpointFromBytes,
  checkpointOf,
  checkpointToBytes,
  loadWeights,
  modelWeights,
  restoreModel,
  weightMismatch,
} from '../../src/ldae/checkpoint/checkpoint';
import { SafetensorsError, decodeSafetensors, encodeSafetensors } from '../../src/ldae/checkpoint/safetensors';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import { splitImages } from '../../src/ldae/deviceData';
import type { LdaeModel } from '../../src/ldae/ldaeModel';
import { Trainer } from '../../src/ldae/trainer';
import { setupNodeBackend } from '../../src/node/backend';
import type { LoadedDataset } from '../../src/types/data';

describe('safetensors byte layout', () => {
  const tensors = [
    { name: 'a', shape: [2], data: new Float32Array([1.5, -2]) },
    { name: 'b/w', shape: [1, 3], data: new Float32Array([0.25, 3, -0.125]) },
  ];

  it('writes u64 LE header length, a space-padded JSON header (multiple of 8), offsets from the data start, LE float32 data', () => {
    const bytes = encodeSafetensors({ tensors, metadata: { step: '7' } });
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    expect(view.getUint32(4, true)).toBe(0); // the high half of the u64
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text[0]).toBe('{');
    expect(/^[^ ]*\} *$/.test(text)).toBe(true); // only trailing spaces as padding
    const header = JSON.parse(text);
    expect(header.__metadata__).toEqual({ step: '7' });
    expect(header.a).toEqual({ dtype: 'F32', shape: [2], data_offsets: [0, 8] });
    expect(header['b/w']).toEqual({ dtype: 'F32', shape: [1, 3], data_offsets: [8, 20] });
    expect(bytes.length).toBe(8 + n + 20);
    const start = 8 + n;
    expect(start % 8).toBe(0); // every F32 tensor starts 4-byte aligned in the file
    expect(view.getFloat32(start, true)).toBe(1.5);
    expect(view.getFloat32(start + 4, true)).toBe(-2);
    expect(view.getFloat32(start + 8 + 8, true)).toBe(-0.125);
  });

  it('round-trips, also from an unaligned view', () => {
    const bytes = encodeSafetensors({ tensors, metadata: { x: 'y' } });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const back = decodeSafetensors(shifted.subarray(3));
    expect(back.metadata).toEqual({ x: 'y' });
    expect(back.tensors.map((t) => [t.name, t.shape, [...t.data]])).toEqual(tensors.map((t) => [t.name, t.shape, [...t.data]]));
  });

  it('rejects short, truncated, non-JSON, holed and non-F32 files with one sentence', () => {
    const bytes = encodeSafetensors({ tensors, metadata: {} });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const withHeader = (h: unknown, dataBytes: number) => {
      const json = new TextEncoder().encode(JSON.stringify(h));
      const out = new Uint8Array(8 + json.length + dataBytes);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      return out;
    };
    const cases: [Uint8Array, RegExp][] = [
      [bytes.subarray(0, 5), /too short/],
      [bytes.subarray(0, 8 + n - 2), /truncated: header/],
      [bytes.subarray(0, bytes.length - 4), /truncated: tensor "b\/w"/],
      [new Uint8Array([...bytes, 0, 0, 0, 0]), /4 bytes after the last tensor/],
      [new TextEncoder().encode('12345678 not json at all'), /implausible|truncated/],
      [withHeader({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /starts at byte 4, expected 0/],
      [withHeader({ a: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, 4), /dtype F16 is not supported/],
      [withHeader({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8), /do not hold shape \[3\]/],
    ];
    for (const [b, message] of cases) {
      expect(() => decodeSafetensors(b)).toThrow(SafetensorsError);
      expect(() => decodeSafetensors(b)).toThrow(message);
    }
  });
});

describe('checkpoint of a trained model', () => {
  let data: LoadedDataset;
  beforeAll(async () => {
    await setupNodeBackend('wasm');
    data = await loadDatasetNode('fashion-mnist');
  });

  const base: ExperimentConfig = { ...DEFAULT_CONFIG, modelSize: 'micro', batchSize: 16, steps: 4, tokenizerSamples: 500, tokenizerSteps: 10, backend: 'wasm' };

  async function trained(cfg: ExperimentConfig, train: tf.Tensor4D): Promise<LdaeModel> {
    const model = await buildModel(cfg, (await obtainTokenizer(cfg, train, null)).tokenizer, train);
    const trainer = new Trainer(model, train);
    for (let i = 0; i < cfg.steps; i++) trainer.trainStep();
    await trainer.readMetrics();
    trainer.dispose();
    return model;
  }

  async function featuresAndLoss(model: LdaeModel, images: tf.Tensor4D): Promise<{ features: Float32Array; loss: number }> {
    const t = new Float32Array(images.shape[0]).map((_, i) => (i + 1) / (images.shape[0] + 1));
    const noise = model.noise(t, 1234);
    const tT = tf.tensor1d(t);
    const f = model.features(images, 0.01);
    const loss = model.loss(images, tT, noise);
    const out = { features: (await f.data()) as Float32Array, loss: (await loss.data())[0] };
    tf.dispose([f, loss, tT, noise.gamma, noise.sigma, noise.eps]);
    return out;
  }

  for (const tokenizer of ['pca', 'patch-ae'] as const) {
    it(`a model restored from the bytes gives identical features and loss (${tokenizer})`, async () => {
      const cfg = { ...base, tokenizer };
      const train = splitImages(data.train, data.meta, 256);
      const images = train.slice(0, 8);
      const model = await trained(cfg, train);
      const bytes = checkpointToBytes(await checkpointOf(model, 4, { preset: 'ldae', trainImages: 256 }));
      const ck = checkpointFromBytes(bytes);
      expect(ck).toMatchObject({ config: cfg, step: 4, preset: 'ldae', trainImages: 256 });
      expect(ck.tokenizer.kind).toBe(tokenizer);
      const restored = await restoreModel(ck, train);
      const a = await featuresAndLoss(model, images);
      const b = await featuresAndLoss(restored, images);
      expect(b.loss).toBe(a.loss);
      expect([...b.features]).toEqual([...a.features]);
      // The trained weights really moved away from the init (the comparison is not init vs init).
      const fresh = await buildModel(cfg, (await obtainTokenizer(cfg, train, ck.tokenizer)).tokenizer, train);
      expect((await featuresAndLoss(fresh, images)).loss).not.toBe(a.loss);
      expect(weightMismatch(fresh, ck.weights)).toBeNull();
      tf.dispose([images, train]);
      [model, restored, fresh].forEach((m) => m.dispose());
    });
  }

  it('rejects wrong format, version, config and weights that do not fit, with one sentence each', async () => {
    const train = splitImages(data.train, data.meta, 128);
    const model = await trained({ ...base, steps: 1 }, train);
    const ck = await checkpointOf(model, 1, { preset: 'ldae', trainImages: 128 });
    const withMeta = (patch: Record<string, string>) => {
      const c = decodeSafetensors(checkpointToBytes(ck));
      return encodeSafetensors({ tensors: c.tensors, metadata: { ...c.metadata, ...patch } });
    };
    const bad: [Uint8Array, RegExp][] = [
      [withMeta({ format: 'something-else' }), new RegExp(`not an l-DAE checkpoint .*expected "${CHECKPOINT_FORMAT}"`)],
      [withMeta({ format_version: '99' }), /format version 99 is not supported/],
      [withMeta({ config: '{"patchSize": 5}' }), /config is invalid: patchSize must divide/],
      [withMeta({ config: '{"noSuchKnob": 1}' }), /fields this version does not know: noSuchKnob/],
      [withMeta({ step: 'x' }), /metadata step is "x"/],
      [withMeta({ tokenizer: 'QUJD' }), /tokenizer is unreadable/],
      [checkpointToBytes(ck).subarray(0, 100), /not a readable checkpoint: file is truncated/],
    ];
    for (const [bytes, message] of bad) {
      expect(() => checkpointFromBytes(bytes)).toThrow(CheckpointError);
      expect(() => checkpointFromBytes(bytes)).toThrow(message);
    }
    const weights = await modelWeights(model);
    const renamed = weights.map((w, i) => (i === 0 ? { ...w, name: 'vit/other' } : w));
    expect(() => loadWeights(model, renamed)).toThrow(/missing vit\/embed\/w; unexpected vit\/other/);
    const reshaped = weights.map((w, i) => (i === 0 ? { ...w, shape: [w.data.length] } : w));
    expect(() => loadWeights(model, reshaped)).toThrow(new RegExp(`vit/embed/w is \\[${weights[0].data.length}\\], the model has \\[${weights[0].shape.join(',')}\\]`));
    model.dispose();
    train.dispose();
  });
});
