// What the UI asks of the engine. Every command goes through here so that the stores stay
// consistent with what was sent (a new run clears the old series, a snapshot is in flight, ...).
import type { DatasetId, ExperimentConfig } from '../../ldae/config';
import { matchingPreset } from '../../ldae/presets';
import type { RunListEntry, RunOrigin } from '../../types/runs';
import { currentProblems, useConfigStore } from './configStore';
import { useEngineStore } from './engineStore';
import { clearMetrics } from './metricsStore';
import { hasSession, initialRun, useRunStore } from './runStore';
import { replayActive } from './replayState';
import { useRunsStore } from './runsStore';
import { snapshotLevels, useSnapshotStore } from './snapshotStore';
import { useTokenizerStore } from './tokenizerStore';

/** While training, the visualizer asks for a fresh snapshot this often (not every step)... */
export const SNAPSHOT_INTERVAL_MS = 4000;
/** ...or less often, so that snapshots (which pause training between steps) take at most this share of the time. */
const SNAPSHOT_MAX_SHARE = 0.2;
const SNAPSHOT_MAX_INTERVAL_MS = 15000;
const PREVIEW_DEBOUNCE_MS = 250;

const send = (...args: Parameters<ReturnType<typeof useEngineStore.getState>['send']>) => useEngineStore.getState().send(...args);

/** Makes `id` the config's dataset and loads it (the Dataset selector, and a finished import). */
export function chooseDataset(id: DatasetId): void {
  useConfigStore.getState().setConfig({ dataset: id });
  useEngineStore.getState().selectDataset(id);
}

export function canStart(cfg: ExperimentConfig): boolean {
  const engine = useEngineStore.getState();
  return (
    currentProblems(cfg).length === 0 && engine.dataset.meta !== null && engine.dataset.meta.id === cfg.dataset && engine.backend !== null && engine.crashed === null
  );
}

/** How this page starts a run from the draft: its preset (or custom) and whether the page came from a shared link. */
export function draftOrigin(cfg: ExperimentConfig): RunOrigin {
  return { preset: matchingPreset(cfg) ?? 'custom', fromSharedLink: useRunsStore.getState().fromSharedLink };
}

/** Starts a run of `cfg` (not necessarily the draft: Replay the paper runs its own); false when it cannot start. */
export function startRun(cfg: ExperimentConfig, origin: RunOrigin): boolean {
  if (!canStart(cfg)) return false;
  clearMetrics();
  useSnapshotStore.setState({ snapshot: null, inFlight: false });
  useRunStore.setState({ ...initialRun, runConfig: cfg, state: 'fitting-tokenizer', totalSteps: cfg.steps, tokenizerProgress: { fraction: 0, reconMse: null } });
  send({ type: 'start', config: cfg, fault: useEngineStore.getState().fault, origin });
  return true;
}

export function startTraining(): void {
  if (replayActive()) return; // Replay the paper owns the runs until it ends or is cancelled
  const cfg = useConfigStore.getState().config;
  startRun(cfg, draftOrigin(cfg));
}

/**
 * A stored run (interrupted, paused or imported) goes on from its checkpoint and becomes the live
 * run; the worker sends its curves so far first. Its dataset is loaded first when another one is
 * (the worker runs the two commands in order).
 */
export function resumeStoredRun(entry: RunListEntry): void {
  if (useEngineStore.getState().dataset.id !== entry.config.dataset) chooseDataset(entry.config.dataset);
  clearMetrics();
  useSnapshotStore.setState({ snapshot: null, inFlight: false });
  useRunStore.setState({ ...initialRun, runConfig: entry.config, state: 'fitting-tokenizer', step: entry.checkpointStep ?? entry.step, totalSteps: entry.totalSteps });
  send({ type: 'resumeRun', id: entry.id });
}

export const restartWithNewSettings = startTraining;

/** Training or evaluating probes inside the training loop: Pause applies (after the evaluation). */
export function isActive(state: string): boolean {
  return state === 'running' || state === 'probing';
}

