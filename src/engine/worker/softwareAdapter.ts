// A WebGPU adapter that runs on the CPU (SwiftShader, or any adapter the browser marks as a
// fallback): tfjs trains there ~40x slower than on wasm, so `auto` skips it.
import type { AdapterInfo } from '../../types/run';

const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/i;

export function isSoftwareAdapter(info: AdapterInfo): boolean {
  return info.isFallbackAdapter || SOFTWARE_NAMES.test([info.vendor, info.architecture, info.device, info.description].join(' '));
}

export const SOFTWARE_ADAPTER_REASON = 'WebGPU is a software adapter here: using wasm';
