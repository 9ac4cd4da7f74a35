// A stored run's actions: `Resume training` (interrupted or paused, with a checkpoint), `Export run`, Delete (confirmed).
import { useState } from 'react';
import type { RunListEntry } from '../../types/runs';
import { isActive, resumeStoredRun } from '../store/actions';
import { useReplayStore } from '../store/replayState';
import { useRunStore } from '../store/runStore';
import { deleteRun, exportRun, useRunsStore } from '../store/runsStore';
import { canResume } from './runFormat';

export function RunActions({ run, live }: { run: RunListEntry; live: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const busy = useRunStore((s) => isActive(s.state) || s.state === 'fitting-tokenizer');
  const replaying = useReplayStore((s) => s.phase === 'running');
  const exporting = useRunsStore((s) => s.exporting === run.id);
  // The live run is resumed with the Resume training above the charts.
  const resumable = !live && canResume(run);
  if (confirming) {
    return (
      <span className="run-actions" role="group" aria-label={`Delete ${run.name}?`}>
        Delete “{run.name}” and its checkpoint?{' '}
        <button
          type="button"
          className="small danger"
          onClick={() => {
            setConfirming(false);
            deleteRun(run.id);
          }}
        >
          Delete run
        </button>{' '}
        <button type="button" className="small" autoFocus onClick={() => setConfirming(false)}>
          Keep
        </button>
      </span>
    );
  }
  return (
    <span className="run-actions">
      {resumable && (
        <button
          type="button"
          className="small"
          disabled={busy || replaying}
          title={busy || replaying ? 'Pause or finish the run in progress first' : undefined}
          onClick={() => resumeStoredRun(run)}
        >
          Resume training
        </button>
      )}{' '}
      <button type="button" className="small" disabled={exporting} onClick={() => exportRun(run.id)}>
        {exporting ? 'Exporting…' : 'Export run'}
      </button>{' '}
      <button
        type="button"
        className="small"
        aria-label={`Delete ${run.name}`}
        disabled={live && run.status !== 'done'}
        title={live && run.status !== 'done' ? 'The run in progress: Reset or let it finish first' : undefined}
        onClick={() => setConfirming(true)}
      >
        Delete
      </button>
    </span>
  );
}
