import { memo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useMetricsStore } from '../store/metricsStore';
import { OverlayLegend } from './OverlayLegend';
import type { OverlaySeries } from './overlaySeries';
import { PALETTE, TOOLTIP_ITEM } from './palette';
import { shownLoss } from './series';

/** Without overlays: the live run's loss and its EMA. With overlays: one line per overlaid run. */
export const LossChart = memo(function LossChart({ xMax, overlays }: { xMax: number; overlays: OverlaySeries[] }) {
  const loss = shownLoss(useMetricsStore((s) => s.loss));
  const [log, setLog] = useState(true);
  const overlaid = overlays.length > 0;
  const positive = overlaid ? overlays.every((o) => o.loss.every((p) => p.loss > 0)) : loss.every((p) => p.loss > 0);
  const logScale = log && positive;
  return (
    <figure
      className="chart"
      data-testid="loss-chart"
      data-points={loss.length}
      data-steps={loss.map((p) => p.step).join(',')}
      data-overlays={overlays.length}
    >
      <figcaption>
        <span className="chart-title">{overlaid ? 'Training loss: overlaid runs' : 'Training loss'}</span>
        <label className="inline">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> Log scale
        </label>
      </figcaption>
      {overlaid && <OverlayLegend series={overlays} testId="loss-overlay-legend" />}
      {overlaid ? (
        <ResponsiveContainer width="100%" height={210}>
          <LineChart margin={{ top: 6, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#e6e9ee" />
            <XAxis dataKey="step" type="number" domain={[0, xMax]} allowDecimals={false} tick={{ fontSize: 11 }} />
            <YAxis
              dataKey="loss"
              scale={logScale ? 'log' : 'linear'}
              domain={['auto', 'auto']}
              tick={{ fontSize: 11 }}
              width={52}
              tickFormatter={(v: number) => (v >= 10 ? v.toFixed(0) : v.toPrecision(2))}
            />
            <Tooltip itemStyle={TOOLTIP_ITEM} formatter={(v) => (typeof v === 'number' ? v.toPrecision(4) : String(v))} labelFormatter={(s) => `step ${s}`} />
            {overlays.map((o) => (
              <Line key={o.id} data={o.loss} type="linear" dataKey="loss" name={o.name} stroke={o.colour} strokeDasharray={o.dash} strokeWidth={2} dot={false} isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      ) : loss.length === 0 ? (
        <p className="chart-empty">Press Start training (or Space): the loss appears here, one point per metrics read-back.</p>
      ) : (
        <ResponsiveContainer width="100%" height={210}>
          <LineChart data={loss} margin={{ top: 6, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#e6e9ee" />
            <XAxis dataKey="step" type="number" domain={[0, xMax]} allowDecimals={false} tick={{ fontSize: 11 }} />
            <YAxis
              scale={logScale ? 'log' : 'linear'}
              domain={['auto', 'auto']}
              allowDataOverflow={false}
              tick={{ fontSize: 11 }}
              width={52}
              tickFormatter={(v: number) => (v >= 10 ? v.toFixed(0) : v.toPrecision(2))}
            />
            <Tooltip itemStyle={TOOLTIP_ITEM} formatter={(v) => (typeof v === 'number' ? v.toPrecision(4) : String(v))} labelFormatter={(s) => `step ${s}`} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Line type="linear" dataKey="loss" name="loss" stroke={PALETTE.skyBlue} strokeWidth={1} dot={false} isAnimationActive={false} />
            <Line type="linear" dataKey="lossEma" name="loss (EMA 0.9)" stroke={PALETTE.blue} strokeWidth={2} dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
});
