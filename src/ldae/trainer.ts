// A training session, pure tfjs: batches sliced from device-resident images with a seeded
// permutation per epoch (augmented when the config asks), t and eps seeded per step, AdamW with warm-up + cosine, and metrics read
// back from the device once per window (never per step).
import * as tf from '@tensorflow/tfjs';
import type { MetricsPoint } from '../types/run';
import { augmentBatch, augmentationOn } from './augment';
import type { ExperimentConfig } from './config';
import { createWeightsEma, type WeightsEma } from './ema';
import { deviceRandom, hasDeviceRandom } from './deviceRandom';
import type { LdaeModel } from './ldaeModel';
import type { Noise } from './objective';
import type { FaultInjection } from './nonFinite';
import { createAdamW, type AdamW } from './optim/adamw';
import { lrAt, lrSchedule, type LrSchedule } from './optim/schedule';
import { replicaSpec, type SliceGradients, type SliceInputs } from './parallel/replica';
import { sliceSizes, type GradientShard, type ShardFactory } from './parallel/shards';
import { deriveSeed, permutation, rng } from './random';
import { sampleTimes } from './schedules';

/**
 * Everything a run needs to go on from a step boundary: weights, optimizer state, EMA, the data
 * order and the step (every random draw is derived from the seed and the step or epoch, so this is
 * the RNG state too). Its tensors share their buffers with the live ones: nothing writes a weight
 * in place and the fused AdamW copies a shared moment before writing it (ensureOwnBuffers), so
 * taking one copies nothing; a buffer is duplicated only once training moves the live value on.
 */
export interface TrainerState {
  step: number;
  epoch: number;
  cursor: number;
  order: Int32Array;
  optimizerSteps: number;
  /** The trainer's variables' values, in `Trainer.stateVariables` order. */
  tensors: tf.Tensor[];
}

export interface TrainerPosition {
  step: number;
  epoch: number;
  cursor: number;
  optimizerSteps: number;
}

export function disposeTrainerState(state: TrainerState): void {
  tf.dispose(state.tensors);
}

export class Trainer {
  /** Steps completed. */
  step = 0;
  readonly optimizer: AdamW;
  readonly lr: LrSchedule;
  /** EMA of the ViT's weights (what the probes read) when cfg.emaDecay > 0, else null. */
  readonly ema: WeightsEma | null;
  private readonly cfg: ExperimentConfig;
  private readonly batchSize: number;
  private order: Int32Array = new Int32Array(0);
  private cursor = 0;
  private epoch = 0;
  private pending: { loss: tf.Scalar; gradNorm: tf.Scalar }[] = [];
  private windowStart = performance.now();
  /** The injected fault fires once: a rolled-back run that replays its step does not hit it again. */
  private faultFired = false;
  private orderOnDevice: { source: Int32Array; tensor: tf.Tensor1D } | null = null;
  /** Batch-parallel training: the shards that compute the other slices of each batch (none: one replica). */
  private shards: GradientShard[] = [];

  constructor(
    readonly model: LdaeModel,
    /** Training images [count, H, W, C] in [0, 1], on the device (not owned). */
    readonly images: tf.Tensor4D,
    /** Tests and demos: make one step's loss NaN (its gradients and the weights follow). */
    readonly fault: FaultInjection | null = null,
  ) {
    this.cfg = model.cfg;
    this.batchSize = Math.min(this.cfg.batchSize, images.shape[0]);
    this.lr = lrSchedule(this.cfg.lr, this.cfg.warmupSteps, this.cfg.steps);
    // Inside tidy: initial values of the optimizer's variables are temporaries (tidy keeps variables).
    let optimizer: AdamW | null = null;
    tf.tidy(() => {
      optimizer = createAdamW(model.vit.variables, { schedule: this.lr, weightDecay: this.cfg.weightDecay, gradClip: this.cfg.gradClip });
    });
    this.optimizer = optimizer!;
    this.ema = this.cfg.emaDecay > 0 ? createWeightsEma(model.vit.variables, this.cfg.emaDecay) : null;
  }

