// The probe's view of a model (probeExtractor): the default is the paper's clean, middle-block,
// mean-pooled feature bit for bit; probeNoise and probeFeatures change it as documented; with an
// EMA the features are those of the averaged weights and the live weights are untouched.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetNode } from '../../src/data/loadNode';
import { buildModel, obtainTokenizer } from '../../src/ldae/build';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/ldae/config';
import { splitImages } from '../../src/ldae/deviceData';
import { createWeightsEma } from '../../src/ldae/ema';
import type { LdaeModel } from '../../src/ldae/ldaeModel';
import { networkInput } from '../../src/ldae/objective';
import { probeExtractor } from '../../src/ldae/probe/modelFeatures';
import { setupNodeBackend } from '../../src/node/backend';
import { perturbWeights, readWeights, writeWeights } from './modelHelpers';

let train: tf.Tensor4D;
let x: tf.Tensor4D;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  const data = await loadDatasetNode('fashion-mnist');
  train = splitImages(data.train, data.meta, 256);
  x = train.slice([0, 0, 0, 0], [6, -1, -1, -1]);
});

const base: ExperimentConfig = { ...DEFAULT_CONFIG, modelSize: 'micro', tokenizerSamples: 1000, probeT: 0.3 };

/** A micro model with every weight perturbed: at init all blocks are the identity. */
async function perturbedModel(cfg: ExperimentConfig): Promise<LdaeModel> {
  const { tokenizer } = await obtainTokenizer(cfg, train, null);
  const model = await buildModel(cfg, tokenizer, train);
  perturbWeights(model.vit, 3, 0.1);
  return model;
}

const values = async (t: tf.Tensor) => Array.from((await t.data()) as Float32Array);
const read = (extract: ReturnType<typeof probeExtractor>, set = 'train', start = 0) => {
  const f = tf.tidy(() => extract(x, { set, start }));
  const v = values(f);
  return v.finally(() => f.dispose());
};

describe('probeExtractor', () => {
  it('default: bit-identical to the clean middle-block mean-pooled feature; probeNoise and mean-of-blocks differ, [B, width]', async () => {
    const model = await perturbedModel(base);
    const before = await read(probeExtractor(model, base));
    // The computation as it was before these knobs existed.
    const old = tf.tidy(() => {
      const z = model.tokenizer.encode(x).mul(model.schedule(base.probeT).gamma) as tf.Tensor3D;
      const input = networkInput(base, model.tokenizer, z, 28);
      return model.vit.features(input, tf.fill([6], base.probeT) as tf.Tensor1D).mean(1);
    });
    expect(old.shape).toEqual([6, 32]);
    expect(before).toEqual(await values(old));
    old.dispose();

    const noisy = { ...base, probeNoise: true };
    const n1 = await read(probeExtractor(model, noisy));
    expect(n1.length).toBe(6 * 32);
    expect(n1).not.toEqual(before);
    expect(await read(probeExtractor(model, noisy))).toEqual(n1); // same image, same noise
    expect(await read(probeExtractor(model, noisy), 'train', 256)).not.toEqual(n1); // another batch, other noise
    expect(await read(probeExtractor(model, noisy), 'test')).not.toEqual(n1);

    const mean = await read(probeExtractor(model, { ...base, probeFeatures: 'mean-of-blocks' }));
    const manual = tf.tidy(() => {
      const z = model.tokenizer.encode(x).mul(model.schedule(base.probeT).gamma) as tf.Tensor3D;
      const blocks = model.vit.residuals(networkInput(base, model.tokenizer, z, 28), tf.fill([6], base.probeT) as tf.Tensor1D);
      return tf.addN([blocks[1].mean(1), blocks[2].mean(1)]).div(2);
    });
    expect(mean.length).toBe(6 * 32);
    expect(mean).not.toEqual(before);
    const diff = Math.max(...(await values(manual)).map((v, i) => Math.abs(v - mean[i])));
    expect(diff).toBeLessThan(1e-6);
    manual.dispose();
    model.dispose();
  });

  it('with an EMA: the features of the averaged weights, live weights restored, nothing leaked', async () => {
    const model = await perturbedModel(base);
    const ema = createWeightsEma(model.vit.variables, 0.5);
    const initial = await readWeights(model.vit);
    perturbWeights(model.vit, 4, 0.1); // the "training step"
    ema.update(); // ema = (initial + now) / 2
    const liveWeights = await readWeights(model.vit);
    const live = await read(probeExtractor(model, base));
    const before = tf.memory().numTensors;
    const averaged = await read(probeExtractor(model, base, ema));
    expect(tf.memory().numTensors).toBe(before);
    expect(averaged).not.toEqual(live);
    expect(await readWeights(model.vit)).toEqual(liveWeights);
    expect(await read(probeExtractor(model, base))).toEqual(live);
    // A throwing read still puts the live weights back.
    expect(() =>
      ema.swapIn(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(await readWeights(model.vit)).toEqual(liveWeights);
    // The same as a model that holds the averaged weights.
    writeWeights(model.vit, initial.map((w, i) => w.map((v, j) => 0.5 * v + 0.5 * liveWeights[i][j])));
    const direct = await read(probeExtractor(model, base));
    expect(Math.max(...direct.map((v, i) => Math.abs(v - averaged[i])))).toBeLessThan(1e-5);
    ema.dispose();
    model.dispose();
  });
});
