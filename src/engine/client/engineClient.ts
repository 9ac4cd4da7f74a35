// UI side of the engine seam: starts the worker, sends typed commands, delivers typed events.
import type { EngineCommand, EngineEvent } from '../protocol';

export type EngineListener = (event: EngineEvent) => void;

export interface EngineClient {
  send(cmd: EngineCommand): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: EngineListener): () => void;
  terminate(): void;
}

export function createEngineClient(): EngineClient {
  const worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'ldae-engine' });
  const listeners = new Set<EngineListener>();
  const emit = (event: EngineEvent) => {
    for (const l of listeners) l(event);
  };
  worker.addEventListener('message', (ev: MessageEvent<EngineEvent>) => emit(ev.data));
  // The worker script itself failed (did not load, or threw outside any handler).
  worker.addEventListener('error', (ev) => {
    emit({ type: 'error', message: ev.message || 'the engine worker failed to start', where: 'worker', fatal: true });
  });
  worker.addEventListener('messageerror', () => {
    emit({ type: 'error', message: 'a message from the engine worker could not be decoded', where: 'worker', fatal: false });
  });
  return {
    send: (cmd) => worker.postMessage(cmd),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    terminate: () => worker.terminate(),
  };
}
