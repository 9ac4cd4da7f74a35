// Your own images: `Import image folder` (a directory input, a .zip, or a folder / zip dropped on
// the drop zone) and `Import CIFAR-10 archive` (.tar.gz or the .bin batches). The worker decodes
// and stores them (IndexedDB); this shows progress with Cancel, the outcome, the stored list
// with Remove, and the storage used. Nothing leaves the browser.
import { useState, type DragEvent } from 'react';
import { IMPORT_SIDES, type ImportSide } from '../../data/import/types';
import { useEngineStore } from '../store/engineStore';
import { cancelImport, removeStoredDataset, startImport, useImportStore } from '../store/importStore';
import { droppedFiles, folderInputFiles, looseFiles, type ChosenFiles } from './chosenFiles';

export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function send(chosen: ChosenFiles | null): void {
  if (chosen) startImport(chosen.kind, chosen.files, chosen.source);
}

// React does not know the non-standard directory attributes; they are set as plain attributes.
const DIRECTORY_INPUT = { webkitdirectory: '', directory: '' } as Record<string, string>;

function ImportReportView() {
  const last = useImportStore((s) => s.last);
  if (!last) return null;
  const { report } = last;
  return (
    <div className="import-report" data-testid="import-report" role="status">
      <p>
        Imported {last.name} from {report.source} in {(report.importMs / 1000).toFixed(1)} s
        {report.skipped > 0 ? `; ${report.skipped} file${report.skipped === 1 ? '' : 's'} skipped` : ''}.
      </p>
      {(report.warnings.length > 0 || report.skippedFiles.length > 0) && (
        <ul>
          {report.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
          {report.skippedFiles.map((f) => (
            <li key={f} className="muted">
              skipped: {f}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function StoredList() {
  const stored = useImportStore((s) => s.stored);
  const storage = useImportStore((s) => s.storage);
  const loadedId = useEngineStore((s) => s.dataset.id);
  if (stored.length === 0 && !storage) return null;
  return (
    <div className="stored-datasets">
      {stored.length > 0 && (
        <ul aria-label="Imported datasets">
          {stored.map((d) => (
            <li key={d.id}>
              {d.name}: {(d.trainCount + d.testCount).toLocaleString('en-US')} images, {d.height}×{d.width}×{d.channels}, {mb(d.bytes)}{' '}
              <button type="button" onClick={() => removeStoredDataset(d.id)} disabled={d.id === loadedId} title={d.id === loadedId ? 'Choose another dataset first' : undefined}>
                Remove {d.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      {storage && (
        <p className="muted" data-testid="storage-used" data-dataset-bytes={storage.datasetBytes}>
          Imported datasets use {mb(storage.datasetBytes)} of this browser's storage
          {storage.usedBytes !== null ? ` (this site: ${mb(storage.usedBytes)} used${storage.quotaBytes !== null ? ` of ${mb(storage.quotaBytes)}` : ''})` : ''}.
        </p>
      )}
    </div>
  );
}

export function ImportControls() {
  const progress = useImportStore((s) => s.progress);
  const error = useImportStore((s) => s.error);
  const cancelled = useImportStore((s) => s.cancelled);
  const side = useImportStore((s) => s.side);
  const channels = useImportStore((s) => s.channels);
  const [dragging, setDragging] = useState(false);
  const busy = progress !== null;
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    if (!busy) droppedFiles(e.dataTransfer.items).then(send, (err: unknown) => useImportStore.setState({ error: `the dropped files could not be read (${String(err)})` }));
  };
  return (
    <div className="import-controls">
      <h3>Your own images</h3>
      <div className="import-options">
        <label>
          Image size{' '}
          <select value={side} disabled={busy} onChange={(e) => useImportStore.setState({ side: Number(e.target.value) as ImportSide })}>
            {IMPORT_SIDES.map((s) => (
              <option key={s} value={s}>
                {s}×{s}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Colour{' '}
          <select value={channels} disabled={busy} onChange={(e) => useImportStore.setState({ channels: Number(e.target.value) as 1 | 3 })}>
            <option value={3}>colour (RGB)</option>
            <option value={1}>greyscale</option>
          </select>
        </label>
      </div>
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        data-testid="import-drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <label>
          Import image folder <input type="file" {...DIRECTORY_INPUT} multiple disabled={busy} onChange={(e) => (send(folderInputFiles(e.target.files ?? [])), (e.target.value = ''))} />
        </label>
        <label>
          or a .zip of one <input type="file" accept=".zip,application/zip" disabled={busy} onChange={(e) => (send(looseFiles(e.target.files ?? [], 'image-folder')), (e.target.value = ''))} />
        </label>
        <label>
          Import CIFAR-10 archive{' '}
          <input type="file" accept=".gz,.tgz,.tar,.bin,.txt" multiple disabled={busy} onChange={(e) => (send(looseFiles(e.target.files ?? [], 'cifar-10')), (e.target.value = ''))} />
        </label>
        <p className="why">
          Or drop a folder, a .zip or the CIFAR-10 files here. One subfolder per class (optionally inside train/ and test/; otherwise 1/6 of each class is held out, seeded);
          images are centre-cropped and resized. CIFAR-10: cifar-10-binary.tar.gz or its .bin batches. Decoded in this browser; nothing is uploaded.
        </p>
      </div>
      {progress && (
        <div className="import-progress">
          <progress aria-label="Import progress" max={progress.total} value={progress.done} /> {progress.source}: {progress.phase} {progress.total > 1 ? `${progress.done} / ${progress.total}` : ''}{' '}
          <button type="button" onClick={cancelImport}>
            Cancel import
          </button>
        </div>
      )}
      {error && (
        <div role="alert" className="error" data-testid="import-error">
          Import failed: {error}
        </div>
      )}
      {cancelled && <p className="muted">Import cancelled; nothing was stored.</p>}
      <ImportReportView />
      <StoredList />
    </div>
  );
}
