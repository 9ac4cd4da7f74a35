// A gradient shard for batch-parallel wasm training in Node (the CLI, the Node bench): a
// worker_threads worker with its own wasm backend and a replica of the model, served over Comlink.
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { shardService } from '../ldae/parallel/shardService';
import { setupNodeBackend } from './backend';

if (!parentPort) throw new Error('gradientShardNodeWorker runs as a worker_threads worker');
Comlink.expose(
  shardService(async () => {
    await setupNodeBackend('wasm');
  }),
  nodeEndpoint(parentPort),
);
