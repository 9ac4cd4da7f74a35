// Where the wasm backend finds its binaries: the .wasm files and the threaded build's untouched
// emscripten script are emitted by Vite and served from our own origin (the pthread workers load
// that script: src/backends/wasmThreads.ts). Imported for its effect by every worker that runs wasm.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import threadedSimdScriptUrl from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?url';
import { loadPthreadsFromScript } from '../../backends/wasmThreads';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
});
loadPthreadsFromScript(new URL(threadedSimdScriptUrl, self.location.href).href);
