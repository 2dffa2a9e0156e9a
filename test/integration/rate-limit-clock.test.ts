import { DatabaseRateLimitStore, lockMinutesLeft } from '../../server/middleware/rate-limit-store';
import { secondsToReset } from '../../server/middleware/rate-limit-headers';
import type { Request } from 'express';
import type { Options } from 'express-rate-limit';
import { createMigratedTestDatabase, TestDatabase } from '../helpers/database';

/**
 * The database's clock decides a limiter's window (every instance counts alike); what is left of it is said on the
 * host's clock (Retry-After, "locked for N minutes"). A host whose clock is off — no NTP, a VM resumed — must still say
 * how long the window really has to run, not 0 s or a month.
 */
describe('a password-guess window said on a host whose clock is off from the database', () => {
  const WINDOW_MS = 15 * 60_000;
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createMigratedTestDatabase('ratelimitclock');
  });
  afterAll(async () => {
    jest.useRealTimers();
    await db.close();
  });

  // Only Date moves: the database driver's timers and sockets keep the real ones.
  const hostClockOffBy = (ms: number) =>
    jest.useFakeTimers({
      now: Date.now() + ms,
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'requestIdleCallback',
        'cancelIdleCallback',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });

  it.each([
    ['39 days ahead', 39 * 86_400_000],
    ['2 hours behind', -2 * 3_600_000],
  ])('with the host clock %s, a new window has its full 15 minutes left, on the counter and when read again', async (_, off) => {
    const store = new DatabaseRateLimitStore(db.knex, `clock-${off}`);
    store.init({ windowMs: WINDOW_MS } as Options);
    hostClockOffBy(off);
    try {
      const first = await store.increment('203.0.113.9:someone');
      const again = await store.increment('203.0.113.9:someone');
      const read = await store.get('203.0.113.9:someone');
      expect(again.totalHits).toBe(2);
      for (const info of [first, again, read]) {
        const seconds = secondsToReset(info, WINDOW_MS);
        // 15 minutes, less the moments the three statements took.
        expect(seconds).toBeGreaterThan(WINDOW_MS / 1000 - 30);
        expect(seconds).toBeLessThanOrEqual(WINDOW_MS / 1000);
      }
      const locked = { rateLimit: { resetTime: again.resetTime } } as unknown as Request;
      expect(lockMinutesLeft(locked)).toBe(15);
    } finally {
      jest.useRealTimers();
    }
  });
});
