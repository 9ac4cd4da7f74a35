// Our global tfjs kernel patches, one file per concern. installKernels(backend) is called right
// after a backend is chosen: by the worker's selectBackend (src/engine/worker/backend.ts, which the
// browser bench worker uses too) and by setupNodeBackend (src/node/backend.ts: CLI, Node bench,
// tests). Each patch re-registers kernels of one backend only and is idempotent; building a model
// installs nothing. Measured gains: README, Performance ("Optimisations kept").
//
// wasm (tfjs-backend-wasm 4.22):
// - Identity shares its input's buffer instead of copying it (wasmIdentity.ts): the autodiff
//   tape clones every activation it saves.
// - BatchMatMul / _FusedMatMul transpose their operands explicitly first (wasmMatMul.ts): tfjs'
//   transposed path is 10-50x slower, and every matmul gradient is transposed.
// - LdaeAdamWUpdate, the whole AdamW step as one kernel on the wasm heap (wasmAdamW.ts): ~875
//   kernel launches per step -> 1. The optimizer takes it whenever it is registered
//   (src/ldae/optim/fusedAdamW.ts holds the kernel's contract; this layer fills it in).
// webgpu (tfjs-backend-webgpu 4.22):
// - Sum, Mean, Softmax and small BatchMatMuls as one thread per row / column / output
//   (webgpuKernels.ts) instead of barrier-heavy workgroup reductions and padded tiles; only for
//   the small problems where that wins. setWebGpuRowKernels(false) restores tfjs' own kernels
//   (the bench's --reference-kernels, the parity test).
// - LdaeGelu / LdaeGeluGrad, GELU and its gradient as one dispatch each (webgpuGelu.ts; the
//   contract is src/ldae/model/fusedGelu.ts), instead of 6 + 8.
// - the adaLN-modulated LayerNorm as 2 dispatches forward and 3 backward instead of 10 + 12
//   (webgpuLayerNorm.ts; contract src/ldae/model/fusedLayerNorm.ts).
// - LdaeAdamWPrepare / LdaeAdamWApply, the flat AdamW step (webgpuAdamW.ts; contract
//   src/ldae/optim/flatAdamW.ts): scalars from the device step counter, moments in place, one
//   program per variable; no uploads, no split.
// - LdaeRandom, seeded counter-based uniform / normal draws on the device (webgpuRandom.ts;
//   contract src/ldae/deviceRandom.ts): the trainer's t and eps, with no upload.
// - LdaeHeadMatMul, attention's batched matmuls reading and writing the heads in the [B*N, W]
//   activations (webgpuHeadMatMul.ts; contract src/ldae/model/headMatMul.ts): no transposes.
// cpu, webgl: nothing is patched.
import { enableFusedWasmAdamW } from './wasmAdamW';
import { enableSharedWasmIdentity } from './wasmIdentity';
import { enableFastWasmMatMul } from './wasmMatMul';
import { webGpuAdamW } from './webgpuAdamW';
import { webGpuHeadMatMul } from './webgpuHeadMatMul';
import { webGpuRandom } from './webgpuRandom';
import { webGpuFusedGelu } from './webgpuGelu';
import { webGpuFusedLayerNorm } from './webgpuLayerNorm';
import { enableWebGpuRowKernels, setWebGpuRowKernels as setRowKernels } from './webgpuKernels';

/**
 * The WebGPU reference-path switch (--reference-kernels, parity tests): false puts tfjs' own
 * kernels back and drops our fused ones, true installs ours. False when the webgpu backend is not loaded.
 */
export function setWebGpuRowKernels(on: boolean): boolean {
  const ok = setRowKernels(on);
  if (ok) for (const fused of [webGpuFusedGelu, webGpuFusedLayerNorm, webGpuAdamW, webGpuRandom, webGpuHeadMatMul]) fused.set(on);
  return ok;
}

/** Installs our kernels for `backend` (a tfjs backend name); throws if that backend's kernels are not registered. */
export function installKernels(backend: string): void {
  let ok = true;
  if (backend === 'wasm') {
    ok = enableSharedWasmIdentity() && enableFastWasmMatMul();
    enableFusedWasmAdamW();
  } else if (backend === 'webgpu') {
    ok = enableWebGpuRowKernels();
    if (ok) for (const fused of [webGpuFusedGelu, webGpuFusedLayerNorm, webGpuAdamW, webGpuRandom, webGpuHeadMatMul]) fused.enable();
  }
  if (!ok) throw new Error(`installKernels: the ${backend} backend's tfjs kernels are not registered (is the backend loaded?)`);
}
