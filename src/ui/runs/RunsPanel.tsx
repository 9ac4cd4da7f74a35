// The `Runs` panel: every run this browser kept (IndexedDB), storage used, import, replay and share.
import { useEffect } from 'react';
import { listRuns, useRunsStore } from '../store/runsStore';
import { CopyLink } from './CopyLink';
import { ImportRun } from './ImportRun';
import { ReplayPaper } from './ReplayPaper';
import { RunsTable } from './RunsTable';
import { formatBytes } from './runFormat';

export function RunsPanel() {
  // Another tab of this page may have stored runs meanwhile: list them afresh when this one gets focus.
  useEffect(() => {
    window.addEventListener('focus', listRuns);
    return () => window.removeEventListener('focus', listRuns);
  }, []);
  const count = useRunsStore((s) => s.list.length);
  const storage = useRunsStore((s) => s.storage);
  const problem = useRunsStore((s) => s.storeProblem);
  return (
    <section className="panel runs-panel" aria-labelledby="runs-heading" data-tour="runs">
      <div className="section-head">
        <h2 id="runs-heading">Runs</h2>
        <span className="muted" data-testid="runs-storage">
          {storage
            ? `Stored runs use ${formatBytes(storage.usedBytes)}${storage.quotaBytes !== null ? ` of ${formatBytes(storage.quotaBytes)} available to this page` : ''}`
            : ''}
        </span>
      </div>
      <div className="runs-tools">
        <CopyLink />
        <ImportRun />
      </div>
      <ReplayPaper />
      {count === 0 ? (
        <p className="muted" data-testid="runs-empty">
          {problem ? 'Runs cannot be stored in this browser right now (see the notice above).' : 'No stored runs yet: every run you start is kept here, in this browser, with its settings and curves.'}
        </p>
      ) : (
        <>
          <p className="muted">Tick runs to overlay their loss and probe curves on the charts; choose a reference run to see what each other run changed.</p>
          <RunsTable />
        </>
      )}
    </section>
  );
}
