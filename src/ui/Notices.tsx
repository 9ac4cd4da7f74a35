import { useState } from 'react';
// Messages above the workspace: URL problems, engine errors (dismissible; the run stays paused and
// everything collected is kept) and the offer to restart when knobs changed during a run.
import { restartWithNewSettings } from './store/actions';
import { restartEngine } from './store/events';
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
      <CrashNotice />
      <DeviceLossNotice />
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

/** The engine worker died: say so, keep everything shown, offer a fresh worker. */
function CrashNotice() {
  const crashed = useEngineStore((s) => s.crashed);
  if (!crashed) return null;
  return (
    <div role="alert" className="notice error-line" data-testid="engine-crashed">
      <p>
        The training engine stopped: {crashed}. The charts and snapshots on this page are kept. Restart starts a fresh engine; a run stored in the
        Runs table goes on from its last checkpoint with Resume training.
      </p>
      <button type="button" onClick={restartEngine}>
        Restart
      </button>
    </div>
  );
}

/** The WebGPU device was lost; the engine re-initialised (or fell back) and resumed if it could. */
function DeviceLossNotice() {
  const loss = useEngineStore((s) => s.deviceLoss);
  const [seen, setSeen] = useState<typeof loss>(null);
  if (!loss || seen === loss) return null;
  const resumed =
    loss.resumedFromStep !== null
      ? ` The run goes on from its last checkpoint at step ${loss.resumedFromStep}; the charts keep everything up to it.`
      : loss.atStep > 0
        ? ' The run could not be resumed (no checkpoint was stored); its charts are kept. Start it again.'
        : '';
  return (
    <div role="alert" className="notice error-line" data-testid="device-lost">
      <p>
        {loss.message.charAt(0).toUpperCase() + loss.message.slice(1)}, as after a driver reset or a GPU process crash.{' '}
        {loss.backend ? `The engine now runs on ${loss.backend}${loss.backend === 'webgpu' ? ' with a new device' : ' (WebGPU could not be started again)'}.` : ''}
        {resumed}
      </p>
      <button type="button" onClick={() => setSeen(loss)}>
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
