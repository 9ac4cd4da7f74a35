// How the runs table writes a stored run's numbers.
import type { RunListEntry } from '../../types/runs';

export function statusText(r: Pick<RunListEntry, 'status' | 'step' | 'checkpointStep'>): string {
  switch (r.status) {
    case 'interrupted':
      return `interrupted at step ${(r.checkpointStep ?? r.step).toLocaleString('en-US')}`;
    case 'paused':
      return `paused at step ${r.step.toLocaleString('en-US')}`;
    case 'running':
      return 'running';
    case 'done':
      return 'done';
    case 'error':
      return 'error';
  }
}

/** Interrupted and paused runs with a stored checkpoint can go on. */
export const canResume = (r: Pick<RunListEntry, 'status' | 'checkpointStep'>): boolean => (r.status === 'interrupted' || r.status === 'paused') && r.checkpointStep !== null;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds - 60 * m)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export const formatAcc = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);

export const formatLoss = (v: number | null): string => (v === null ? '–' : v.toPrecision(4));

/** "2026-12-03 18:24" in the page's time zone. */
export function formatStart(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
