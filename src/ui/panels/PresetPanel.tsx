import { getPreset, matchingPreset, NOT_APPLICABLE_NOTE, PRESETS, type PresetId } from '../../ldae/presets';
import { PRESET_NOTICES } from '../../ldae/presetNotices';
import { TUNED_PRESET } from '../../ldae/tunedPreset';
import { useConfigStore } from '../store/configStore';

export function PresetPanel() {
  const config = useConfigStore((s) => s.config);
  const choose = useConfigStore((s) => s.choosePreset);
  const current = matchingPreset(config);
  const preset = current ? getPreset(current) : undefined;
  const index = preset ? PRESETS.indexOf(preset) : -1;
  const tuned = current === TUNED_PRESET.id;
  return (
    <section className="panel" aria-labelledby="preset-heading" data-tour="preset">
      <h2 id="preset-heading">The paper's trajectory</h2>
      <div className="field">
        <div className="field-head">
          <label htmlFor="preset">Preset</label>
        </div>
        <select id="preset" value={current ?? ''} aria-describedby="preset-description" onChange={(e) => e.target.value && choose(e.target.value as PresetId)}>
          {current === null && <option value="">custom (no preset matches)</option>}
          {PRESETS.map((p, i) => (
            <option key={p.id} value={p.id}>
              {i + 1}. {p.label}
            </option>
          ))}
          <option value={TUNED_PRESET.id}>Beyond the paper: {TUNED_PRESET.label}</option>
        </select>
        <p className="why" id="preset-description" data-testid="preset-description">
          {preset ? (
            <>
              {index > 0 ? 'Changed from the previous row: ' : ''}
              {preset.description}{' '}
              {preset.paperAcc !== null && <span className="muted">Paper (ImageNet, DiT-L): {preset.paperAcc.toFixed(1)} %.</span>}
            </>
          ) : (
            'Your settings match no row of the deconstruction; pick a row to set every objective knob at once.'
          )}
        </p>
        {current && (
          <p className="why what-to-notice" data-testid="preset-notice">
            <strong>What to notice:</strong> {PRESET_NOTICES[current]}
          </p>
        )}
        {!tuned && (
          <p className="why" data-testid="tuned-suggestion">
            New here and want to see what the features are worth?{' '}
            <button type="button" onClick={() => choose(TUNED_PRESET.id)}>
              Try {TUNED_PRESET.label}
            </button>
          </p>
        )}
        <details>
          <summary className="muted">Why the trajectory starts here</summary>
          <p className="muted">{NOT_APPLICABLE_NOTE}</p>
        </details>
      </div>
    </section>
  );
}
