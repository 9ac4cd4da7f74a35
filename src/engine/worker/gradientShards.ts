// Batch-parallel wasm training in the browser: each gradient shard is a worker of its own
// (gradientShardWorker.ts) with a single-threaded wasm backend, so N replicas keep N cores busy
// on every kernel of the step, not only the matmuls XNNPACK's thread pool splits (README,
// Performance). Calls go over Comlink with the arrays transferred, not copied. A shard that
// dies, is stopped or stays silent fails its call with its name instead of hanging the step.
import * as Comlink from 'comlink';
import type { ReplicaSpec, SliceInputs } from '../../ldae/parallel/replica';
import { startShards, type GradientShard, type ShardFactory } from '../../ldae/parallel/shards';
import { requestGradients, shardFailure, type ShardService } from '../../ldae/parallel/shardService';

/** A shard that has not built its replica after this long is treated as failed. */
const SHARD_INIT_TIMEOUT_MS = 60_000;
/** A shard that has not answered a step after this long is treated as dead (a step takes seconds at most). */
const SHARD_STEP_TIMEOUT_MS = 300_000;

interface ShardWorker {
  worker: Worker;
  api: Comlink.Remote<ShardService>;
  /** Rejects when the worker dies or is stopped: it never answers then, so every call races this. */
  died: Promise<never>;
  /** Rejects `died`. */
  kill: (reason: string) => void;
  alive: boolean;
}

/** Workers of finished runs, kept for the next run (their wasm is started and their code loaded). */
const idle = new Map<number, ShardWorker>();

function spawn(index: number): ShardWorker {
  const worker = new Worker(new URL('./gradientShardWorker.ts', import.meta.url), { type: 'module', name: `ldae-gradient-shard-${index}` });
  let kill: (reason: string) => void = () => undefined;
  const died = new Promise<never>((_, reject) => {
    kill = (reason) => reject(new Error(`gradient shard ${index} ${reason}`));
  });
  died.catch(() => undefined);
  const w: ShardWorker = { worker, api: Comlink.wrap<ShardService>(worker), died, kill, alive: true };
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    terminate(w, `stopped: ${e.message || 'the worker failed to load or threw'}`);
  });
  worker.addEventListener('messageerror', () => terminate(w, 'stopped: a message from it could not be read'));
  return w;
}

function terminate(w: ShardWorker, reason = 'was stopped'): void {
  if (!w.alive) return;
  w.alive = false;
  w.kill(reason);
  w.api[Comlink.releaseProxy]();
  w.worker.terminate();
}

async function startShard(spec: ReplicaSpec, index: number): Promise<GradientShard> {
  const kept = idle.get(index);
  idle.delete(index);
  const w = kept?.alive ? kept : spawn(index);
  const { api, died } = w;
  /** The call's answer, or its failure named after the shard; a shard that fails or times out is stopped (never pooled again). */
  const call = <T>(what: string, p: Promise<T>, timeoutMs: number): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`gradient shard ${index}: ${what} took over ${timeoutMs / 1000} s`)), timeoutMs);
    });
    return Promise.race([p, died, timeout])
      .catch((e: unknown) => {
        terminate(w);
        throw shardFailure(index, what, e);
      })
      .finally(() => clearTimeout(timer));
  };
  await call('start', api.init(spec), SHARD_INIT_TIMEOUT_MS);
  let disposed = false;
  /** Back to the idle pool (one per index); a worker already replaced there is stopped. */
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    const other = idle.get(index);
    if (!w.alive || (other && other !== w)) return terminate(w);
    idle.set(index, w);
  };
  return {
    gradients(params: Float32Array, slice: SliceInputs) {
      if (disposed) return Promise.reject(new Error(`gradient shard ${index} was stopped`));
      return call('a step', requestGradients(api, params, slice), SHARD_STEP_TIMEOUT_MS);
    },
    dispose,
  };
}

/** Starts `count` shard workers; if one fails to start, the others are stopped and the error names it. */
export const workerShards: ShardFactory = (spec, count) => startShards(count, (index) => startShard(spec, index));
