import { useLayoutEffect, useRef, useState } from 'react';
import { useConfigStore } from '../store/configStore';
import { FLUSHES_PER_SECOND, reportRenderMs, useMetricsStore } from '../store/metricsStore';
import { useRunStore } from '../store/runStore';
import { clearOverlays } from '../store/runsStore';
import { LossChart } from './LossChart';
import { OverlayTable } from './OverlayTable';
import { useOverlays } from './useOverlays';
import { MetricsTable } from './MetricsTable';
import { ProbeChart } from './ProbeChart';
import { ThroughputChart } from './ThroughputChart';

export function ChartsArea() {
  const [table, setTable] = useState(false);
  const runConfig = useRunStore((s) => s.runConfig);
  const draft = useConfigStore((s) => s.config);
  const cfg = runConfig ?? draft;
  const flushes = useMetricsStore((s) => s.flushes);
  // The x-axis follows the data (the end of a long run would squeeze the first steps into a sliver).
  const lastStep = useMetricsStore((s) => Math.max(s.loss[s.loss.length - 1]?.step ?? 0, s.probes[s.probes.length - 1]?.step ?? 0));
  const overlays = useOverlays();
  const overlayLast = Math.max(0, ...overlays.map((o) => Math.max(o.loss[o.loss.length - 1]?.step ?? 0, o.probes[o.probes.length - 1]?.step ?? 0)));
  const xMax = niceCeil(Math.max(10, overlays.length > 0 ? overlayLast : lastStep));
  const renderStarted = useRef(0);
  renderStarted.current = performance.now();
  useLayoutEffect(() => reportRenderMs(performance.now() - renderStarted.current), [flushes]);
  return (
    <section className="panel charts" aria-labelledby="charts-heading" data-tour="charts" data-flushes={flushes}>
      <div className="section-head">
        <h2 id="charts-heading">Live metrics</h2>
        {overlays.length > 0 && (
          <span className="muted" data-testid="overlay-note">
            {overlays.length} stored run{overlays.length === 1 ? '' : 's'} overlaid{' '}
            <button type="button" className="small" onClick={clearOverlays}>
              Show the live run only
            </button>
          </span>
        )}
        <span className="muted">charts refresh at most {FLUSHES_PER_SECOND}× per second</span>
        <button type="button" aria-pressed={table} onClick={() => setTable(!table)}>
          {table ? 'Show charts' : 'Show data table'}
        </button>
      </div>
      {table ? (
        <>
          {overlays.length > 0 && <OverlayTable series={overlays} />}
          <MetricsTable />
        </>
      ) : (
        <div className="chart-grid">
          <LossChart xMax={xMax} overlays={overlays} />
          <ProbeChart xMax={xMax} probeEvery={cfg.probeEvery} features={cfg.probeFeatures} overlays={overlays} />
          <ThroughputChart xMax={xMax} />
        </div>
      )}
    </section>
  );
}

/** The next of 1, 2, 5 x 10^k at or above v: the axis (and the probe chart) change rarely. */
function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((x) => x >= v) ?? 10 * p;
}
