// A gradient shard for batch-parallel wasm training in the browser: its own single-threaded wasm
// backend and a replica of the model (src/ldae/parallel/shardService.ts), driven by the training
// worker over Comlink (gradientShards.ts).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import * as Comlink from 'comlink';
import { installKernels } from '../../backends';
import { shardService } from '../../ldae/parallel/shardService';
import './wasmAssets';

Comlink.expose(
  shardService(async () => {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false); // the shards are the parallelism
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start in the gradient shard');
    await tf.ready();
    installKernels('wasm');
  }),
);