export function pauseTraining(): void {
  if (isActive(useRunStore.getState().state)) send({ type: 'pause' });
}

export function probeNow(): void {
  if (hasSession(useRunStore.getState())) send({ type: 'probe' });
}

export function resumeTraining(): void {
  const run = useRunStore.getState();
  if (run.state === 'paused' && hasSession(run)) send({ type: 'resume' });
}

export function stepTraining(count = 1): void {
  const run = useRunStore.getState();
  if (run.state === 'paused' && hasSession(run)) send({ type: 'step', count });
}

export function resetTraining(): void {
  send({ type: 'reset' });
  clearMetrics();
  useSnapshotStore.setState({ snapshot: null, inFlight: false });
  useRunStore.setState(initialRun);
}

/** Space: start when nothing runs, pause when running, resume when paused. */
export function toggleTraining(): void {
  const run = useRunStore.getState();
  if (isActive(run.state)) pauseTraining();
  else if (run.state === 'paused' && hasSession(run)) resumeTraining();
  else if (run.state === 'idle' || run.state === 'done' || run.state === 'error') startTraining();
}

export function requestSnapshot(): void {
  const run = useRunStore.getState();
  const snap = useSnapshotStore.getState();
  if (!hasSession(run)) return;
  if (snap.inFlight) {
    useSnapshotStore.setState({ wantAnother: true });
    return;
  }
  useSnapshotStore.setState({ inFlight: true, wantAnother: false, requestedAt: performance.now() });
  send({ type: 'snapshot', levels: snapshotLevels(snap.customT), sampleSeed: snap.sampleSeed });
}

export function reshuffleSamples(): void {
  useSnapshotStore.setState((s) => ({ sampleSeed: s.sampleSeed + 1 }));
  requestSnapshot();
}

export function setCustomLevel(t: number): void {
  useSnapshotStore.setState({ customT: t });
}

/** Asks for a fresh snapshot now and then while training runs. */
export function startSnapshotTimer(): () => void {
  const id = setInterval(() => {
    const run = useRunStore.getState();
    const snap = useSnapshotStore.getState();
    const interval = Math.min(SNAPSHOT_MAX_INTERVAL_MS, Math.max(SNAPSHOT_INTERVAL_MS, snap.lastDurationMs / SNAPSHOT_MAX_SHARE));
    if (run.state === 'running' && !snap.inFlight && performance.now() - snap.requestedAt > interval) requestSnapshot();
  }, 500);
  return () => clearInterval(id);
}

let previewTimer: ReturnType<typeof setTimeout> | null = null;
let previewInFlight = false;
let previewWanted: ExperimentConfig | null = null;

/** Fits the tokenizer for cfg on the engine (debounced; one at a time) to show d's effect live. */
export function requestTokenizerPreview(cfg: ExperimentConfig): void {
  if (!canStart(cfg)) return;
  previewWanted = cfg;
  if (previewTimer !== null) clearTimeout(previewTimer);
  previewTimer = setTimeout(sendPreview, PREVIEW_DEBOUNCE_MS);
}

function sendPreview(): void {
  previewTimer = null;
  if (previewInFlight || !previewWanted) return;
  const cfg = previewWanted;
  previewWanted = null;
  // A wish from before another dataset was chosen (or while it loads) is dropped: the engine would fit it on the wrong images.
  if (!canStart(cfg)) {
    useTokenizerStore.setState({ pendingKey: null });
    return;
  }
  previewInFlight = true;
  useTokenizerStore.setState({ pendingKey: tokenizerDisplayKey(cfg) });
  send({ type: 'previewTokenizer', config: cfg });
}

/** Called when a tokenizer summary or a preview error arrives. */
export function previewSettled(): void {
  previewInFlight = false;
  if (previewWanted) sendPreview();
  else useTokenizerStore.setState({ pendingKey: null });
}

export function tokenizerDisplayKey(cfg: Pick<ExperimentConfig, 'tokenizer' | 'patchSize' | 'latentDim'>): string {
  return `${cfg.tokenizer}/${cfg.patchSize}/${cfg.latentDim}`;
}
