// Start / Pause / Resume / Step / Reset, the keyboard-shortcut help and the phase progress bars.
import { useState } from 'react';
import { canStart, isActive, pauseTraining, resetTraining, resumeTraining, startTraining, stepTraining } from './store/actions';
import { useConfigStore } from './store/configStore';
import { useEngineStore } from './store/engineStore';
import { hasSession, useRunStore } from './store/runStore';
import { SHORTCUTS, useKeyboardShortcuts } from './useKeyboardShortcuts';

export function RunControls() {
  useKeyboardShortcuts();
  const state = useRunStore((s) => s.state);
  const session = useRunStore(hasSession);
  const hasRun = useRunStore((s) => s.runConfig !== null);
  const config = useConfigStore((s) => s.config);
  useEngineStore((s) => s.dataset.meta); // re-render when the dataset arrives (canStart reads it)
  useEngineStore((s) => s.crashed);
  const [help, setHelp] = useState(false);
  const startable = canStart(config) && state !== 'fitting-tokenizer' && !isActive(state) && !(state === 'paused' && session);
  return (
    <div className="run-controls" data-tour="run-controls">
      <div className="run-buttons">
        <button type="button" className="primary" disabled={!startable} onClick={startTraining}>
          Start training
        </button>
        <button type="button" disabled={!isActive(state)} onClick={pauseTraining}>
          Pause training
        </button>
        <button type="button" disabled={!(state === 'paused' && session)} onClick={resumeTraining}>
          Resume training
        </button>
        <button type="button" disabled={!(state === 'paused' && session)} onClick={() => stepTraining(1)}>
          Step
        </button>
        <button type="button" disabled={state === 'idle' && !hasRun} onClick={resetTraining}>
          Reset
        </button>
        <span className="help-anchor">
          <button type="button" aria-expanded={help} aria-controls="shortcut-help" onClick={() => setHelp(!help)}>
            Keyboard shortcuts
          </button>
          {help && (
            <div id="shortcut-help" className="popover" role="dialog" aria-label="Keyboard shortcuts">
              <dl>
                {SHORTCUTS.map((s) => (
                  <div key={s.key}>
                    <dt>
                      <kbd>{s.key}</kbd>
                    </dt>
                    <dd>{s.does}</dd>
                  </div>
                ))}
              </dl>
              <p className="muted">Shortcuts work when focus is not in a form control.</p>
              <button type="button" onClick={() => setHelp(false)}>
                Close
              </button>
            </div>
          )}
        </span>
      </div>
      <PhaseProgress />
    </div>
  );
}

function PhaseProgress() {
  const tok = useRunStore((s) => s.tokenizerProgress);
  const probe = useRunStore((s) => s.probeProgress);
  return (
    <div className="phase-progress">
      {tok && (
        <label>
          Fitting tokenizer <progress max={1} value={tok.fraction} aria-label="Fitting tokenizer" /> {(tok.fraction * 100).toFixed(0)} %
          {tok.reconMse !== null && <span className="muted"> · recon MSE {tok.reconMse.toFixed(4)}</span>}
        </label>
      )}
      {probe !== null && (
        <label>
          Evaluating probes <progress max={1} value={probe} aria-label="Evaluating probes" /> {(probe * 100).toFixed(0)} %
        </label>
      )}
    </div>
  );
}
