// What a gradient shard worker serves (over Comlink), the same in the browser and in Node: start
// the backend once, build the replica for a model, compute a slice's gradients. The gradients'
// buffer is transferred back, not copied. Below it, the two things both callers need: a request
// with its arrays transferred, and a failure named after its shard.
import * as Comlink from 'comlink';
import { createReplica, type Replica, type ReplicaSpec, type SliceGradients, type SliceInputs } from './replica';

export interface ShardService {
  /** Starts the backend (first call) and builds the replica; returns its weight count. */
  init(spec: ReplicaSpec): Promise<number>;
  gradients(params: Float32Array, slice: SliceInputs): Promise<SliceGradients>;
}

/** `startBackend` makes single-threaded wasm the active tfjs backend in this worker. */
export function shardService(startBackend: () => Promise<void>): ShardService {
  let replica: Replica | null = null;
  let started: Promise<void> | null = null;
  return {
    async init(spec) {
      await (started ??= startBackend());
      replica?.dispose();
      replica = createReplica(spec);
      return replica.size;
    },
    async gradients(params, slice) {
      if (!replica) throw new Error('gradient shard: gradients before init');
      const result = await replica.gradients(params, slice);
      return Comlink.transfer(result, [result.grads.buffer]);
    },
  };
}

/** Asks a shard for a slice's gradients, handing over the weights' and the slice's buffers (they are the shard's now). */
export function requestGradients(api: Comlink.Remote<ShardService>, params: Float32Array, slice: SliceInputs): Promise<SliceGradients> {
  const buffers = [slice.x0.buffer, slice.t.buffer, slice.gamma.buffer, slice.sigma.buffer, slice.eps.buffer] as ArrayBuffer[];
  return api.gradients(Comlink.transfer(params, [params.buffer as ArrayBuffer]), Comlink.transfer(slice, buffers));
}

/** A shard call's failure as an Error that names the shard (one that already names a shard is kept as it is). */
export function shardFailure(index: number, what: string, e: unknown): Error {
  const text = e instanceof Error ? e.message : String(e);
  return new Error(text.startsWith('gradient shard') ? text : `gradient shard ${index}: ${what} failed: ${text}`);
}
