// UI side of the engine seam: starts the worker, sends typed commands, delivers typed events, and
// notices when the worker dies (its script failed, or it stopped answering the heartbeat, as after
// an out-of-memory kill). restart() replaces a dead worker with a fresh one.
import type { EngineCommand, EngineEvent } from '../protocol';
import { createHeartbeat, type Heartbeat, type HeartbeatOptions } from './heartbeat';

export type EngineListener = (event: EngineEvent) => void;
export type CrashListener = (reason: string) => void;

export interface EngineClient {
  send(cmd: EngineCommand): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: EngineListener): () => void;
  /** Called once per worker when it dies; returns the unsubscribe function. */
  onCrash(listener: CrashListener): () => void;
  /** Terminates the current worker and starts a new one (listeners stay); send `init` again. */
  restart(): void;
  terminate(): void;
}

/**
 * A training step never blocks the worker for long (the loop yields between steps), but the first
 * WebGPU step compiles shaders and software adapters are slow: 30 s before calling it dead.
 */
export const DEFAULT_HEARTBEAT: HeartbeatOptions = { intervalMs: 2000, timeoutMs: 30_000 };

export function createEngineClient(heartbeat: HeartbeatOptions = DEFAULT_HEARTBEAT): EngineClient {
  const listeners = new Set<EngineListener>();
  const crashListeners = new Set<CrashListener>();
  const emit = (event: EngineEvent) => {
    for (const l of listeners) l(event);
  };
  let worker: Worker;
  let timer: ReturnType<typeof setInterval> | null = null;
  let dead = false;
  let heart: Heartbeat;

  function crashed(reason: string): void {
    if (dead) return;
    dead = true;
    stopHeartbeat();
    worker.terminate();
    for (const l of crashListeners) l(reason);
  }

  function beat(): void {
    const b = heart.beat(performance.now());
    if (b.kind === 'dead') {
      crashed(`the engine worker stopped answering (no reply for over ${Math.round(heartbeat.timeoutMs / 1000)} s); it probably ran out of memory or was killed`);
      return;
    }
    worker.postMessage({ type: 'ping', n: b.n } satisfies EngineCommand);
  }

  function stopHeartbeat(): void {
    if (timer !== null) clearInterval(timer);
    timer = null;
  }

  function spawn(): void {
    dead = false;
    heart = createHeartbeat(heartbeat, performance.now());
    worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'ldae-engine' });
    const self = worker;
    worker.addEventListener('message', (ev: MessageEvent<EngineEvent>) => {
      if (self !== worker) return;
      if (ev.data.type === 'pong') {
        heart.answered(ev.data.n);
        return;
      }
      emit(ev.data);
    });
    // The worker script itself failed (did not load, or threw outside any handler): it is gone.
    worker.addEventListener('error', (ev) => {
      if (self !== worker) return;
      ev.preventDefault();
      emit({ type: 'error', message: ev.message || 'the engine worker failed to start', where: 'worker', fatal: true });
      crashed(ev.message || 'the engine worker failed');
    });
    worker.addEventListener('messageerror', () => {
      emit({ type: 'error', message: 'a message from the engine worker could not be decoded', where: 'worker', fatal: false });
    });
    timer = setInterval(beat, heartbeat.intervalMs);
  }

  spawn();
  return {
    send: (cmd) => {
      if (!dead) worker.postMessage(cmd);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onCrash(listener) {
      crashListeners.add(listener);
      return () => crashListeners.delete(listener);
    },
    restart() {
      stopHeartbeat();
      worker.terminate();
      spawn();
    },
    terminate() {
      stopHeartbeat();
      dead = true;
      worker.terminate();
    },
  };
}
