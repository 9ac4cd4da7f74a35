// The runs table as the UI knows it: the stored runs (IndexedDB, owned by the worker), which are
// overlaid on the charts and which is the reference for config diffs, their loaded curves, the
// last Import run's outcome and the store's problem (IndexedDB unavailable, quota exceeded).
import { create } from 'zustand';
import type { RunCurves, RunListEntry, RunsStorage } from '../../types/runs';
import { useEngineStore } from './engineStore';

export interface RunsState {
  list: RunListEntry[];
  storage: RunsStorage | null;
  liveRunId: string | null;
  /** Overlaid on the charts, in the order chosen (that order gives the colours). */
  selected: string[];
  referenceId: string | null;
  curves: Record<string, RunCurves>;
  /** Curves asked for and not arrived yet. */
  pendingCurves: string[];
  importing: boolean;
  importError: string | null;
  lastImportedId: string | null;
  exporting: string | null;
  storeProblem: string | null;
  storeProblemDismissed: boolean;
  /** The page was opened from a shared link: its runs say so (start.origin.fromSharedLink). */
  fromSharedLink: boolean;
}

export const initialRuns: RunsState = {
  list: [],
  storage: null,
  liveRunId: null,
  selected: [],
  referenceId: null,
  curves: {},
  pendingCurves: [],
  importing: false,
  importError: null,
  lastImportedId: null,
  exporting: null,
  storeProblem: null,
  storeProblemDismissed: false,
  fromSharedLink: false,
};

export const useRunsStore = create<RunsState>()(() => initialRuns);

const send = (...args: Parameters<ReturnType<typeof useEngineStore.getState>['send']>) => useEngineStore.getState().send(...args);

/** Selected, not live, and without curves that reach the run's stored step: ask the worker for them. */
function requestMissingCurves(): void {
  const s = useRunsStore.getState();
  const want = s.selected.filter((id) => {
    if (id === s.liveRunId || s.pendingCurves.includes(id)) return false;
    const entry = s.list.find((r) => r.id === id);
    if (!entry) return false;
    const have = s.curves[id];
    const lastStep = have?.metrics[have.metrics.length - 1]?.step ?? 0;
    return !have || lastStep < entry.step;
  });
  if (want.length === 0) return;
  useRunsStore.setState({ pendingCurves: [...s.pendingCurves, ...want] });
  send({ type: 'loadRunCurves', ids: want });
}

export function receiveRuns(list: RunListEntry[], storage: RunsStorage, liveRunId: string | null): void {
  useRunsStore.setState((s) => {
    const ids = new Set(list.map((r) => r.id));
    const curves = Object.fromEntries(Object.entries(s.curves).filter(([id]) => ids.has(id)));
    return {
      list,
      storage,
      liveRunId,
      curves,
      selected: s.selected.filter((id) => ids.has(id)),
      referenceId: s.referenceId !== null && ids.has(s.referenceId) ? s.referenceId : null,
      pendingCurves: s.pendingCurves.filter((id) => ids.has(id)),
    };
  });
  requestMissingCurves();
}

export function receiveCurves(curves: RunCurves[]): void {
  useRunsStore.setState((s) => {
    const next = { ...s.curves };
    for (const c of curves) next[c.id] = c;
    const arrived = new Set(curves.map((c) => c.id));
    return { curves: next, pendingCurves: s.pendingCurves.filter((id) => !arrived.has(id)) };
  });
}

export function listRuns(): void {
  send({ type: 'listRuns' });
}

export function setOverlay(id: string, on: boolean): void {
  useRunsStore.setState((s) => ({ selected: on ? (s.selected.includes(id) ? s.selected : [...s.selected, id]) : s.selected.filter((x) => x !== id) }));
  requestMissingCurves();
}

export function clearOverlays(): void {
  useRunsStore.setState({ selected: [] });
}

export function setReference(id: string | null): void {
  useRunsStore.setState({ referenceId: id });
}

export function renameRun(id: string, name: string): void {
  const trimmed = name.trim();
  if (trimmed !== '') send({ type: 'renameRun', id, name: trimmed });
}

export function deleteRun(id: string): void {
  send({ type: 'deleteRun', id });
}

export function exportRun(id: string): void {
  useRunsStore.setState({ exporting: id });
  send({ type: 'exportRun', id });
}

export function importRun(file: File): void {
  useRunsStore.setState({ importing: true, importError: null, lastImportedId: null });
  send({ type: 'importRun', file });
}

export function dismissStoreProblem(): void {
  useRunsStore.setState({ storeProblemDismissed: true });
}
