// Noise schedule knobs, a plot of sigma(t) and SNR(t) for the choice, and one image noised at 5 levels.
import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ScheduleKind } from '../../ldae/config';
import { scheduleFor } from '../../ldae/schedules';
import { CheckboxKnob, NumberKnob, SelectKnob, SliderKnob } from '../controls/knobs';
import { useConfigStore } from '../store/configStore';
import { useSnapshotStore } from '../store/snapshotStore';
import { ChartDataTable } from '../charts/ChartDataTable';
import { PALETTE } from '../charts/palette';
import { FloatImageCanvas } from '../visualizer/FloatImageCanvas';

const SCHEDULE_OPTIONS: { value: ScheduleKind; label: string }[] = [
  { value: 'vp-ddpm-linear', label: 'VP, DDPM linear β (DiT)' },
  { value: 'vp-cosine', label: 'VP, cosine' },
  { value: 'vp-linear-gamma2', label: 'VP, γ² linear 1 → 0' },
  { value: 'ldae-linear-sigma', label: 'l-DAE: γ = 1, σ linear 0 → σ_max' },
];

function SchedulePlot() {
  const schedule = useConfigStore((s) => s.config.schedule);
  const sigmaMax = useConfigStore((s) => s.config.sigmaMax);
  const inputScaling = useConfigStore((s) => s.config.inputScaling);
  const data = useMemo(() => {
    if (!Number.isFinite(sigmaMax)) return [];
    const f = scheduleFor({ schedule, sigmaMax, inputScaling });
    return Array.from({ length: 50 }, (_, i) => {
      const t = (i + 1) / 50;
      const { gamma, sigma } = f(t);
      return { t, sigma, logSnr: sigma > 0 ? Math.log10((gamma * gamma) / (sigma * sigma)) : null };
    });
  }, [schedule, sigmaMax, inputScaling]);
  return (
    <figure className="chart small-chart" data-testid="schedule-plot">
      <figcaption className="muted">σ(t) and log₁₀ SNR(t) = log₁₀ γ²/σ² (latents have unit RMS)</figcaption>
      <ResponsiveContainer width="100%" height={130}>
        <LineChart data={data} margin={{ top: 4, right: 0, bottom: 0, left: -10 }}>
          <CartesianGrid stroke="#eef0f3" />
          <XAxis dataKey="t" type="number" domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} tick={{ fontSize: 10 }} />
          <YAxis yAxisId="sigma" tick={{ fontSize: 10 }} width={36} />
          <YAxis yAxisId="snr" orientation="right" tick={{ fontSize: 10 }} width={30} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))} labelFormatter={(t) => `t = ${Number(t).toFixed(2)}`} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Line yAxisId="sigma" dataKey="sigma" name="σ(t)" stroke={PALETTE.blue} dot={false} isAnimationActive={false} />
          <Line yAxisId="snr" dataKey="logSnr" name="log₁₀ SNR" stroke={PALETTE.vermillion} strokeDasharray="5 3" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
      <ChartDataTable
        caption="Noise schedule: σ(t) and log₁₀ SNR(t)"
        testId="schedule-table"
        rows={data.filter((_, i) => i % 5 === 4)}
        columns={[
          { label: 't', value: (r) => r.t.toFixed(2) },
          { label: 'σ(t)', value: (r) => r.sigma.toFixed(3) },
          { label: 'log₁₀ SNR', value: (r) => (r.logSnr === null ? '' : r.logSnr.toFixed(2)) },
        ]}
      />
    </figure>
  );
}

/** The first visualizer image's noised latent (in pixels) at each snapshot level. */
function NoiseStrip() {
  const snapshot = useSnapshotStore((s) => s.snapshot);
  if (!snapshot) return <p className="why">A strip of one test image noised at 5 levels of t appears once a run starts (it needs the fitted tokenizer).</p>;
  return (
    <div className="noise-strip" data-testid="noise-strip">
      {snapshot.rows.map((r) => (
        <figure key={r.t}>
          <FloatImageCanvas images={r.noisedDecoded} indices={[0]} options={{ scale: 2 }} label={`noised at t = ${r.t.toFixed(2)}`} />
          <figcaption>t = {r.t.toFixed(2)}</figcaption>
        </figure>
      ))}
    </div>
  );
}

export function NoisePanel() {
  const schedule = useConfigStore((s) => s.config.schedule);
  const singleLevel = useConfigStore((s) => s.config.singleLevel);
  return (
    <section className="panel" aria-labelledby="noise-heading" data-tour="noise">
      <h2 id="noise-heading">Noise</h2>
      <SelectKnob
        field="schedule"
        label="Noise schedule"
        options={SCHEDULE_OPTIONS}
        why="Paper: γ² linear instead of DDPM's schedule +4.4 points (59.0 → 63.4): more training on noisier levels helps the representation."
      />
      <NumberKnob
        field="sigmaMax"
        label="σ max"
        disabled={schedule !== 'ldae-linear-sigma'}
        why={schedule === 'ldae-linear-sigma' ? 'l-DAE: σ_t linear from 0 to √2 ≈ 1.414.' : 'Used by the l-DAE schedule only.'}
      />
      <CheckboxKnob field="singleLevel" label="Single noise level" why="One level instead of t ~ U(0, 1): 61.5 vs 64.5, helps but is not essential." />
      <SliderKnob field="singleLevelT" label="Noise level t" min={0} max={1} step={0.01} disabled={!singleLevel} format={(v) => `t = ${v.toFixed(2)}`} />
      <SchedulePlot />
      <NoiseStrip />
    </section>
  );
}
