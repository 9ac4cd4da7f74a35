import { memo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useMetricsStore } from '../store/metricsStore';
import { PALETTE, TOOLTIP_ITEM } from './palette';
import { shownLoss } from './series';

export const ThroughputChart = memo(function ThroughputChart({ xMax }: { xMax: number }) {
  const points = shownLoss(useMetricsStore((s) => s.loss));
  return (
    <figure className="chart" data-testid="throughput-chart">
      <figcaption>
        <span className="chart-title">Throughput</span>
      </figcaption>
      {points.length === 0 ? (
        <p className="chart-empty">Images per second and milliseconds per step, measured in the engine worker.</p>
      ) : (
        <ResponsiveContainer width="100%" height={160}>
          <LineChart data={points} margin={{ top: 6, right: 0, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#e6e9ee" />
            <XAxis dataKey="step" type="number" domain={[0, xMax]} allowDecimals={false} tick={{ fontSize: 11 }} />
            <YAxis yAxisId="ips" tick={{ fontSize: 11 }} width={52} />
            <YAxis yAxisId="ms" orientation="right" tick={{ fontSize: 11 }} width={44} />
            <Tooltip itemStyle={TOOLTIP_ITEM} formatter={(v) => (typeof v === 'number' ? v.toFixed(1) : String(v))} labelFormatter={(s) => `step ${s}`} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Line yAxisId="ips" type="linear" dataKey="imagesPerSec" name="images/s" stroke={PALETTE.bluishGreen} dot={false} isAnimationActive={false} />
            <Line yAxisId="ms" type="linear" dataKey="msPerStep" name="ms/step" stroke={PALETTE.orange} strokeDasharray="5 3" dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
});
