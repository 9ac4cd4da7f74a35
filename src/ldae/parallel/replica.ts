// A gradient replica: the l-DAE model rebuilt from plain data (config, tokenizer, data PCA, image
// shape) that computes the loss and the ViT's gradients on a slice of a batch at given weights.
// Batch-parallel training (trainer.ts) runs one in each shard worker; the main replica keeps the
// optimizer, the EMA and every random draw, so a shard holds no state between steps.
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../config';
import { createLdaeModel, type LdaeModel } from '../ldaeModel';
import type { PatchPca } from '../patchPca';
import { restoreTokenizer } from '../tokenizers';
import type { SerializedTokenizer } from '../tokenizers/types';
import type { ImageShape } from '../../types/data';

/** What a shard needs to rebuild the model: structured-clonable plain data. */
export interface ReplicaSpec {
  cfg: ExperimentConfig;
  tokenizer: SerializedTokenizer;
  /** The data PCA the pca-weighted loss reads (null for the other weightings). */
  pca: PatchPca | null;
  imageShape: ImageShape;
}

/** One slice of a batch, off the device: x0 [b, H, W, C], t, gamma_t, sigma_t [b], eps [b, N, d]. */
export interface SliceInputs {
  x0: Float32Array;
  t: Float32Array;
  gamma: Float32Array;
  sigma: Float32Array;
  eps: Float32Array;
}

export interface SliceGradients {
  /** The slice's mean loss. */
  loss: number;
  /** d loss / d weights, every ViT variable flattened and concatenated in `vit.variables` order. */
  grads: Float32Array;
}

export interface Replica {
  /** Number of floats in the flattened weights (and gradients). */
  readonly size: number;
  gradients(params: Float32Array, slice: SliceInputs): Promise<SliceGradients>;
  dispose(): void;
}

export function replicaSpec(model: LdaeModel): ReplicaSpec {
  return { cfg: model.cfg, tokenizer: model.tokenizer.serialize(), pca: model.pca, imageShape: model.imageShape };
}

/** Total floats of a list of shapes. */
export function flatSize(variables: readonly { size: number }[]): number {
  return variables.reduce((a, v) => a + v.size, 0);
}

/** The batch size of a slice, checked against the model's shapes. */
export function sliceBatch(slice: SliceInputs, imageShape: ImageShape, tokens: number, latentDim: number): number {
  const b = slice.t.length;
  const { height, width, channels } = imageShape;
  const problems: string[] = [];
  if (slice.x0.length !== b * height * width * channels) problems.push(`x0 holds ${slice.x0.length} numbers, ${b} images of ${height}x${width}x${channels} need ${b * height * width * channels}`);
  if (slice.gamma.length !== b || slice.sigma.length !== b) problems.push(`gamma/sigma hold ${slice.gamma.length}/${slice.sigma.length} numbers for ${b} images`);
  if (slice.eps.length !== b * tokens * latentDim) problems.push(`eps holds ${slice.eps.length} numbers, ${b} x ${tokens} tokens x d = ${latentDim} need ${b * tokens * latentDim}`);
  if (problems.length > 0) throw new Error(`gradient replica: ${problems.join('; ')}`);
  return b;
}

/** Builds the replica on the current tfjs backend. */
export function createReplica(spec: ReplicaSpec): Replica {
  const model = createLdaeModel(spec.cfg, restoreTokenizer(spec.tokenizer), spec.pca, spec.imageShape);
  const variables = model.vit.variables;
  const size = flatSize(variables);
  const { height, width, channels } = spec.imageShape;
  return {
    size,
    async gradients(params, slice) {
      if (params.length !== size) throw new Error(`gradient replica: ${params.length} weights for a model of ${size}`);
      const b = sliceBatch(slice, spec.imageShape, model.tokens, model.tokenizer.latentDim);
      let offset = 0;
      for (const v of variables) {
        const value = tf.tensor(params.subarray(offset, offset + v.size), v.shape);
        v.assign(value);
        value.dispose();
        offset += v.size;
      }
      const { loss, flat } = tf.tidy(() => {
        const x0 = tf.tensor4d(slice.x0, [b, height, width, channels]);
        const t = tf.tensor1d(slice.t);
        const noise = { gamma: tf.tensor1d(slice.gamma), sigma: tf.tensor1d(slice.sigma), eps: tf.tensor3d(slice.eps, [b, model.tokens, model.tokenizer.latentDim]) };
        const { value, grads } = tf.variableGrads(() => model.loss(x0, t, noise), variables);
        return { loss: value, flat: tf.concat(variables.map((v) => tf.reshape(grads[v.name], [-1]))) };
      });
      const [lossValue, gradValues] = await Promise.all([loss.data(), flat.data()]);
      tf.dispose([loss, flat]);
      return { loss: lossValue[0], grads: gradValues as Float32Array };
    },
    dispose() {
      model.dispose();
    },
  };
}
