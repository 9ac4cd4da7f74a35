// The tokenizer's basis images (eigen-patches for PCA) and its explained-variance spectrum with d marked.
// Basis images arrive as [K, P, P, C] in [0, 1] (tokenizer.basisImages): each basis vector is scaled by
// its own largest |entry| over all pixels and channels and shifted so 0 is mid-grey; a colour vector
// is drawn as that RGB patch (drawImages), so its hue shows how it mixes the channels.
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTokenizerStore } from '../store/tokenizerStore';
import { ChartDataTable } from '../charts/ChartDataTable';
import { PALETTE } from '../charts/palette';
import { FloatImageCanvas } from './FloatImageCanvas';

const MAX_BASIS = 32;

export function TokenizerGallery() {
  const summary = useTokenizerStore((s) => s.summary);
  if (!summary) {
    return (
      <section className="panel tokenizer-gallery" aria-labelledby="gallery-heading" data-tour="tokenizer-basis">
        <h2 id="gallery-heading">Tokenizer basis</h2>
        <p className="chart-empty">The tokenizer is fitted as soon as the dataset is loaded; its basis and spectrum appear here.</p>
      </section>
    );
  }
  const ev = summary.explainedVariance;
  const spectrum = ev ? ev.map((v, i) => ({ k: i + 1, v })) : [];
  const basisCount = Math.min(MAX_BASIS, summary.basis.count);
  const indices = Array.from({ length: basisCount }, (_, i) => i);
  const rows = chunk(indices, 8);
  return (
    <section className="panel tokenizer-gallery" aria-labelledby="gallery-heading" data-tour="tokenizer-basis" data-testid="tokenizer-gallery" data-latent-dim={summary.latentDim}>
      <h2 id="gallery-heading">Tokenizer basis</h2>
      <p className="muted">
        {summary.kind}, d = {summary.latentDim} of D = {summary.patchDim}
        {summary.basis.count > basisCount ? ` (first ${basisCount} basis patches shown)` : ''}
      </p>
      <div className="basis-gallery">
        {rows.map((r) => (
          <FloatImageCanvas key={r[0]} images={summary.basis} indices={r} options={{ scale: Math.max(2, Math.round(28 / summary.basis.height) * 2), gap: 2 }} label="basis patches" />
        ))}
      </div>
      {ev ? (
        <figure className="chart spectrum" data-testid="spectrum">
          <figcaption>Cumulative explained variance vs number of components; d marked</figcaption>
          <ResponsiveContainer width="100%" height={150}>
            <LineChart data={spectrum} margin={{ top: 6, right: 12, bottom: 4, left: 0 }}>
              <CartesianGrid stroke="#e6e9ee" />
              <XAxis dataKey="k" type="number" domain={[1, spectrum.length]} tick={{ fontSize: 11 }} />
              <YAxis domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} tick={{ fontSize: 11 }} width={40} />
              <Tooltip formatter={(v) => (typeof v === 'number' ? `${(v * 100).toFixed(1)} %` : String(v))} labelFormatter={(k) => `k = ${k}`} />
              <ReferenceLine x={summary.latentDim} stroke={PALETTE.vermillion} strokeDasharray="4 2" label={{ value: `d = ${summary.latentDim}`, position: 'insideTopRight', fontSize: 11, fill: PALETTE.vermillion }} />
              <Line type="linear" dataKey="v" stroke={PALETTE.blue} dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
          <ChartDataTable
            caption="Cumulative explained variance"
            testId="spectrum-table"
            rows={spectrum}
            columns={[
              { label: 'components k', value: (r) => `${r.k}${r.k === summary.latentDim ? ' (d)' : ''}` },
              { label: 'variance explained', value: (r) => `${(r.v * 100).toFixed(1)} %` },
            ]}
          />
        </figure>
      ) : (
        <p className="muted">No explained-variance spectrum for this tokenizer.</p>
      )}
    </section>
  );
}

function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}
