// Screen-reader announcements of what changes while a run goes on, at a sensible rate: every run
// state change, each new probe result, and the step count at most every STEP_EVERY_MS while training.
// (The status bar itself is aria-live off: it changes several times a second.)
import { useEffect, useState } from 'react';
import { pct } from './charts/series';
import { useMetricsStore } from './store/metricsStore';
import { useRunStore } from './store/runStore';
import { STATE_TEXT } from './StatusBar';

export const STEP_EVERY_MS = 30_000;

export function Announcer() {
  const state = useRunStore((s) => s.state);
  const probe = useMetricsStore((s) => s.probes[s.probes.length - 1]);
  const [message, setMessage] = useState('');
  useEffect(() => {
    if (state !== 'idle') setMessage(`Run: ${STATE_TEXT[state] ?? state}, step ${useRunStore.getState().step}.`);
  }, [state]);
  useEffect(() => {
    if (probe) setMessage(`Probe at step ${probe.step}: linear ${pct(probe.linearTestAcc)}, kNN ${pct(probe.knnTestAcc)}.`);
  }, [probe]);
  useEffect(() => {
    if (state !== 'running') return;
    const id = setInterval(() => {
      const { step, totalSteps } = useRunStore.getState();
      setMessage(`Training: step ${step} of ${totalSteps}.`);
    }, STEP_EVERY_MS);
    return () => clearInterval(id);
  }, [state]);
  return (
    <div className="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
      {message}
    </div>
  );
}
