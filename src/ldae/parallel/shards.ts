// Batch-parallel training's seam: a gradient shard computes the loss and gradients of one slice of
// each batch at the main replica's weights. In the browser a shard is a worker with its own wasm
// backend (src/engine/worker/gradientShards.ts); here, for tests and as the reference, a replica in
// this same tfjs engine.
import { createReplica, type ReplicaSpec, type SliceGradients, type SliceInputs } from './replica';

export interface GradientShard {
  gradients(params: Float32Array, slice: SliceInputs): Promise<SliceGradients>;
  dispose(): void;
}

/** Makes `count` shards for a model (the trainer's main replica computes one more slice itself). */
export type ShardFactory = (spec: ReplicaSpec, count: number) => Promise<GradientShard[]>;

/**
 * How a batch of `batch` images is cut into `parts` slices, the main replica's first: as equal as
 * possible, the larger ones first. Every slice holds at least one image (fewer parts otherwise).
 */
export function sliceSizes(batch: number, parts: number): number[] {
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`sliceSizes: batch must be a positive integer, got ${batch}`);
  const n = Math.max(1, Math.min(parts, batch));
  const base = Math.floor(batch / n);
  return Array.from({ length: n }, (_, i) => base + (i < batch % n ? 1 : 0));
}

/** Shards that are replicas in this tfjs engine: the numbers a worker shard gives, without the parallelism. */
export const inProcessShards: ShardFactory = async (spec, count) =>
  Array.from({ length: count }, () => {
    const replica = createReplica(spec);
    return { gradients: (params, slice) => replica.gradients(params, slice), dispose: () => replica.dispose() };
  });

/** Starts shards 1..count at once; if one fails to start, the others are stopped and its error is thrown. */
export async function startShards(count: number, start: (index: number) => Promise<GradientShard>): Promise<GradientShard[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, (_, i) => start(i + 1)));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    for (const r of started) if (r.status === 'fulfilled') r.value.dispose();
    throw failed.reason;
  }
  return started.map((r) => (r as PromiseFulfilledResult<GradientShard>).value);
}
