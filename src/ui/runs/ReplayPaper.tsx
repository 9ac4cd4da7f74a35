// `Replay the paper`: the seven trajectory presets at one step budget on the current dataset, one
// after another, with their curves overlaid and a table beside the paper's numbers.
import { useState } from 'react';
import { getPreset } from '../../ldae/presets';
import { signedPoints, trajectoryRows } from '../../ldae/trajectoryTable';
import { canStart, isActive } from '../store/actions';
import { useConfigStore } from '../store/configStore';
import { useEngineStore } from '../store/engineStore';
import { useReplayStore } from '../store/replayState';
import { beginReplay, cancelReplay } from '../store/replayStore';
import { useRunStore } from '../store/runStore';
import { REPLAY_COUNT, replayAccuracies, type ReplayItem } from './replayQueue';

const STATUS_TEXT: Record<ReplayItem['status'], string> = { queued: 'queued', running: 'running', done: 'done', failed: 'failed', cancelled: 'cancelled' };

export function ReplayPaper() {
  const config = useConfigStore((s) => s.config);
  const replay = useReplayStore((s) => s);
  const busy = useRunStore((s) => isActive(s.state) || s.state === 'fitting-tokenizer');
  useEngineStore((s) => s.dataset.meta); // canStart reads the loaded dataset
  const [budgetText, setBudgetText] = useState(() => String(Math.min(config.steps, 500)));
  const budget = Number(budgetText);
  const budgetOk = Number.isInteger(budget) && budget >= 1;
  const running = replay.phase === 'running';
  const startable = !running && !busy && budgetOk && canStart({ ...config, steps: budget });
  const current = running ? replay.items[replay.current] : undefined;
  const rows = trajectoryRows(replayAccuracies(replay));
  return (
    <div className="replay-paper" data-testid="replay-paper">
      <div className="replay-controls">
        <label className="inline">
          Steps per run{' '}
          <input
            type="number"
            min={1}
            step={1}
            inputMode="numeric"
            value={budgetText}
            aria-invalid={!budgetOk}
            aria-describedby="replay-why"
            onChange={(e) => setBudgetText(e.target.value)}
          />
        </label>{' '}
        <button type="button" disabled={!startable} onClick={() => beginReplay(budget)}>
          Replay the paper
        </button>
        {running && (
          <>
            {' '}
            <button type="button" onClick={cancelReplay}>
              Cancel replay
            </button>
          </>
        )}
        <span role="status" data-testid="replay-progress">
          {current
            ? ` Run ${replay.current + 1} of ${REPLAY_COUNT}: ${getPreset(current.preset).label}`
            : replay.phase === 'finished'
              ? ' Replay finished.'
              : replay.phase === 'cancelled'
                ? ' Replay cancelled.'
                : ''}
        </span>
      </div>
      <p className="muted" id="replay-why">
        {budgetOk
          ? `Runs the paper’s seven trajectory presets on the current dataset and settings, ${budget.toLocaleString('en-US')} steps each, one after another; their curves are overlaid on the charts.`
          : 'Steps per run must be a whole number of at least 1.'}
        {busy && !running ? ' Pause or finish the run in progress first.' : ''}
      </p>
      {replay.items.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Replay the paper: linear probe accuracy">
          <table className="metrics-table" data-testid="replay-table">
            <caption>
              Linear probe accuracy: ours ({replay.budget.toLocaleString('en-US')} steps per run, this dataset) beside the paper’s (ImageNet, DiT-L, 400 epochs)
            </caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Status</th>
                <th scope="col">Ours</th>
                <th scope="col">Change (ours)</th>
                <th scope="col">Paper</th>
                <th scope="col">Change (paper)</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={r.preset} data-preset={r.preset}>
                  <th scope="row" title={r.paperRow}>
                    {r.label}
                  </th>
                  <td>
                    {STATUS_TEXT[replay.items[i].status]}
                    {replay.items[i].message ? `: ${replay.items[i].message}` : ''}
                  </td>
                  <td>{r.ours === null ? '–' : `${r.ours.toFixed(1)} %`}</td>
                  <td>{signedPoints(r.oursChange)}</td>
                  <td>{r.paper === null ? '–' : `${r.paper.toFixed(1)} %`}</td>
                  <td>{signedPoints(r.paperChange)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
