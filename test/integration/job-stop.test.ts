import type { Knex } from 'knex';
import { openPostgres } from '../../server/db/connect';
import { createLogger } from '../../server/logger';
import { scheduleJob } from '../../server/services/jobs/coordinator';
import { waitFor } from '../helpers/process';
import { createMigratedTestDatabase, TestDatabase, usingRealPostgres } from '../helpers/database';

/**
 * An instance shutting down while its claim of a slot is still on its way to the database. Once the
 * claim commits, no other instance may claim that slot again; so stop() must wait for the claim and run
 * what it won before it returns (after which the caller closes the database). Before this was so, the
 * slot stayed claimed and never ran — seen in CI as a lost slot among three schedulers.
 *
 * The claim is held in flight deterministically: another connection locks job_slots, so the claiming
 * INSERT waits on the lock until the test lets it through, after stop() has been called.
 */
(usingRealPostgres() ? describe : describe.skip)('stopping a job while it claims a slot', () => {
  let db: TestDatabase;
  let instance: Knex;
  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    instance = openPostgres({ url: db.url!, poolMax: 2 }).knex;
  });
  afterAll(async () => {
    await instance?.destroy();
    await db?.close();
  });

  it('runs the slot it claimed before stop() resolves', async () => {
    const blocker = await db.knex.transaction();
    await blocker.raw('LOCK TABLE job_slots IN EXCLUSIVE MODE');
    const ran: string[] = [];
    let runFinished = false;
    const job = scheduleJob(
      instance,
      createLogger('silent'),
      { name: 'stop-probe', expression: '* * * * * *', timezone: 'UTC' },
      async ({ key }) => {
        ran.push(key);
        await new Promise((r) => setTimeout(r, 200)); // a run that takes a moment, like a check run
        runFinished = true;
      },
    );
    let stopped = false;
    try {
      // The claim of the next second's slot is now waiting on the lock.
      await waitFor(
        async () =>
          Number(
            (
              await db.knex.raw(
                `select count(*) as n from pg_stat_activity
                  where datname = current_database() and wait_event_type = 'Lock' and query ilike 'insert into "job_slots"%'`,
              )
            ).rows[0].n,
          ) > 0,
        10_000,
        'a slot claim to wait on the lock',
      );
      const stopping = job.stop().then(() => {
        stopped = true;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(stopped).toBe(false); // still waiting for the claim in flight
      await blocker.commit();
      await stopping;
    } finally {
      if (!blocker.isCompleted()) await blocker.rollback();
      if (!stopped) await job.stop();
    }

    // Every slot this instance claimed was run, and had finished when stop() returned.
    const claimed = await db.knex('job_slots').where({ job: 'stop-probe' }).orderBy('slot_key').pluck('slot_key');
    expect(claimed.length).toBeGreaterThanOrEqual(1);
    expect(ran).toEqual(claimed);
    expect(runFinished).toBe(true);
  });
});

/**
 * A slot that comes while this instance still runs the previous one waits up to a head start (1 s) for the
 * run to end, so that idle instances may claim it first. When the run ends sooner, the head start's timer
 * must go with it: left running, it kept a stopped server's process (or a test worker) alive for up to a
 * second after stop(). The previous run is let go the moment the head start begins, so the run wins.
 */
describe('a slot that came while the previous one ran', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createMigratedTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('leaves no head-start timer running once stop() resolves', async () => {
    const realSetTimeout = global.setTimeout as (
      fn: (...a: unknown[]) => void,
      ms?: number,
      ...args: unknown[]
    ) => NodeJS.Timeout;
    const realClearTimeout = global.clearTimeout;
    const headStarts = new Set<NodeJS.Timeout>(); // set, neither fired nor cleared
    let headStartBegan: () => void = () => {};
    const began = new Promise<void>((resolve) => (headStartBegan = resolve));
    const setSpy = jest.spyOn(global, 'setTimeout').mockImplementation(((
      fn: (...a: unknown[]) => void,
      ms?: number,
      ...args: unknown[]
    ) => {
      if (ms !== 1_000 || !new Error().stack?.includes('jobs/coordinator')) return realSetTimeout(fn, ms, ...args);
      const timer: NodeJS.Timeout = realSetTimeout(() => {
        headStarts.delete(timer);
        fn();
      }, ms);
      headStarts.add(timer);
      headStartBegan();
      return timer;
    }) as typeof setTimeout);
    const clearSpy = jest.spyOn(global, 'clearTimeout').mockImplementation((timer) => {
      headStarts.delete(timer as NodeJS.Timeout);
      realClearTimeout(timer);
    });
    let job: ReturnType<typeof scheduleJob> | undefined;
    try {
      const ran: string[] = [];
      job = scheduleJob(
        db.knex,
        createLogger('silent'),
        { name: 'head-start-probe', expression: '* * * * * *', timezone: 'UTC' },
        async ({ key }) => {
          ran.push(key);
          if (ran.length === 1) await began; // busy until the next slot's head start has begun
        },
      );
      await waitFor(async () => ran.length >= 2, 15_000, 'the slot that came during the first run to run');
      await job.stop();
      job = undefined;
      expect(headStarts.size).toBe(0);
    } finally {
      await job?.stop();
      setSpy.mockRestore();
      clearSpy.mockRestore();
      for (const timer of headStarts) realClearTimeout(timer);
    }
  });
});
