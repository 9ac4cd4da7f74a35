import { overlayTableRows, type OverlaySeries } from './overlaySeries';
import { pct } from './series';

/** The data table of the overlaid charts: per step, each run's loss and linear-probe accuracy. */
export function OverlayTable({ series }: { series: OverlaySeries[] }) {
  const rows = overlayTableRows(series);
  const caption = 'Overlaid runs: loss and linear probe accuracy';
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table className="metrics-table" data-testid="overlay-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Step</th>
            {series.map((s) => [
              <th key={`${s.id}-loss`} scope="col">
                {s.name}: loss
              </th>,
              <th key={`${s.id}-probe`} scope="col">
                {s.name}: linear probe acc
              </th>,
            ])}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.step}>
              <th scope="row">{r.step}</th>
              {r.values.map((v, i) => [
                <td key={`${i}-loss`}>{v.loss === undefined ? '' : v.loss.toPrecision(4)}</td>,
                <td key={`${i}-probe`}>{v.linearTestAcc === undefined ? '' : pct(v.linearTestAcc)}</td>,
              ])}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
