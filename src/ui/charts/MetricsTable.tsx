import { useMetricsStore } from '../store/metricsStore';
import { pct, shownLoss, tableRows } from './series';

export function MetricsTable() {
  const loss = shownLoss(useMetricsStore((s) => s.loss));
  const probes = useMetricsStore((s) => s.probes);
  const baselines = useMetricsStore((s) => s.baselines);
  const rows = tableRows(loss, probes);
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Training metrics">
      <table className="metrics-table" data-testid="metrics-table">
        <caption>Training metrics</caption>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Loss</th>
            <th scope="col">Loss (EMA)</th>
            <th scope="col">Learning rate</th>
            <th scope="col">Images/s</th>
            <th scope="col">ms/step</th>
            <th scope="col">Linear probe acc</th>
            <th scope="col">kNN acc</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.step} data-has-loss={r.loss ? '1' : undefined}>
              <th scope="row">{r.step}</th>
              <td>{r.loss ? r.loss.loss.toPrecision(4) : ''}</td>
              <td>{r.loss ? r.loss.lossEma.toPrecision(4) : ''}</td>
              <td>{r.loss ? r.loss.lr.toExponential(2) : ''}</td>
              <td>{r.loss ? r.loss.imagesPerSec.toFixed(0) : ''}</td>
              <td>{r.loss ? r.loss.msPerStep.toFixed(1) : ''}</td>
              <td>{r.probe ? pct(r.probe.linearTestAcc) : ''}</td>
              <td>{r.probe ? pct(r.probe.knnTestAcc) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {baselines && (
        <p className="muted">
          Baselines (test): raw pixels linear {pct(baselines.rawPixel.linearTestAcc)}
          {baselines.rawPixel.linearProbe === 'default' ? ' (with the default probe settings, which suit pixels better than this run’s)' : ''}, kNN {pct(baselines.rawPixel.knnTestAcc)}; random init linear{' '}
          {pct(baselines.randomInit.linearTestAcc)}, kNN {pct(baselines.randomInit.knnTestAcc)}; latents z0 concatenated linear{' '}
          {pct(baselines.latent.linearTestAcc)}, kNN {pct(baselines.latent.knnTestAcc)}.
        </p>
      )}
    </div>
  );
}