  /** Indices of the next batch; a new seeded permutation every epoch (the tail of an epoch is dropped). */
  private nextIndices(): Int32Array {
    if (this.cursor + this.batchSize > this.order.length) {
      this.order = permutation(this.images.shape[0], rng(deriveSeed(this.cfg.seed, 'epoch', this.epoch)));
      this.epoch++;
      this.cursor = 0;
    }
    const idx = this.order.subarray(this.cursor, this.cursor + this.batchSize);
    this.cursor += this.batchSize;
    return idx;
  }

  /**
   * Splits every following batch across `count` shards made by `factory` and this replica (see
   * parallelStep); the shards are the trainer's to dispose. Only where t and eps are drawn on the
   * CPU (wasm, cpu): the slices are cut from the same draws a single replica makes.
   */
  async useShards(factory: ShardFactory, count: number): Promise<void> {
    if (hasDeviceRandom(tf.getBackend())) throw new Error(`batch-parallel training runs on wasm or cpu, not ${tf.getBackend()}`);
    const shards = count > 0 ? await factory(replicaSpec(this.model), count) : [];
    this.disposeShards();
    this.shards = shards;
  }

  /** Replicas computing each batch: 1 + the shards (as many as the batch has images, at most). */
  get replicas(): number {
    return sliceSizes(this.batchSize, this.shards.length + 1).length;
  }

  /** One optimisation step: on this replica alone (trainStep), or split across the shards (parallelStep). */
  async advance(): Promise<void> {
    if (this.shards.length === 0) this.trainStep();
    else await this.parallelStep();
  }

  /** Dispatches one optimisation step; loss and gradient norm stay on the device until readMetrics. */
  trainStep(): void {
    if (this.shards.length > 0) throw new Error('trainStep: this trainer has gradient shards, step it with advance()');
    const s = this.step;
    const idx = this.nextIndices();
    // Where the device draws (webgpu), t and eps are generated there and the batch is a slice of
    // the epoch's order, uploaded once per epoch: the step uploads nothing. Elsewhere the seeded
    // CPU draws of the same seeds (a different generator: runs are reproducible per backend).
    const onDevice = hasDeviceRandom(tf.getBackend());
    const order = onDevice ? this.deviceOrder() : null;
    const x0 = tf.tidy(() => {
      const indices = order ? tf.slice(order, this.cursor - idx.length, idx.length) : tf.tensor1d(idx, 'int32');
      const batch = tf.gather(this.images, indices) as tf.Tensor4D;
      return augmentationOn(this.cfg) ? augmentBatch(batch, this.cfg, deriveSeed(this.cfg.seed, 'augment', s)) : batch;
    });
    const tSeed = deriveSeed(this.cfg.seed, 't', s);
    const epsSeed = deriveSeed(this.cfg.seed, 'eps', s);
    let tT: tf.Tensor1D;
    let noise: Noise;
    if (onDevice) {
      tT = (this.cfg.singleLevel ? tf.fill([idx.length], this.cfg.singleLevelT) : deviceRandom([idx.length], tSeed, false)) as tf.Tensor1D;
      noise = this.model.deviceNoise(tT, epsSeed);
    } else {
      const t = sampleTimes(this.cfg, idx.length, rng(tSeed));
      tT = tf.tensor1d(t);
      noise = this.model.noise(t, epsSeed);
    }
    const poisoned = this.fault !== null && !this.faultFired && s + 1 === this.fault.nanAtStep;
    if (poisoned) this.faultFired = true;
    const out = this.optimizer.minimize(() => (poisoned ? (tf.mul(this.model.loss(x0, tT, noise), Number.NaN) as tf.Scalar) : this.model.loss(x0, tT, noise)));
    this.ema?.update();
    tf.dispose([x0, tT, noise.gamma, noise.sigma, noise.eps]);
    this.pending.push(out);
    this.step++;
  }

