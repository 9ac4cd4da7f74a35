// On/off for a set of our own (non-tfjs) kernels: registering them makes src/ldae take its fused
// path, unregistering them puts it back on its tfjs-op composite (the reference path).
import * as tf from '@tensorflow/tfjs';

export interface KernelSwitch {
  /** Registers (true) or unregisters (false) the kernels; later enable() calls follow the last choice. */
  set(on: boolean): void;
  /** Idempotent; respects set(false). */
  enable(): void;
}

export function kernelSwitch(kernels: tf.KernelConfig[]): KernelSwitch {
  let enabled = true;
  const set = (on: boolean) => {
    enabled = on;
    for (const k of kernels) {
      const registered = tf.getKernel(k.kernelName, k.backendName) !== undefined;
      if (on && !registered) tf.registerKernel(k);
      if (!on && registered) tf.unregisterKernel(k.kernelName, k.backendName);
    }
  };
  return { set, enable: () => set(enabled) };
}
