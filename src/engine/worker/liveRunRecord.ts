// The live run's record, kept up to date from the events the training runner posts (metrics,
// probes, baselines, summaries, state), with its wall time (training and probing, pauses left
// out). Plain data; the runs keeper decides when it is written.
import type { RunRecord } from '../../ldae/bundle/runBundle';
import type { ExperimentConfig } from '../../ldae/config';
import type { RunState } from '../../types/run';
import type { RunListEntry, StoredRunStatus } from '../../types/runs';
import type { EngineEvent } from '../protocol';
import type { CheckpointInfo, StoredRun } from './runsDb';

/** What an event changed: 'state' and 'probe' are written at once, 'data' throttled. */
export type RecordChange = 'state' | 'probe' | 'data' | null;

const TIMED: RunState[] = ['running', 'probing'];

export function statusOf(state: RunState, step: number, totalSteps: number): StoredRunStatus {
  if (state === 'done') return 'done';
  if (state === 'error') return 'error';
  if (state === 'paused' || state === 'idle') return step >= totalSteps ? 'done' : 'paused';
  return 'running';
}

export class LiveRunRecord {
  private clockSince: number | null = null;
  private wallBefore: number;

  constructor(
    readonly id: string,
    readonly record: RunRecord,
    public status: StoredRunStatus,
    readonly imported: boolean,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.wallBefore = record.wallSeconds;
  }

  /** A new run of `cfg` at step 0. */
  static fresh(id: string, init: { name: string; preset: string; config: ExperimentConfig; trainImages: number; backend: string; fromSharedLink: boolean }): LiveRunRecord {
    const record: RunRecord = {
      name: init.name,
      preset: init.preset,
      config: init.config,
      state: 'paused',
      step: 0,
      trainImages: init.trainImages,
      metrics: [],
      probes: [],
      baselines: null,
      tokenizer: null,
      model: null,
      environment: { backend: init.backend, runtime: runtimeName() },
      startedAt: new Date().toISOString(),
      endedAt: null,
      wallSeconds: 0,
      ...(init.fromSharedLink ? { fromSharedLink: true } : {}),
    };
    return new LiveRunRecord(id, record, 'running', false);
  }

  observe(e: EngineEvent): RecordChange {
    const r = this.record;
    switch (e.type) {
      case 'metrics':
        for (const p of e.points) r.metrics.push(p);
        r.step = Math.max(r.step, ...e.points.map((p) => p.step));
        return 'data';
      case 'probe':
        r.probes.push(e.result);
        return 'probe';
      case 'baselines':
        r.baselines = e.baselines;
        return 'probe';
      case 'tokenizerReady':
        r.tokenizer = e.summary;
        return 'data';
      case 'model':
        r.model = e.summary;
        return 'data';
      case 'rolledBack':
        // Windows after the good state are not posted, but the step the record shows goes back.
        r.step = e.toStep;
        r.metrics = r.metrics.filter((p) => p.step <= e.toStep);
        return 'state';
      case 'state':
        return this.setState(e.state, e.step) ? 'state' : e.state === 'running' ? null : 'data';
      default:
        return null;
    }
  }

  /** Returns whether the stored status changed. */
  private setState(state: RunState, step: number): boolean {
    const timed = TIMED.includes(state);
    if (timed && this.clockSince === null) this.clockSince = this.now();
    if (!timed && this.clockSince !== null) {
      this.wallBefore += (this.now() - this.clockSince) / 1000;
      this.clockSince = null;
    }
    if (state !== 'fitting-tokenizer' && state !== 'idle') this.record.step = Math.max(0, step);
    const status = statusOf(state, this.record.step, this.record.config.steps);
    this.record.state = status === 'done' ? 'done' : 'paused';
    if (status === 'done' && this.record.endedAt === null) this.record.endedAt = new Date().toISOString();
    if (status === this.status) return false;
    this.status = status;
    return true;
  }

  get wallSeconds(): number {
    return this.wallBefore + (this.clockSince === null ? 0 : (this.now() - this.clockSince) / 1000);
  }

  /** A copy for storage (structured clone happens later; the wall time is taken now). */
  stored(): StoredRun {
    return { id: this.id, record: { ...this.record, metrics: [...this.record.metrics], probes: [...this.record.probes], wallSeconds: this.wallSeconds }, status: this.status, imported: this.imported };
  }
}

function runtimeName(): string {
  return typeof navigator !== 'undefined' && navigator.userAgent ? navigator.userAgent : 'unknown';
}

/**
 * A runs-table row; a 'running' run that is neither `liveRunId` nor trained by another tab
 * (`elsewhere`) was left by a page that went away: 'interrupted'.
 */
export function listEntry(run: StoredRun, checkpoint: CheckpointInfo | null, bytes: number, liveRunId: string | null, elsewhere: ReadonlySet<string> = new Set()): RunListEntry {
  const r = run.record;
  const lastProbe = r.probes.at(-1) ?? null;
  return {
    id: run.id,
    name: r.name,
    preset: r.preset,
    config: r.config,
    status: run.status === 'running' && run.id !== liveRunId && !elsewhere.has(run.id) ? 'interrupted' : run.status,
    step: r.step,
    totalSteps: r.config.steps,
    checkpointStep: checkpoint?.step ?? null,
    finalLoss: r.metrics.at(-1)?.loss ?? null,
    linearTestAcc: lastProbe?.linearTestAcc ?? null,
    rawPixelAcc: r.baselines?.rawPixel.linearTestAcc ?? null,
    backend: r.environment.backend,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    wallSeconds: r.wallSeconds,
    fromSharedLink: r.fromSharedLink === true,
    imported: run.imported,
    bytes,
  };
}
