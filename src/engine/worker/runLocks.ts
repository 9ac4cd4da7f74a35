// The live run's page holds the Web Lock "ldae-run:<id>" while it trains it, so another tab lists
// that run as running (not interrupted) and neither resumes nor deletes it. The browser releases
// the lock when the page (and its worker) goes away, which is what makes a run 'interrupted'.
// Without navigator.locks (Node, old browsers) nothing is held and nothing is held elsewhere.
const PREFIX = 'ldae-run:';

export interface RunLocks {
  hold(id: string): void;
  release(id: string): void;
  /** Ids of runs another page holds. */
  heldElsewhere(): Promise<Set<string>>;
}

export const noRunLocks: RunLocks = { hold() {}, release() {}, heldElsewhere: async () => new Set() };

export function webRunLocks(): RunLocks {
  const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  if (!locks) return noRunLocks;
  const releases = new Map<string, () => void>();
  return {
    hold(id) {
      if (releases.has(id)) return;
      const held = new Promise<void>((resolve) => releases.set(id, resolve));
      locks.request(PREFIX + id, () => held).catch(() => undefined);
    },
    release(id) {
      releases.get(id)?.();
      releases.delete(id);
    },
    async heldElsewhere() {
      const state = await locks.query().catch(() => null);
      const ids = (state?.held ?? []).flatMap((l) => (l.name?.startsWith(PREFIX) ? [l.name.slice(PREFIX.length)] : []));
      return new Set(ids.filter((id) => !releases.has(id)));
    },
  };
}
