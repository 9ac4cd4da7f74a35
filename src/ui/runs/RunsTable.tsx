// The stored runs with their key numbers; overlay checkboxes, the reference run and each run's config diff against it.
import type { RunListEntry } from '../../types/runs';
import { setOverlay, setReference, useRunsStore } from '../store/runsStore';
import { configDiff, formatChange } from './configDiff';
import { RunActions } from './RunActions';
import { RunName } from './RunName';
import { formatAcc, formatBytes, formatDuration, formatLoss, formatStart, statusText } from './runFormat';

function DiffCell({ run, reference }: { run: RunListEntry; reference: RunListEntry | undefined }) {
  if (!reference) return <td className="muted">choose a reference</td>;
  if (reference.id === run.id) return <td>reference</td>;
  const changes = configDiff(reference.config, run.config);
  if (changes.length === 0) return <td data-testid="config-diff">same config</td>;
  return (
    <td className="config-diff" data-testid="config-diff">
      <ul>
        {changes.map((c) => (
          <li key={c.key}>{formatChange(c)}</li>
        ))}
      </ul>
    </td>
  );
}

export function RunsTable() {
  const list = useRunsStore((s) => s.list);
  const selected = useRunsStore((s) => s.selected);
  const referenceId = useRunsStore((s) => s.referenceId);
  const liveId = useRunsStore((s) => s.liveRunId);
  const reference = list.find((r) => r.id === referenceId);
  return (
    <div className="table-wrap runs-table-wrap" tabIndex={0} role="region" aria-label="Stored runs">
      <table className="metrics-table runs-table" data-testid="runs-table">
        <caption>Stored runs</caption>
        <thead>
          <tr>
            <th scope="col">Overlay</th>
            <th scope="col">Reference</th>
            <th scope="col">Name</th>
            <th scope="col">Preset</th>
            <th scope="col">Status</th>
            <th scope="col">Step</th>
            <th scope="col">Final loss</th>
            <th scope="col">Linear probe acc</th>
            <th scope="col">Raw-pixel acc</th>
            <th scope="col">Backend</th>
            <th scope="col">Wall time</th>
            <th scope="col">Started</th>
            <th scope="col">Source</th>
            <th scope="col">Size</th>
            <th scope="col">Changes from reference</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {list.map((r) => (
            <tr key={r.id} data-testid="run-row" data-run-id={r.id} data-status={r.status} data-checkpoint-step={r.checkpointStep ?? ''}>
              <td>
                <input type="checkbox" aria-label={`Overlay ${r.name} on the charts`} checked={selected.includes(r.id)} onChange={(e) => setOverlay(r.id, e.target.checked)} />
              </td>
              <td>
                <input type="radio" name="reference-run" aria-label={`${r.name} as the reference run`} checked={referenceId === r.id} onChange={() => setReference(r.id)} />
              </td>
              <th scope="row">
                <RunName id={r.id} name={r.name} />
              </th>
              <td data-testid="run-preset">{r.preset}</td>
              <td data-testid="run-status">
                {statusText(r)}
                {r.id === liveId ? ' (live)' : ''}
              </td>
              <td>
                {r.step.toLocaleString('en-US')} / {r.totalSteps.toLocaleString('en-US')}
              </td>
              <td data-testid="run-final-loss">{formatLoss(r.finalLoss)}</td>
              <td>{formatAcc(r.linearTestAcc)}</td>
              <td>{formatAcc(r.rawPixelAcc)}</td>
              <td>{r.backend}</td>
              <td>{formatDuration(r.wallSeconds)}</td>
              <td>{formatStart(r.startedAt)}</td>
              <td data-testid="run-source">{[r.fromSharedLink ? 'from shared link' : null, r.imported ? 'imported' : null].filter(Boolean).join(', ') || 'this page'}</td>
              <td>{formatBytes(r.bytes)}</td>
              <DiffCell run={r} reference={reference} />
              <td>
                <RunActions run={r} live={r.id === liveId} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
