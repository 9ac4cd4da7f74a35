import { useEngineStore } from './store/engineStore';
import { useRunStore } from './store/runStore';

export const STATE_TEXT: Record<string, string> = {
  idle: 'idle',
  'fitting-tokenizer': 'fitting the tokenizer',
  running: 'training',
  paused: 'paused',
  probing: 'evaluating probes',
  done: 'done',
  error: 'stopped by an error',
};

function BackendText() {
  const backend = useEngineStore((s) => s.backend);
  const fatal = useEngineStore((s) => s.errors.find((e) => e.fatal));
  let text = 'Backend: starting…';
  if (backend) {
    const a = backend.adapter;
    const adapter = a ? ` · ${[a.vendor, a.architecture].filter(Boolean).join(' / ') || 'unknown adapter'}${a.isFallbackAdapter ? ' (fallback adapter)' : ''}` : '';
    const t = backend.wasmThreads;
    const threads = t ? ` · ${t.threads} thread${t.threads === 1 ? '' : 's'}${t.parallel === 'batch' && t.threads > 1 ? ' · batch-parallel' : ''}` : '';
    text = `Backend: ${backend.backend}${adapter}${threads}`;
  } else if (fatal) {
    text = `Backend: failed (${fatal.message})`;
  }
  return (
    <span data-testid="backend-status" title={backend?.adapter?.description || (backend?.wasmThreads?.parallel === 'batch' && backend.wasmThreads.threads > 1 ? 'each thread is a worker with its own replica of the model, computing a slice of every batch' : undefined)}>
      {text}
    </span>
  );
}

function RunText() {
  const state = useRunStore((s) => s.state);
  const step = useRunStore((s) => s.step);
  const totalSteps = useRunStore((s) => s.totalSteps);
  const latest = useRunStore((s) => s.latest);
  return (
    <>
      <span data-testid="run-state">Run: {STATE_TEXT[state] ?? state}</span>
      <span data-testid="run-step">
        Step {step.toLocaleString('en-US')} / {totalSteps ? totalSteps.toLocaleString('en-US') : '—'}
      </span>
      {latest && (
        <>
          <span>{latest.imagesPerSec.toFixed(0)} images/s</span>
          <span>{latest.msPerStep.toFixed(1)} ms/step</span>
          <span title="tf.memory().numTensors in the engine worker">{latest.numTensors} live tensors</span>
          {latest.numBytes !== null && <span title="bytes held by the backend">GPU memory {(latest.numBytes / 1e6).toFixed(1)} MB</span>}
        </>
      )}
    </>
  );
}

export function StatusBar() {
  const fallbackReason = useEngineStore((s) => s.backend?.fallbackReason);
  const threadsReason = useEngineStore((s) => s.backend?.wasmThreads?.fallbackReason);
  return (
    <div className="status-bar" role="status" aria-live="off" aria-label="Status">
      <BackendText />
      <RunText />
      {fallbackReason && <span className="status-warning">{fallbackReason}</span>}
      {threadsReason && (
        <span className="status-warning" data-testid="threads-fallback">
          {threadsReason}
        </span>
      )}
    </div>
  );
}
