import { describe, expect, it } from 'vitest';
import { isSoftwareAdapter } from '../../src/engine/worker/softwareAdapter';
import type { AdapterInfo } from '../../src/types/run';

const adapter = (over: Partial<AdapterInfo>): AdapterInfo => ({ vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: false, ...over });

describe('isSoftwareAdapter', () => {
  it('flags SwiftShader, Mesa llvmpipe/lavapipe, the Windows basic renderer and any fallback adapter', () => {
    expect(isSoftwareAdapter(adapter({ vendor: 'google', architecture: 'swiftshader' }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ description: 'SwiftShader Device (Subzero)' }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.6, 256 bits)' }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ description: 'Microsoft Basic Render Driver' }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ vendor: 'nvidia', isFallbackAdapter: true }))).toBe(true);
  });

  it('keeps real GPUs, including integrated ones and adapters that say little', () => {
    expect(isSoftwareAdapter(adapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' }))).toBe(false);
    expect(isSoftwareAdapter(adapter({ vendor: 'intel', architecture: 'gen-12lp' }))).toBe(false);
    expect(isSoftwareAdapter(adapter({ vendor: 'apple', architecture: 'metal-3' }))).toBe(false);
    expect(isSoftwareAdapter(adapter({}))).toBe(false);
  });
});
