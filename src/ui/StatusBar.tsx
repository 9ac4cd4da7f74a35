import { useEngineStore } from './store/engineStore';

export function StatusBar() {
  const backend = useEngineStore((s) => s.backend);
  const fatal = useEngineStore((s) => s.errors.find((e) => e.fatal));
  let text = 'Backend: starting…';
  if (backend) {
    const a = backend.adapter;
    const adapter = a ? ` · ${[a.vendor, a.architecture].filter(Boolean).join(' / ') || 'unknown adapter'}${a.isFallbackAdapter ? ' (fallback adapter)' : ''}` : '';
    text = `Backend: ${backend.backend}${adapter}`;
  } else if (fatal) {
    text = `Backend: failed (${fatal.message})`;
  }
  return (
    <div className="status-bar">
      <span role="status" data-testid="backend-status" title={backend?.adapter?.description || undefined}>
        {text}
      </span>
      {backend?.fallbackReason && <span className="status-warning">{backend.fallbackReason}</span>}
    </div>
  );
}
