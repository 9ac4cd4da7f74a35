// Knob controls bound to one ExperimentConfig field each.
import { useEffect, useState, type ReactNode } from 'react';
import type { ExperimentConfig } from '../../ldae/config';
import { setKnob, useKnob } from '../store/hooks';
import { describedBy, Field } from './Field';

type Keys<T> = { [K in keyof ExperimentConfig]: ExperimentConfig[K] extends T ? K : never }[keyof ExperimentConfig];

interface KnobProps<K> {
  field: K;
  label: string;
  why?: ReactNode;
  aside?: ReactNode;
  disabled?: boolean;
}

const idOf = (field: string) => `knob-${field}`;

export function SelectKnob<K extends Keys<string>>({
  field,
  label,
  why,
  aside,
  disabled,
  options,
}: KnobProps<K> & { options: readonly { value: ExperimentConfig[K]; label: string }[] }) {
  const { value, changed, problems, warnings } = useKnob(field);
  const id = idOf(field);
  return (
    <Field id={id} field={field} label={label} why={why} problems={problems} warnings={warnings} changed={changed} aside={aside}>
      <select
        id={id}
        value={value as string}
        disabled={disabled}
        aria-invalid={problems.length > 0 || undefined}
        aria-describedby={describedBy(id, why, problems, warnings)}
        onChange={(e) => setKnob(field, e.target.value as ExperimentConfig[K])}
      >
        {options.map((o) => (
          <option key={o.value as string} value={o.value as string}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function CheckboxKnob<K extends Keys<boolean>>({ field, label, why, aside, disabled }: KnobProps<K>) {
  const { value, changed, problems, warnings } = useKnob(field);
  const id = idOf(field);
  return (
    <Field id={id} field={field} label={label} why={why} problems={problems} warnings={warnings} changed={changed} aside={aside} inline>
      <input
        id={id}
        type="checkbox"
        checked={value as boolean}
        disabled={disabled}
        aria-invalid={problems.length > 0 || undefined}
        aria-describedby={describedBy(id, why, problems, warnings)}
        onChange={(e) => setKnob(field, e.target.checked as ExperimentConfig[K])}
      />
    </Field>
  );
}

/** A number typed as text: the draft keeps what was typed (NaN when it is not a number) so the
 *  inline message explains it; nothing is clamped silently. */
export function NumberKnob<K extends Keys<number>>({ field, label, why, aside, disabled, step }: KnobProps<K> & { step?: number | 'any' }) {
  const { value, changed, problems, warnings } = useKnob(field);
  const id = idOf(field);
  const [text, setText] = useState(formatNumber(value as number));
  useEffect(() => {
    if (Number(text) !== value && !(Number.isNaN(value) && text.trim() === '')) setText(formatNumber(value as number));
  }, [value]);
  return (
    <Field id={id} field={field} label={label} why={why} problems={problems} warnings={warnings} changed={changed} aside={aside}>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={text}
        disabled={disabled}
        data-step={step}
        aria-invalid={problems.length > 0 || undefined}
        aria-describedby={describedBy(id, why, problems, warnings)}
        onChange={(e) => {
          setText(e.target.value);
          setKnob(field, (e.target.value.trim() === '' ? Number.NaN : Number(e.target.value)) as ExperimentConfig[K]);
        }}
      />
    </Field>
  );
}

export function SliderKnob<K extends Keys<number>>({
  field,
  label,
  why,
  aside,
  disabled,
  min,
  max,
  step = 1,
  format = (v: number) => String(v),
}: KnobProps<K> & { min: number; max: number; step?: number; format?: (v: number) => string }) {
  const { value, changed, problems, warnings } = useKnob(field);
  const id = idOf(field);
  const v = value as number;
  return (
    <Field id={id} field={field} label={label} why={why} problems={problems} warnings={warnings} changed={changed} aside={aside}>
      <div className="slider-row">
        <input
          id={id}
          type="range"
          min={min}
          max={max}
          step={step}
          value={Math.min(max, Math.max(min, v))}
          disabled={disabled}
          aria-valuetext={format(v)}
          aria-invalid={problems.length > 0 || undefined}
          aria-describedby={describedBy(id, why, problems, warnings)}
          onChange={(e) => setKnob(field, Number(e.target.value) as ExperimentConfig[K])}
        />
        <span className="slider-value">
          {format(v)}
        </span>
      </div>
    </Field>
  );
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return '';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential();
  return String(Number(v.toPrecision(6)));
}
