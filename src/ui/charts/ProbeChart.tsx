import { memo } from 'react';
import type { ProbeFeatureKind } from '../../ldae/config';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useMetricsStore } from '../store/metricsStore';
import { probeNow } from '../store/actions';
import { hasSession, useRunStore } from '../store/runStore';
import { OverlayLegend } from './OverlayLegend';
import type { OverlaySeries } from './overlaySeries';
import { PALETTE, TOOLTIP_ITEM } from './palette';
import { pct } from './series';

const FEATURE_CAPTIONS: Record<ProbeFeatureKind, string> = {
  middle: 'middle block, mean-pooled, BatchNorm',
  'mean-of-blocks': 'mean of all blocks, each mean-pooled, BatchNorm (beyond the paper)',
};

export const ProbeChart = memo(function ProbeChart({
  xMax,
  probeEvery,
  features,
  overlays,
}: {
  xMax: number;
  probeEvery: number;
  features: ProbeFeatureKind;
  /** Overlaid runs: their linear-probe accuracy, one line each, instead of the live run's. */
  overlays: OverlaySeries[];
}) {
  const probes = useMetricsStore((s) => s.probes);
  const weights = probes[probes.length - 1]?.weights;
  const baselines = useMetricsStore((s) => s.baselines);
  const session = useRunStore(hasSession);
  const refs = baselines
    ? [
        { y: baselines.rawPixel.linearTestAcc, label: `raw pixels, linear ${pct(baselines.rawPixel.linearTestAcc)}${baselines.rawPixel.linearProbe === 'default' ? ' (default probe, better for pixels)' : ''}`, color: PALETTE.black, dash: '6 3', at: 'insideTopLeft' },
        { y: baselines.rawPixel.knnTestAcc, label: `raw pixels, kNN ${pct(baselines.rawPixel.knnTestAcc)}`, color: PALETTE.black, dash: '2 3', at: 'insideBottomRight' },
        { y: baselines.randomInit.linearTestAcc, label: `random init, linear ${pct(baselines.randomInit.linearTestAcc)}`, color: PALETTE.grey, dash: '6 3', at: 'insideTopLeft' },
        { y: baselines.randomInit.knnTestAcc, label: `random init, kNN ${pct(baselines.randomInit.knnTestAcc)}`, color: PALETTE.grey, dash: '2 3', at: 'insideBottomRight' },
        { y: baselines.latent.linearTestAcc, label: `latents z0 concatenated, linear ${pct(baselines.latent.linearTestAcc)}`, color: PALETTE.orange, dash: '8 2 2 2', at: 'insideTopRight' },
      ]
    : [];
  return (
    <figure className="chart" data-testid="probe-chart" data-points={probes.length} data-overlays={overlays.length}>
      <figcaption>
        <span className="chart-title">Probe accuracy (test)</span>
        <span className="muted" data-testid="probe-caption">
          {FEATURE_CAPTIONS[features]}
          {weights === 'ema' ? ' · EMA weights' : ''}
        </span>
        <button type="button" className="small" disabled={!session} onClick={probeNow}>
          Evaluate probes now
        </button>
      </figcaption>
      {overlays.length > 0 && <OverlayLegend series={overlays} testId="probe-overlay-legend" />}
      {overlays.length > 0 ? (
        <ResponsiveContainer width="100%" height={210}>
          <LineChart margin={{ top: 6, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#e6e9ee" />
            <XAxis dataKey="step" type="number" domain={[0, xMax]} allowDecimals={false} tick={{ fontSize: 11 }} />
            <YAxis dataKey="linearTestAcc" domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} tick={{ fontSize: 11 }} width={44} />
            <Tooltip itemStyle={TOOLTIP_ITEM} formatter={(v) => (typeof v === 'number' ? pct(v) : String(v))} labelFormatter={(s) => `step ${s}`} />
            {overlays.map((o) => (
              <Line key={o.id} data={o.probes} type="linear" dataKey="linearTestAcc" name={`${o.name} linear probe`} stroke={o.colour} strokeDasharray={o.dash} strokeWidth={2} dot isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      ) : probes.length === 0 && baselines === null ? (
        <p className="chart-empty">
          {probeEvery > 0
            ? `The first probe evaluation runs at step ${probeEvery.toLocaleString('en-US')}, with the raw-pixel, random-init and latent baselines as reference lines.`
            : 'Probe every K is 0: probes run only at the end of the run.'}
        </p>
      ) : (
        <ResponsiveContainer width="100%" height={210}>
          <LineChart data={probes} margin={{ top: 6, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#e6e9ee" />
            <XAxis dataKey="step" type="number" domain={[0, xMax]} allowDecimals={false} tick={{ fontSize: 11 }} />
            <YAxis domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} tick={{ fontSize: 11 }} width={44} />
            <Tooltip itemStyle={TOOLTIP_ITEM} formatter={(v) => (typeof v === 'number' ? pct(v) : String(v))} labelFormatter={(s) => `step ${s}`} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {refs.map((r) => (
              <ReferenceLine
                key={r.label}
                y={r.y}
                stroke={r.color}
                strokeDasharray={r.dash}
                ifOverflow="extendDomain"
                label={{ value: r.label, position: r.at as 'insideTopLeft', fontSize: 10, fill: r.color }}
              />
            ))}
            <Line type="linear" dataKey="linearTestAcc" name="linear probe" stroke={PALETTE.vermillion} strokeWidth={2} dot isAnimationActive={false} />
            <Line type="linear" dataKey="knnTestAcc" name="kNN (k = 20)" stroke={PALETTE.bluishGreen} strokeWidth={2} strokeDasharray="6 2" dot isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
});
