// A labelled knob: visible label (= the control's accessible name), a "why it matters" line,
// inline validation messages, and a marker when the knob differs from the running experiment.
import type { ReactNode } from 'react';
import type { ExperimentConfig } from '../../ldae/config';
import { useHidden } from '../store/teachingStore';

export interface FieldProps {
  id: string;
  /** The config field this control sets: a classroom link may hide it (?hide=field). */
  field?: keyof ExperimentConfig;
  label: string;
  why?: ReactNode;
  problems?: string[];
  /** Legal but risky: said under the knob, Start stays enabled. */
  warnings?: string[];
  changed?: boolean;
  /** Readouts shown on the label's line (outside the label, so not part of the name). */
  aside?: ReactNode;
  /** Put the control before the label on one line (checkboxes). */
  inline?: boolean;
  children: ReactNode;
}

export function describedBy(id: string, why: unknown, problems: string[] | undefined, warnings: string[] = []): string | undefined {
  const ids = [why ? `${id}-why` : '', problems && problems.length > 0 ? `${id}-problems` : '', warnings.length > 0 ? `${id}-warnings` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

export function Field({ id, field, label, why, problems = [], warnings = [], changed = false, aside, inline = false, children }: FieldProps) {
  if (useHidden(field)) return null;
  return (
    <div className={`field${changed ? ' field-changed' : ''}${problems.length > 0 ? ' field-invalid' : ''}`}>
      <div className="field-head">
        {inline && children}
        <label htmlFor={id}>{label}</label>
        {changed && (
          <span className="changed-badge" title="Differs from the running experiment: applies after Restart with new settings">
            changed · needs restart
          </span>
        )}
        {aside && <span className="field-aside">{aside}</span>}
      </div>
      {!inline && children}
      {problems.length > 0 && (
        <div className="problem" id={`${id}-problems`}>
          {problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      )}
      {warnings.length > 0 && (
        <div className="knob-warning" id={`${id}-warnings`} data-testid={`${id}-warnings`}>
          {warnings.map((w) => (
            <p key={w}>{w}</p>
          ))}
        </div>
      )}
      {why && (
        <p className="why" id={`${id}-why`}>
          {why}
        </p>
      )}
    </div>
  );
}
