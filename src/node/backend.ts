// Node-only: make tfjs run on cpu, wasm (XNNPACK, SIMD) or webgpu (dawn.node over SwiftShader
// or a real Vulkan device). The browser picks its backend in src/engine/, not here.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { installKernels } from '../backends';

export type NodeBackendName = 'cpu' | 'wasm' | 'webgpu';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Registers (once) and activates a tfjs backend in Node; resolves to the active backend's name.
 * wasm: single-threaded SIMD build (tfjs disables wasm threads under Node, tfjs issue 3830).
 * (setThreadsCount does nothing here; in the browser threads need cross-origin isolation.)
 * Then installs our kernel patches for it (src/backends/index.ts).
 * webgpu: dawn.node from the `webgpu` package; uses Chromium's SwiftShader Vulkan ICD unless
 * VK_ICD_FILENAMES is already set. WEBGPU_CPU_FORWARD is turned off so that small tensors
 * really run on the GPU.
 */
export async function setupNodeBackend(name: NodeBackendName): Promise<string> {
  if (name === 'wasm') await registerWasm();
  if (name === 'webgpu') await registerWebGpu();
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tfjs backend "${name}" failed to initialise`);
  await tf.ready();
  if (name === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', false);
  installKernels(name);
  return tf.getBackend();
}

let wasmRegistered = false;
async function registerWasm(): Promise<void> {
  if (wasmRegistered) return;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // The Node bundle would find its .wasm beside itself, but say so explicitly so the path does
  // not depend on how the module was loaded (tsx, vitest, bundled CLI).
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  wasm.setWasmPaths(dist + path.sep);
  wasmRegistered = true;
}

let webgpuRegistered = false;
async function registerWebGpu(): Promise<void> {
  if (webgpuRegistered) return;
  process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;
  preloadVulkanLoader(path.dirname(process.env.VK_ICD_FILENAMES));
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const g = globalThis as unknown as { navigator?: { gpu?: unknown } };
  // Node >= 21 has a read-only global navigator; define the property rather than assign.
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  }
  Object.defineProperty(g.navigator, 'gpu', { value: create([]), configurable: true });
  // Must be imported after navigator.gpu exists: the backend registers itself on import.
  await import('@tensorflow/tfjs-backend-webgpu');
  webgpuRegistered = true;
}

const RTLD_NOW = 0x2;
const RTLD_GLOBAL = 0x100;
const RTLD_NODELETE = 0x1000; // glibc value; not in os.constants.dlopen

/**
 * Dawn dlopens "libvulkan.so.1" by soname. Debian has no system Vulkan loader, but Chromium
 * ships one beside its SwiftShader ICD. LD_LIBRARY_PATH cannot change after start-up, so load
 * that loader by absolute path (kept resident with RTLD_NODELETE); the dynamic linker then
 * answers Dawn's dlopen by soname with the already-loaded library.
 */
function preloadVulkanLoader(icdDir: string): void {
  if (process.platform !== 'linux') return;
  const loader = path.join(icdDir, 'libvulkan.so.1');
  if (!fs.existsSync(loader)) return;
  try {
    process.dlopen({ exports: {} }, loader, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE);
  } catch {
    // Expected: "Module did not self-register" (it is not a Node addon). It stays loaded.
  }
}
