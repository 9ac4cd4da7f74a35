// Builds a classroom link: the current config (preset and knobs), the controls to hide and the
// tour step to open on.
import { useEffect, useRef, useState } from 'react';
import type { ExperimentConfig } from '../../ldae/config';
import { useConfigStore } from '../store/configStore';
import { useTeachingStore } from '../store/teachingStore';
import { CONTROL_GROUPS } from './controlGroups';
import { classroomQuery } from './pageParams';
import { TOUR_STEPS } from './tourSteps';

export function ShareForClass({ onClose }: { onClose: () => void }) {
  const config = useConfigStore((s) => s.config);
  const [hidden, setHidden] = useState<(keyof ExperimentConfig)[]>(() => useTeachingStore.getState().hidden);
  const [tour, setTour] = useState<number | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input')?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const link = `${window.location.origin}${window.location.pathname}?${classroomQuery(config, hidden, tour)}`;
  const toggle = (f: keyof ExperimentConfig, on: boolean) => setHidden((h) => (on ? [...h, f] : h.filter((x) => x !== f)));
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied('Link copied.');
    } catch {
      setCopied('Copying is not allowed here: select the link and copy it.');
    }
  };
  return (
    <div id="share-for-class" ref={ref} className="popover share-popover" role="dialog" aria-label="Share for class">
      <p className="why">
        The link fixes the current preset and settings. Tick the controls your class should not see; students can still choose “Show all controls”.
      </p>
      <fieldset className="hide-choices">
        <legend>Hide these controls</legend>
        {CONTROL_GROUPS.map((g) => (
          <div key={g.title} className="hide-group">
            <span className="hide-group-title">{g.title}</span>
            {g.fields.map((f) => (
              <label key={f} className="inline">
                <input type="checkbox" checked={hidden.includes(f)} onChange={(e) => toggle(f, e.target.checked)} /> {f}
              </label>
            ))}
          </div>
        ))}
      </fieldset>
      <label className="field">
        Open on tour step{' '}
        <select value={tour ?? ''} onChange={(e) => setTour(e.target.value === '' ? null : Number(e.target.value))}>
          <option value="">no tour</option>
          {TOUR_STEPS.map((s, i) => (
            <option key={s.target} value={i + 1}>
              {i + 1}. {s.title}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Classroom link
        <input type="text" readOnly value={link} data-testid="classroom-link" onFocus={(e) => e.target.select()} />
      </label>
      <div className="run-buttons">
        <button type="button" onClick={copy}>
          Copy link
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
        <span role="status">{copied}</span>
      </div>
    </div>
  );
}