  /**
   * One step with the batch cut into slices (sliceSizes): this replica computes the first slice's
   * gradients while each shard computes one of the others at the same weights; the step's
   * gradients and loss are their means weighted by slice size (the loss is a mean over images, so
   * this is the whole batch's gradient up to float rounding), and AdamW, the EMA and the metrics
   * go on here as in trainStep. The batch, t, eps and the augmentation are the draws trainStep
   * makes, so a run's numbers do not depend on the shard count beyond rounding.
   */
  private async parallelStep(): Promise<void> {
    const s = this.step;
    const idx = this.nextIndices();
    const B = idx.length;
    const variables = this.model.vit.variables;
    const t = sampleTimes(this.cfg, B, rng(deriveSeed(this.cfg.seed, 't', s)));
    const x0 = tf.tidy(() => {
      const batch = tf.gather(this.images, tf.tensor1d(idx, 'int32')) as tf.Tensor4D;
      return augmentationOn(this.cfg) ? augmentBatch(batch, this.cfg, deriveSeed(this.cfg.seed, 'augment', s)) : batch;
    });
    const tT = tf.tensor1d(t);
    const noise = this.model.noise(t, deriveSeed(this.cfg.seed, 'eps', s));
    const poisoned = this.fault !== null && !this.faultFired && s + 1 === this.fault.nanAtStep;
    if (poisoned) this.faultFired = true;
    const sizes = sliceSizes(B, this.shards.length + 1);
    const drawn = [x0, tT, noise.gamma, noise.sigma, noise.eps];
    let pending: Promise<SliceGradients>[] = [];
    let own: { value: tf.Scalar; flat: tf.Tensor } | null = null;
    try {
      const flatParams = tf.tidy(() => tf.concat(variables.map((v) => tf.reshape(v, [-1]))));
      const [params, x0s, gammas, sigmas, epss] = await Promise.all([flatParams, x0, noise.gamma, noise.sigma, noise.eps].map((x) => x.data() as Promise<Float32Array>)).finally(() => flatParams.dispose());
      const perImage = (a: Float32Array) => a.length / B;
      const cut = (a: Float32Array, from: number, n: number) => a.slice(from * perImage(a), (from + n) * perImage(a));
      let from = sizes[0];
      pending = this.shards.slice(0, sizes.length - 1).map((shard, k) => {
        const n = sizes[k + 1];
        const slice: SliceInputs = { x0: cut(x0s, from, n), t: t.slice(from, from + n), gamma: cut(gammas, from, n), sigma: cut(sigmas, from, n), eps: cut(epss, from, n) };
        from += n;
        return shard.gradients(k === sizes.length - 2 ? params : params.slice(), slice);
      });
      own = tf.tidy(() => {
        const n = sizes[0];
        const part = { gamma: tf.slice(noise.gamma, 0, n), sigma: tf.slice(noise.sigma, 0, n), eps: tf.slice(noise.eps, 0, n) };
        const loss = () => this.model.loss(tf.slice(x0, 0, n), tf.slice(tT, 0, n), part);
        const { value, grads } = tf.variableGrads(() => (poisoned ? (tf.mul(loss(), Number.NaN) as tf.Scalar) : loss()), variables);
        return { value, flat: tf.concat(variables.map((v) => tf.reshape(grads[v.name], [-1]))) };
      });
      tf.dispose(drawn);
      const [ownLoss, ownGrads] = await Promise.all([own.value.data(), own.flat.data() as Promise<Float32Array>]);
      const others = await Promise.all(pending);
      const gradients = new Float32Array(ownGrads.length);
      let loss = 0;
      [{ loss: ownLoss[0], grads: ownGrads }, ...others].forEach((r, k) => {
        const w = sizes[k] / B;
        loss += w * r.loss;
        for (let i = 0; i < gradients.length; i++) gradients[i] += w * r.grads[i];
      });
      let offset = 0;
      const list = variables.map((v) => {
        const g = tf.tensor(gradients.subarray(offset, offset + v.size), v.shape);
        offset += v.size;
        return g;
      });
      let gradNorm: tf.Scalar;
      try {
        gradNorm = this.optimizer.step(list);
      } finally {
        tf.dispose(list);
      }
      this.ema?.update();
      this.pending.push({ loss: tf.scalar(loss), gradNorm });
      this.step++;
    } catch (e) {
      // The other shards' answers (or failures) still arrive: nobody waits for them now.
      for (const p of pending) p.catch(() => undefined);
      throw e;
    } finally {
      tf.dispose(drawn);
      if (own) tf.dispose([own.value, own.flat]);
    }
  }

  private disposeShards(): void {
    for (const shard of this.shards) shard.dispose();
    this.shards = [];
  }

