import type { OverlaySeries } from './overlaySeries';

/** The overlaid runs' names with their line styles (the chart legend, readable without colour too). */
export function OverlayLegend({ series, testId }: { series: OverlaySeries[]; testId: string }) {
  return (
    <ul className="overlay-legend" data-testid={testId} aria-label="Overlaid runs">
      {series.map((s) => (
        <li key={s.id}>
          <svg width="22" height="8" aria-hidden="true">
            <line x1="0" y1="4" x2="22" y2="4" stroke={s.colour} strokeWidth="2" strokeDasharray={s.dash} />
          </svg>{' '}
          {s.name}
        </li>
      ))}
    </ul>
  );
}
