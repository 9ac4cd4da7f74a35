// When is a worker dead? The page pings it every intervalMs; a ping left unanswered for timeoutMs
// while the page's timer ran on time means it is gone. Page timers are throttled in hidden tabs
// (to once a minute in Chromium after 5 minutes) and stop in frozen ones, whose worker is frozen
// too, while messages are not throttled: so a late beat restarts the wait instead of judging.

export interface HeartbeatOptions {
  /** How often the page pings the worker. */
  intervalMs: number;
  /** A ping unanswered for this long (with the timer on time) means the worker is gone. */
  timeoutMs: number;
}

export type Beat = { kind: 'ping'; n: number } | { kind: 'dead'; silentMs: number };

export interface Heartbeat {
  /** The timer fired at `now` (ms): send ping n, or the worker is dead. */
  beat(now: number): Beat;
  /** Pong n arrived. */
  answered(n: number): void;
}

export function createHeartbeat(o: HeartbeatOptions, startedAt: number): Heartbeat {
  let next = 1;
  let lastBeat = startedAt;
  let unanswered: { n: number; since: number } | null = null;
  return {
    beat(now) {
      const late = now - lastBeat > 3 * o.intervalMs;
      lastBeat = now;
      if (unanswered && late) unanswered = { n: unanswered.n, since: now };
      if (unanswered && now - unanswered.since > o.timeoutMs) return { kind: 'dead', silentMs: now - unanswered.since };
      const n = next++;
      unanswered ??= { n, since: now };
      return { kind: 'ping', n };
    },
    answered(n) {
      if (unanswered && n >= unanswered.n) unanswered = null;
    },
  };
}
