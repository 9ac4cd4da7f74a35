// The --gpu run's honesty check: a Chromium that cannot reach the GPU (no driver, no Vulkan, a
// blocklist) still runs WebGPU and WebGL, on SwiftShader or llvmpipe, and its rows would read
// as GPU numbers. This names every GPU backend whose adapter or renderer is a software one.

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render|\(fallback\)/i;

/** One sentence per GPU backend (webgpu, webgl) that ran on a software adapter; empty when none did. */
export function softwareAdapterProblems(adapters: Record<string, string | null | undefined>): string[] {
  const problems: string[] = [];
  for (const backend of ['webgpu', 'webgl']) {
    const name = adapters[backend];
    if (name && SOFTWARE.test(name)) {
      problems.push(`${backend} ran on a software adapter (${name}): its rows are CPU numbers, not GPU numbers; check the GPU driver and Vulkan (vulkaninfo), or pass other --chromium-args`);
    }
  }
  return problems;
}