  /** The current epoch's order on the device, uploaded when the order changes (a new epoch, a restore). */
  private deviceOrder(): tf.Tensor1D {
    if (this.orderOnDevice?.source !== this.order) {
      this.orderOnDevice?.tensor.dispose();
      this.orderOnDevice = { source: this.order, tensor: tf.keep(tf.tensor1d(this.order, 'int32')) };
    }
    return this.orderOnDevice.tensor;
  }

  get pendingSteps(): number {
    return this.pending.length;
  }

  /**
   * One readback for every step since the last call: mean loss and mean gradient norm over the
   * window, the lr of its last step, and wall-clock speed over the window. Null when no steps.
   */
  async readMetrics(): Promise<MetricsPoint | null> {
    const n = this.pending.length;
    if (n === 0) return null;
    const stacked = tf.tidy(() => tf.stack([tf.stack(this.pending.map((p) => p.loss)).mean(), tf.stack(this.pending.map((p) => p.gradNorm)).mean()]));
    for (const p of this.pending) tf.dispose([p.loss, p.gradNorm]);
    this.pending = [];
    const [loss, gradNorm] = await stacked.data();
    stacked.dispose();
    const now = performance.now();
    const seconds = (now - this.windowStart) / 1000;
    this.windowStart = now;
    const mem = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
    return {
      step: this.step,
      loss,
      lr: lrAt(this.lr, this.step - 1),
      gradNorm,
      msPerStep: (seconds * 1000) / n,
      imagesPerSec: (n * this.batchSize) / seconds,
      numTensors: mem.numTensors,
      numBytes: mem.numBytesInGPU ?? null,
    };
  }

  /** Where the run is: steps done and the position in the data order (the rest derives from the seed). */
  get position(): TrainerPosition {
    return { step: this.step, epoch: this.epoch, cursor: this.cursor, optimizerSteps: this.optimizer.steps };
  }

  /**
   * Moves to a saved position (the variables are assigned separately): the epoch's permutation
   * is drawn again from the seed, so batches continue exactly where the saved run was.
   */
  restorePosition(p: TrainerPosition): void {
    this.step = p.step;
    this.epoch = p.epoch;
    this.cursor = p.cursor;
    this.order = p.epoch > 0 ? permutation(this.images.shape[0], rng(deriveSeed(this.cfg.seed, 'epoch', p.epoch - 1))) : new Int32Array(0);
    this.optimizer.restoreSteps(p.optimizerSteps);
    for (const q of this.pending) tf.dispose([q.loss, q.gradNorm]);
    this.pending = [];
    this.resetClock();
  }

  /** The model's weights, the optimizer's state and the EMA, in a fixed order. */
  get stateVariables(): tf.Variable[] {
    return [...this.model.vit.variables, ...this.optimizer.stateVariables, ...(this.ema?.values ?? [])];
  }

  /** The state at this step boundary (call after readMetrics: no step may be pending). The caller disposes it. */
  captureState(): TrainerState {
    if (this.pending.length > 0) throw new Error('captureState: read the pending metrics first');
    return {
      step: this.step,
      epoch: this.epoch,
      cursor: this.cursor,
      order: this.order,
      optimizerSteps: this.optimizer.steps,
      tensors: this.stateVariables.map((v) => tf.keep(tf.clone(v))),
    };
  }

  /** Puts a captured state back (the state stays valid and owned by the caller); pending metrics are dropped. */
  restoreState(state: TrainerState): void {
    const variables = this.stateVariables;
    if (state.tensors.length !== variables.length) throw new Error(`restoreState: ${state.tensors.length} tensors for ${variables.length} variables`);
    variables.forEach((v, i) => v.assign(state.tensors[i]));
    for (const p of this.pending) tf.dispose([p.loss, p.gradNorm]);
    this.pending = [];
    this.step = state.step;
    this.epoch = state.epoch;
    this.cursor = state.cursor;
    this.order = state.order;
    this.optimizer.restoreSteps(state.optimizerSteps);
    this.resetClock();
  }

  /** Restart the speed clock (after a pause, so idle time is not counted). */
  resetClock(): void {
    this.windowStart = performance.now();
  }

  dispose(): void {
    for (const p of this.pending) tf.dispose([p.loss, p.gradNorm]);
    this.pending = [];
    this.orderOnDevice?.tensor.dispose();
    this.orderOnDevice = null;
    this.optimizer.dispose();
    this.ema?.dispose();
    this.disposeShards();
  }
}
