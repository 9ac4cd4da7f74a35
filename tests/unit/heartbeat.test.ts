import { describe, expect, it } from 'vitest';
import { createHeartbeat } from '../../src/engine/client/heartbeat';

const o = { intervalMs: 2000, timeoutMs: 30_000 };

describe('the page-side heartbeat that notices a dead engine worker', () => {
  it('an answering worker is never dead; a silent one is after timeoutMs of on-time beats', () => {
    const h = createHeartbeat(o, 0);
    for (let t = 2000; t <= 100_000; t += 2000) {
      const b = h.beat(t);
      expect(b.kind).toBe('ping');
      if (b.kind === 'ping') h.answered(b.n);
    }
    const silent = createHeartbeat(o, 0);
    let dead: number | null = null;
    for (let t = 2000; t <= 60_000 && dead === null; t += 2000) if (silent.beat(t).kind === 'dead') dead = t;
    expect(dead).toBe(34_000); // first ping at 2 s, unanswered for more than 30 s
  });

  it('a late answer to an older ping still counts, and a slow step under the timeout is no crash', () => {
    const h = createHeartbeat(o, 0);
    const first = h.beat(2000);
    for (let t = 4000; t <= 30_000; t += 2000) expect(h.beat(t).kind).toBe('ping');
    h.answered(first.kind === 'ping' ? first.n + 5 : 0);
    expect(h.beat(40_000).kind).toBe('ping');
  });

  it('throttled or frozen page timers (late beats) restart the wait instead of calling the worker dead', () => {
    const h = createHeartbeat(o, 0);
    h.beat(2000); // never answered: the tab is then hidden and frozen
    expect(h.beat(600_000).kind).toBe('ping'); // 10 minutes later: late beat, the wait restarts
    expect(h.beat(602_000).kind).toBe('ping');
    let t = 602_000;
    let kind = 'ping';
    while (kind === 'ping' && t < 700_000) kind = h.beat((t += 2000)).kind;
    expect(t).toBe(632_000); // dead only after 30 s of on-time beats with no answer
  });
});
