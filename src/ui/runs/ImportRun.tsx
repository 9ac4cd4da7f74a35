// `Import run`: a run bundle (.zip) into the runs table. A bad bundle is said here; nothing stored changes.
import { useRef } from 'react';
import { importRun, useRunsStore } from '../store/runsStore';

export function ImportRun() {
  const input = useRef<HTMLInputElement>(null);
  const importing = useRunsStore((s) => s.importing);
  const error = useRunsStore((s) => s.importError);
  const imported = useRunsStore((s) => (s.lastImportedId ? (s.list.find((r) => r.id === s.lastImportedId)?.name ?? 'the run') : null));
  return (
    <div className="import-run">
      <button type="button" disabled={importing} onClick={() => input.current?.click()}>
        Import run
      </button>
      <input
        ref={input}
        type="file"
        accept=".zip,application/zip"
        className="visually-hidden"
        tabIndex={-1}
        aria-label="Import run bundle (.zip)"
        data-testid="import-run-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) importRun(file);
        }}
      />
      <span role="status" data-testid="import-run-status">
        {importing ? 'Importing the run bundle…' : imported ? `Imported ${imported}.` : ''}
      </span>
      {error && (
        <p role="alert" className="error-line" data-testid="import-run-error">
          Import run failed: {error} Nothing stored was changed.
        </p>
      )}
    </div>
  );
}
