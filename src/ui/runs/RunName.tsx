// A run's name with inline Rename (Enter saves, Escape cancels).
import { useState } from 'react';
import { renameRun } from '../store/runsStore';

export function RunName({ id, name }: { id: string; name: string }) {
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null) {
    return (
      <span className="run-name">
        <span data-testid="run-name">{name}</span>{' '}
        <button type="button" className="small" aria-label={`Rename ${name}`} onClick={() => setDraft(name)}>
          Rename
        </button>
      </span>
    );
  }
  const save = () => {
    if (draft.trim() !== '' && draft.trim() !== name) renameRun(id, draft);
    setDraft(null);
  };
  return (
    <form
      className="run-name"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <input
        type="text"
        value={draft}
        aria-label={`New name for ${name}`}
        autoFocus
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && setDraft(null)}
      />{' '}
      <button type="submit" className="small" disabled={draft.trim() === ''}>
        Save
      </button>{' '}
      <button type="button" className="small" onClick={() => setDraft(null)}>
        Cancel
      </button>
    </form>
  );
}
