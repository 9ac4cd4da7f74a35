// The overlaid runs for the charts (empty: the charts show the live run as usual).
import { useMemo } from 'react';
import { useMetricsStore } from '../store/metricsStore';
import { useRunsStore } from '../store/runsStore';
import { overlaySeries, type OverlaySeries } from './overlaySeries';

export function useOverlays(): OverlaySeries[] {
  const selected = useRunsStore((s) => s.selected);
  const list = useRunsStore((s) => s.list);
  const curves = useRunsStore((s) => s.curves);
  const liveId = useRunsStore((s) => s.liveRunId);
  const live = useRunsStore((s) => s.liveRunId !== null && s.selected.includes(s.liveRunId));
  const loss = useMetricsStore((s) => (live ? s.loss : null));
  const probes = useMetricsStore((s) => (live ? s.probes : null));
  return useMemo(
    () => overlaySeries(selected, list, curves, { id: liveId, metrics: loss ?? [], probes: probes ?? [] }),
    [selected, list, curves, liveId, loss, probes],
  );
}
