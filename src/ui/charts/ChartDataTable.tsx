// The data-table alternative of a small chart: a disclosure (keyboard operable) holding the chart's points.
export interface TableColumn<Row> {
  label: string;
  value: (row: Row) => string;
}

export function ChartDataTable<Row>({ caption, columns, rows, testId }: { caption: string; columns: TableColumn<Row>[]; rows: Row[]; testId?: string }) {
  return (
    <details className="chart-table" data-testid={testId}>
      <summary>Data table: {caption}</summary>
      <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
        <table className="metrics-table">
          <caption>{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.label} scope="col">
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {columns.map((c, j) =>
                  j === 0 ? (
                    <th key={c.label} scope="row">
                      {c.value(r)}
                    </th>
                  ) : (
                    <td key={c.label}>{c.value(r)}</td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
