import knexFactory, { Knex } from 'knex';
import { migrateToLatest } from '../../server/db/migrate';
import { createLogger } from '../../server/logger';
import { scheduleJob } from '../../server/services/jobs/coordinator';
import { waitFor } from '../helpers/process';
import { PrivateCluster, startPrivateCluster } from './cluster';

/**
 * A slot whose time falls while the service database is down cannot be claimed then (nobody can
 * agree who runs it, so node-cron fails closed). It is not lost: once the database answers again,
 * the job claims that slot — under its own key, so still once across instances — and runs it.
 */
const quiet = () => undefined;
const QUIET = { warn: quiet, error: quiet, debug: quiet, deprecate: quiet };

describe('a slot that falls in a service-database outage', () => {
  let cluster: PrivateCluster;
  let db: Knex;

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    cluster.createDatabase('service');
    // A short acquire timeout, so the claim fails during the outage instead of waiting it out.
    db = knexFactory({
      client: 'pg',
      connection: cluster.url('service'),
      pool: { min: 0, max: 3 },
      acquireConnectionTimeout: 1_500,
      log: QUIET,
    });
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db?.destroy();
    cluster?.destroy();
  });

  it('is claimed and run once the database is back', async () => {
    // A job that runs once a minute, at a second a few seconds from now.
    const slot = new Date(Math.ceil((Date.now() + 4_000) / 1000) * 1000);
    const ran: string[] = [];
    const job = scheduleJob(
      db,
      createLogger('silent'),
      { name: 'outage-probe', expression: `${slot.getUTCSeconds()} * * * * *`, timezone: 'UTC' },
      async ({ key }) => {
        ran.push(key);
      },
    );
    try {
      cluster.stop();
      // Down over the slot time, and long enough for the claim to give up.
      await new Promise((r) => setTimeout(r, slot.getTime() - Date.now() + 3_000));
      expect(ran).toEqual([]);
      cluster.start();
      const key = `outage-probe:${slot.toISOString()}`;
      await waitFor(async () => ran.length > 0, 20_000, 'the missed slot to be caught up');
      expect(ran).toEqual([key]);
      const row = await db('job_slots').where({ slot_key: key }).first();
      expect(row).toMatchObject({ job: 'outage-probe' });
      expect(row.completed_at).toBeInstanceOf(Date);
    } finally {
      await job.stop();
    }
  });
});
