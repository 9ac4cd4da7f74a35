// What a gradient shard worker serves (over Comlink), the same in the browser and in Node: start
// the backend once, build the replica for a model, compute a slice's gradients. The gradients'
// buffer is transferred back, not copied.
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
