// WebGPU device loss (driver reset, GPU process crash, or device.destroy()): noticing it, and
// giving tfjs a fresh webgpu backend, since tfjs keeps using a lost device forever otherwise.
import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

export interface DeviceLossInfo {
  /** GPUDeviceLostReason: 'destroyed' (device.destroy()) or 'unknown' (driver reset, crash). */
  reason: string;
  message: string;
}

/** The GPU device tfjs computes on, or null when the backend is not webgpu. */
export function currentGpuDevice(): GPUDevice | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return (tf.backend() as unknown as { device?: GPUDevice }).device ?? null;
}

/** Calls onLost once if the current WebGPU device is lost; the returned function stops watching. */
export function watchDeviceLoss(onLost: (info: DeviceLossInfo) => void): () => void {
  const device = currentGpuDevice();
  if (!device) return () => undefined;
  let watching = true;
  void device.lost.then((info) => {
    if (watching) onLost({ reason: info.reason ?? 'unknown', message: info.message });
  });
  return () => {
    watching = false;
  };
}

/**
 * Drops the webgpu backend (and its lost device) and registers a new factory, so the next
 * tf.setBackend('webgpu') asks for a new adapter and device. The limits asked for are the ones
 * tfjs-backend-webgpu asks for at import.
 */
export function replaceWebGpuBackend(): void {
  try {
    tf.removeBackend('webgpu');
  } catch {
    // not registered (it failed before): nothing to drop
  }
  tf.registerBackend(
    'webgpu',
    async () => {
      const powerPreference = tf.env().getBool('WEBGPU_USE_LOW_POWER_GPU') ? 'low-power' : 'high-performance';
      const adapter = await navigator.gpu.requestAdapter({ powerPreference });
      if (!adapter) throw new Error('no WebGPU adapter after the device was lost');
      const l = adapter.limits;
      const features: GPUFeatureName[] = (['timestamp-query', 'bgra8unorm-storage'] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
      const device = await adapter.requestDevice({
        requiredFeatures: features,
        requiredLimits: {
          maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
          maxBufferSize: l.maxBufferSize,
          maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
        },
      });
      return new WebGPUBackend(device, adapter.info);
    },
    3,
  );
}
