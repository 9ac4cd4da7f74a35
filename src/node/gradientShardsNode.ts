// Batch-parallel wasm training in Node: each gradient shard is a worker_threads worker
// (gradientShardNodeWorker.ts) with its own single-threaded wasm backend, so N replicas keep N
// cores busy where tfjs' Node wasm runs one thread (tfjs issue 3830). The worker's file is
// TypeScript, and Node 20 does not hand the parent's loader hooks to a worker's entry: each worker
// starts from a one-line module that loads it through tsx's API (a dev dependency, as the CLI is).
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { ReplicaSpec, SliceInputs } from '../ldae/parallel/replica';
import { requestGradients, shardFailure, type ShardService } from '../ldae/parallel/shardService';
import { startShards, type GradientShard, type ShardFactory } from '../ldae/parallel/shards';

/** A data: module that imports the TypeScript worker file through tsx. */
function bootstrap(): URL {
  const entry = new URL('./gradientShardNodeWorker.ts', import.meta.url).href;
  const code = `const { tsImport } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}); await tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

async function startShard(spec: ReplicaSpec, index: number): Promise<GradientShard> {
  const worker = new Worker(bootstrap(), { name: `ldae-gradient-shard-${index}` });
  const api = Comlink.wrap<ShardService>(nodeEndpoint(worker));
  // A worker that ends never answers: every call races this.
  let ended = false;
  const died = new Promise<never>((_, reject) => {
    worker.on('error', (e) => reject(new Error(`gradient shard ${index} stopped: ${e.message}`)));
    worker.on('exit', (code) => reject(new Error(ended ? `gradient shard ${index} was stopped` : `gradient shard ${index} exited (code ${code})`)));
  });
  died.catch(() => undefined);
  const call = <T>(what: string, p: Promise<T>): Promise<T> =>
    Promise.race([p, died]).catch((e: unknown) => {
      throw shardFailure(index, what, e);
    });
  const dispose = () => {
    if (ended) return;
    ended = true;
    api[Comlink.releaseProxy]();
    void worker.terminate();
  };
  try {
    await call('start', api.init(spec));
  } catch (e) {
    dispose();
    throw e;
  }
  return {
    gradients(params: Float32Array, slice: SliceInputs) {
      if (ended) return Promise.reject(new Error(`gradient shard ${index} was stopped`));
      return call('a step', requestGradients(api, params, slice));
    },
    dispose,
  };
}

/** Starts `count` shard workers; if one fails to start, the others are stopped and the error names it. */
export const nodeWorkerShards: ShardFactory = (spec, count) => startShards(count, (index) => startShard(spec, index));
