import { useState } from 'react';
// Messages above the workspace: URL problems, engine errors (dismissible; the run stays paused and
// everything collected is kept) and the offer to restart when knobs changed during a run.
import { restartWithNewSettings } from './store/actions';
import { changedKeys, currentProblems, useConfigStore } from './store/configStore';
import { useEngineStore } from './store/engineStore';
import { useReplayStore } from './store/replayState';
import { hasSession, useRunStore } from './store/runStore';
import { dismissStoreProblem, useRunsStore } from './store/runsStore';

export function Notices() {
  const urlProblems = useEngineStore((s) => s.urlProblems);
  const dismissUrl = useEngineStore((s) => s.dismissUrlProblems);
  const errors = useEngineStore((s) => s.errors).filter((e) => e.where !== 'loadDataset' && !e.dismissed);
  const dismiss = useEngineStore((s) => s.dismissError);
  const fallback = useEngineStore((s) => s.backend?.fallbackReason ?? null);
  const [fallbackSeen, setFallbackSeen] = useState(false);
  return (
    <>
      {fallback && !fallbackSeen && (
        <div role="alert" className="notice error-line" data-testid="backend-fallback">
          <p>Backend fallback: {fallback}</p>
          <button type="button" onClick={() => setFallbackSeen(true)}>
            Dismiss
          </button>
        </div>
      )}
      {urlProblems.length > 0 && (
        <div role="alert" className="notice" data-testid="url-problems">
          {urlProblems.map((p) => (
            <p key={p}>{p}</p>
          ))}
          <button type="button" onClick={dismissUrl}>
            Dismiss
          </button>
        </div>
      )}
      {errors.length > 0 && (
        <div role="alert" className="error" data-testid="engine-errors">
          {errors.slice(-4).map((e) => (
            <div key={e.id} className="error-line">
              <p>
                Engine error in {e.where}: {e.message}
                {e.where === 'training' ? ' The run is stopped; the charts and snapshots collected so far are kept.' : ''}
              </p>
              <button type="button" aria-label={`Dismiss error in ${e.where}`} onClick={() => dismiss(e.id)}>
                Dismiss
              </button>
            </div>
          ))}
        </div>
      )}
      <RunStoreNotice />
      <RollbackNotice />
      <RestartOffer />
    </>
  );
}

/** IndexedDB unavailable (private mode) or full: the run goes on in memory, it is not stored. */
function RunStoreNotice() {
  const problem = useRunsStore((s) => (s.storeProblemDismissed ? null : s.storeProblem));
  if (!problem) return null;
  return (
    <div role="alert" className="notice error-line" data-testid="run-store-problem">
      <p>
        Runs are not being stored: {problem}
        {/in memory/i.test(problem) ? '' : ' The run keeps training in memory.'}
      </p>
      <button type="button" onClick={dismissStoreProblem}>
        Dismiss
      </button>
    </div>
  );
}

/** A non-finite loss: the run is paused at the last good state; Resume trains on from it. */
function RollbackNotice() {
  const rollback = useRunStore((s) => s.rollback);
  const paused = useRunStore((s) => s.state === 'paused' && hasSession(s));
  const [seen, setSeen] = useState<string | null>(null);
  if (!rollback || seen === rollback.message) return null;
  return (
    <div role="alert" className="notice error-line" data-testid="rollback-notice">
      <p>
        The loss became non-finite in the window ending at step {rollback.badStep}. The run is paused and rolled back to step {rollback.toStep} (weights,
        optimizer and data order as they were there); the charts keep everything up to it. Likely cause: {rollback.cause}.
        {paused ? ' Resume training continues from the restored state; or change the settings and restart.' : ''}
      </p>
      <button type="button" onClick={() => setSeen(rollback.message)}>
        Dismiss
      </button>
    </div>
  );
}

function RestartOffer() {
  const config = useConfigStore((s) => s.config);
  const runConfig = useRunStore((s) => s.runConfig);
  const live = useRunStore((s) => hasSession(s) && s.state !== 'done');
  const replaying = useReplayStore((s) => s.phase === 'running'); // its runs have their own presets, not the draft
  if (!live || !runConfig || replaying) return null;
  const changed = changedKeys(config, runConfig).filter((k) => k !== 'backend');
  if (changed.length === 0) return null;
  const invalid = currentProblems(config).length > 0;
  return (
    <div className="notice restart-offer" data-testid="restart-offer">
      <p>
        Changed since this run started: <strong>{changed.join(', ')}</strong>. The running experiment keeps its settings; nothing is applied halfway.
      </p>
      <button type="button" disabled={invalid} onClick={restartWithNewSettings}>
        Restart with new settings
      </button>
      {invalid && <span className="muted"> Fix the settings marked in red first.</span>}
    </div>
  );
}
