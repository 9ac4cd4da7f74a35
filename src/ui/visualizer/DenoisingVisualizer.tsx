// Rows: noise levels t; columns: clean x0 | noised latent in pixels V^T z_t | network input |
// prediction | per-patch error. Fed by snapshot events (asked for every few seconds while training).
import { useMemo, useState } from 'react';
import type { Snapshot } from '../../types/run';
import { requestSnapshot, reshuffleSamples, setCustomLevel, SNAPSHOT_INTERVAL_MS } from '../store/actions';
import { hasSession, useRunStore } from '../store/runStore';
import { useSnapshotStore } from '../store/snapshotStore';
import { patchErrorImages } from './drawImages';
import { FloatImageCanvas } from './FloatImageCanvas';

const SHOWN = [0, 1];
const SCALE = 3;

const COLUMNS = [
  { key: 'clean', title: 'clean x0' },
  { key: 'noisedDecoded', title: 'noised latent in pixels, Vᵀz_t' },
  { key: 'networkInput', title: 'network input' },
  { key: 'prediction', title: 'prediction' },
  { key: 'patchError', title: 'per-patch error' },
] as const;

export function DenoisingVisualizer() {
  const snapshot = useSnapshotStore((s) => s.snapshot);
  const customT = useSnapshotStore((s) => s.customT);
  const inFlight = useSnapshotStore((s) => s.inFlight);
  const lastMs = useSnapshotStore((s) => s.lastDurationMs);
  const session = useRunStore((s) => hasSession(s));
  const patch = useRunStore((s) => s.runConfig?.patchSize ?? 7);
  const [grid, setGrid] = useState(true);
  return (
    <section className="panel visualizer" aria-labelledby="visualizer-heading" data-tour="visualizer">
      <div className="section-head">
        <h2 id="visualizer-heading">Denoising visualizer</h2>
        <span className="muted" data-testid="snapshot-step" data-snapshot-ms={lastMs.toFixed(0)}>
          {snapshot ? `snapshot at step ${snapshot.step}` : 'no snapshot yet'}
          {inFlight ? ' · updating…' : ''}
        </span>
      </div>
      <p className="why">
        Noise is added to the patch latents z0 = V x0, then projected back to pixels: what survives is the image's top-d structure plus noise in those
        d directions. The network learns to undo it; the error heat-map shows which patches it gets wrong.
      </p>
      <div className="visualizer-tools">
        <button type="button" onClick={reshuffleSamples} disabled={!session}>
          Reshuffle images
        </button>
        <button type="button" onClick={requestSnapshot} disabled={!session}>
          Refresh snapshot
        </button>
        <label className="inline">
          <input type="checkbox" checked={grid} onChange={(e) => setGrid(e.target.checked)} /> Patch grid
        </label>
        <span className="nowrap">
          <label className="inline" htmlFor="custom-level">
            Custom noise level
          </label>{' '}
          <input
            id="custom-level"
            type="range"
            min={0}
            max={1}
            step={0.01}
            value={customT}
            onChange={(e) => setCustomLevel(Number(e.target.value))}
            onPointerUp={requestSnapshot}
            onKeyUp={requestSnapshot}
          />
          <span className="slider-value">t = {customT.toFixed(2)}</span>
        </span>
      </div>
      {snapshot ? (
        <SnapshotGrid snapshot={snapshot} patch={patch} grid={grid} />
      ) : (
        <p className="chart-empty">
          Start training to see noised and denoised test images here; the view refreshes every {SNAPSHOT_INTERVAL_MS / 1000} s while training runs.
        </p>
      )}
    </section>
  );
}

function SnapshotGrid({ snapshot, patch, grid }: { snapshot: Snapshot; patch: number; grid: boolean }) {
  const heat = useMemo(() => {
    const images = snapshot.rows.map((r) => patchErrorImages(r.patchError, r.clean.height / r.patchError.gridH));
    let max = 0;
    for (const r of snapshot.rows) for (const v of r.patchError.data) max = Math.max(max, v);
    return { images, max };
  }, [snapshot]);
  const count = snapshot.rows[0]?.clean.count ?? 0;
  const shown = SHOWN.filter((i) => i < count);
  const options = { scale: SCALE, gap: 3, gridEvery: grid ? patch : undefined };
  return (
    <div className="snapshot-grid" tabIndex={0} role="group" aria-label="Denoising snapshot" data-testid="visualizer" data-step={snapshot.step} style={{ gridTemplateColumns: `auto repeat(${COLUMNS.length}, 1fr)` }}>
      <div />
      {COLUMNS.map((c) => (
        <div key={c.key} className="snapshot-col-title">
          {c.title}
          {c.key === 'patchError' && <span className="muted"> (max {heat.max.toPrecision(2)})</span>}
        </div>
      ))}
      {snapshot.rows.map((row, ri) => (
        <div className="snapshot-row" key={ri} style={{ display: 'contents' }}>
          <div className="snapshot-row-title">
            <strong>t = {row.t.toFixed(2)}</strong>
            {ri === snapshot.rows.length - 1 && <span className="muted"> custom</span>}
            <br />
            <span className="muted">σ {row.sigma.toFixed(2)}</span>
            <br />
            <span className="muted">γ {row.gamma.toFixed(2)}</span>
          </div>
          {COLUMNS.map((c) =>
            c.key === 'patchError' ? (
              <FloatImageCanvas
                key={c.key}
                images={heat.images[ri]}
                indices={shown}
                options={{ ...options, heat: { max: heat.max } }}
                label={`per-patch error at t = ${row.t.toFixed(2)}`}
              />
            ) : (
              <FloatImageCanvas key={c.key} images={row[c.key]} indices={shown} options={options} label={`${c.title} at t = ${row.t.toFixed(2)}`} />
            ),
          )}
        </div>
      ))}
    </div>
  );
}
