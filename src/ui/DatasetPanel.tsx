import { DATASETS, isBuiltinDatasetId, type DatasetId } from '../ldae/config';
import { DATASET_INFO } from '../data/registry';
import { ImageGridCanvas } from './ImageGridCanvas';
import { ImportControls, mb } from './import/ImportControls';
import { chooseDataset } from './store/actions';
import { useEngineStore } from './store/engineStore';
import { useImportStore } from './store/importStore';
import { hasSession, useRunStore } from './store/runStore';
import { useHidden } from './store/teachingStore';

function useDatasetName(id: DatasetId): string {
  const stored = useImportStore((s) => s.stored.find((d) => d.id === id));
  return isBuiltinDatasetId(id) ? DATASET_INFO[id].name : (stored?.name ?? id);
}

export function DatasetPanel() {
  const dataset = useEngineStore((s) => s.dataset);
  const retry = useEngineStore((s) => s.retryDataset);
  const stored = useImportStore((s) => s.stored);
  const name = useDatasetName(dataset.id);
  const inSession = useRunStore((s) => hasSession(s) || s.state === 'fitting-tokenizer');
  const { meta, samples, progress, error } = dataset;
  const loading = progress !== null;
  const hidden = useHidden('dataset');
  return (
    <section className="panel dataset-panel" aria-labelledby="dataset-heading" data-tour="dataset">
      <h2 id="dataset-heading">Data</h2>
      {!hidden && (
        <label>
          Dataset{' '}
          <select value={dataset.id} disabled={loading || inSession} aria-describedby="dataset-why" onChange={(e) => chooseDataset(e.target.value as DatasetId)}>
            {DATASETS.map((id) => (
              <option key={id} value={id}>
                {DATASET_INFO[id].name}
              </option>
            ))}
            {stored.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({(d.trainCount + d.testCount).toLocaleString('en-US')} images, {d.height}×{d.width}×{d.channels}, {mb(d.bytes)})
              </option>
            ))}
            {!isBuiltinDatasetId(dataset.id) && !stored.some((d) => d.id === dataset.id) && <option value={dataset.id}>{name}</option>}
          </select>
        </label>
      )}
      <p className="why" id="dataset-why">
        Raw pixels with a linear classifier reach about 85 % on Fashion-MNIST: a learned representation earns its keep only above that line.
        {inSession && ' Reset the run to change the dataset.'}
      </p>
      {progress && (
        <div className="dataset-progress">
          <progress
            aria-label={`Loading ${name}`}
            max={progress.totalBytes ?? undefined}
            value={progress.totalBytes ? progress.loadedBytes : undefined}
          />{' '}
          {mb(progress.loadedBytes)}
          {progress.totalBytes ? ` of ${mb(progress.totalBytes)}` : ''}
        </div>
      )}
      {error && (
        <div role="alert" className="error">
          Could not load {name}: {error}{' '}
          <button type="button" onClick={retry}>
            Retry
          </button>
        </div>
      )}
      {meta && samples && !loading && (
        <>
          <p data-testid="dataset-sizes" data-transfer-bytes={meta.transferBytes} data-decode-ms={meta.decodeMs.toFixed(1)}>
            {meta.name}: {(meta.trainCount + meta.testCount).toLocaleString('en-US')} images ({meta.trainCount.toLocaleString('en-US')} train /{' '}
            {meta.testCount.toLocaleString('en-US')} test), {meta.height}×{meta.width}×{meta.channels}, {meta.classNames.length} classes.{' '}
            <span className="muted">
              {meta.imported
                ? `Imported from ${meta.imported.source}; read from this browser's storage in ${meta.decodeMs.toFixed(0)} ms.`
                : `${mb(meta.transferBytes)} transferred, decoded in ${meta.decodeMs.toFixed(0)} ms.`}
            </span>
          </p>
          <ImageGridCanvas grid={samples} classNames={meta.classNames} scale={1} />
        </>
      )}
      {!hidden && <ImportControls />}
    </section>
  );
}
