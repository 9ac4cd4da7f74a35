import { useState } from 'react';
import { useConfigStore } from '../store/configStore';
import { useMetricsStore, FLUSHES_PER_SECOND } from '../store/metricsStore';
import { useRunStore } from '../store/runStore';
import { LossChart } from './LossChart';
import { MetricsTable } from './MetricsTable';
import { ProbeChart } from './ProbeChart';
import { ThroughputChart } from './ThroughputChart';

export function ChartsArea() {
  const [table, setTable] = useState(false);
  const runConfig = useRunStore((s) => s.runConfig);
  const draft = useConfigStore((s) => s.config);
  const cfg = runConfig ?? draft;
  const flushes = useMetricsStore((s) => s.flushes);
  return (
    <section className="panel charts" aria-labelledby="charts-heading" data-flushes={flushes}>
      <div className="section-head">
        <h2 id="charts-heading">Live metrics</h2>
        <span className="muted">charts refresh at most {FLUSHES_PER_SECOND}× per second</span>
        <button type="button" aria-pressed={table} onClick={() => setTable(!table)}>
          {table ? 'Show charts' : 'Show data table'}
        </button>
      </div>
      {table ? (
        <MetricsTable />
      ) : (
        <div className="chart-grid">
          <LossChart totalSteps={cfg.steps} />
          <ProbeChart totalSteps={cfg.steps} probeEvery={cfg.probeEvery} />
          <ThroughputChart totalSteps={cfg.steps} />
        </div>
      )}
    </section>
  );
}
