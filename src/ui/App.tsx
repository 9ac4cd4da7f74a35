import { DatasetPanel } from './DatasetPanel';
import { StatusBar } from './StatusBar';
import { useEngineStore } from './store/engineStore';

export function App() {
  const urlProblems = useEngineStore((s) => s.urlProblems);
  const logs = useEngineStore((s) => s.logs);
  const errors = useEngineStore((s) => s.errors).filter((e) => e.where !== 'loadDataset');
  return (
    <div className="app">
      <header>
        <h1>l-DAE Playground</h1>
        <StatusBar />
      </header>
      {urlProblems.length > 0 && (
        <div role="alert" className="notice" data-testid="url-problems">
          {urlProblems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      )}
      {errors.length > 0 && (
        <div role="alert" className="error" data-testid="engine-errors">
          {errors.slice(-3).map((e, i) => (
            <p key={i}>
              Engine error in {e.where}: {e.message}
            </p>
          ))}
        </div>
      )}
      <main>
        <DatasetPanel />
      </main>
      <details className="panel engine-log">
        <summary>Engine log ({logs.length})</summary>
        <pre data-testid="engine-log">{logs.join('\n')}</pre>
      </details>
    </div>
  );
}
