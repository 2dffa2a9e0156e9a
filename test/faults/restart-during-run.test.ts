import type { Knex } from 'knex';
import { openPostgres } from '../../server/db/connect';
import { migrateToLatest } from '../../server/db/migrate';
import { importCatalog } from '../../server/services/catalog/repository';
import { waitFor } from '../helpers/process';
import { PrivateCluster, startPrivateCluster } from './cluster';
import { Instance } from './world';

/**
 * The service database (a private PostgreSQL cluster) is restarted while a scheduled check run is
 * writing its results. The running `hubwatch serve` must come back by itself (readyz within 30 s),
 * mark the cut run interrupted, re-run exactly its unfinished tables, and keep its schedule.
 *
 * To cut the run at a known point, a test session locks check_run_tables before the run writes
 * there: the run's INSERT waits on the lock, and the restart terminates it mid-transaction.
 */
const CATALOG = `
calendar: { timezone: Asia/Shanghai }
departments:
  - { code: HR, name: 人事处 }
tables:
  - name: staff
    title: 教职工
    department: HR
    sharing: conditional
    key: [staff_no]
    fields:
      - { name: staff_no, title: 职工号 }
      - { name: name, title: 姓名, required: true }
  - name: units
    title: 单位
    department: HR
    sharing: universal
    key: [unit_code]
    fields:
      - { name: unit_code, title: 单位号, required: true }
`;

describe('PostgreSQL restarted in the middle of a check run', () => {
  let service: PrivateCluster;
  let hub: PrivateCluster;
  let instance: Instance;
  let db: Knex;

  beforeAll(async () => {
    // The hub lives in a cluster of its own: only the service database restarts.
    [service, hub] = await Promise.all([startPrivateCluster(), startPrivateCluster()]);
    service.createDatabase('service');
    const hubDb = openPostgres({ url: hub.url() });
    await hubDb.knex.raw('create table staff (staff_no text, name text)');
    await hubDb.knex.raw(`insert into staff values ('S1', '甲'), ('S2', null)`);
    await hubDb.knex.raw('create table units (unit_code text)');
    await hubDb.knex.raw(`insert into units values ('U1')`);
    await hubDb.close();
    db = openPostgres({ url: service.url('service'), poolMax: 3 }).knex;
    await migrateToLatest(db);
    expect((await importCatalog(db, CATALOG)).ok).toBe(true);
    instance = await Instance.create('a', {
      DATABASE_URL: service.url('service'),
      HUB_DATABASE_URL: hub.url(),
      CHECK_SCHEDULE: '*/3 * * * * *',
    });
    instance.start();
    await instance.ready(90_000);
  }, 120_000);

  afterAll(async () => {
    await instance?.kill('SIGKILL');
    instance?.cleanup();
    await db?.destroy();
    service?.destroy();
    hub?.destroy();
  });

  it('answers readyz again by itself, marks the cut run interrupted and re-runs its unfinished tables', async () => {
    // Wait for the schedule to be running normally.
    await waitFor(
      async () => Boolean(await db('check_runs').where({ status: 'completed', trigger: 'schedule' }).first()),
      30_000,
      'a first completed run',
    );

    const locker = openPostgres({ url: service.url('service'), poolMax: 1 }).knex;
    let cutRunId: number;
    try {
      const locked = locker.transaction(async (trx) => {
        await trx.raw('LOCK TABLE check_run_tables IN SHARE ROW EXCLUSIVE MODE');
        // Held until the restart kills this session.
        await trx.raw('select pg_sleep(600)');
      });
      locked.catch(() => undefined);
      // A run is now blocked writing its first table's outcome.
      await waitFor(
        async () => {
          const waiting = await db.raw(
            `select 1 from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%check_run_tables%' and application_name like 'hubwatch serve%'`,
          );
          return waiting.rows.length > 0;
        },
        30_000,
        'a run to wait on check_run_tables',
      );
      const running = await db('check_runs').where({ status: 'running', trigger: 'schedule' }).orderBy('id');
      expect(running).toHaveLength(1);
      cutRunId = Number(running[0].id);
      expect(await db('check_run_tables').where({ run_id: cutRunId })).toEqual([]);

      service.restart();
    } finally {
      await locker.destroy().catch(() => undefined);
    }

    // The requirement: ready again within 30 s, without anyone touching the service.
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${instance.port}/readyz`)).status === 200,
      30_000,
      'readyz after the restart',
    );

    await waitFor(
      async () => {
        const rerun = await db('check_runs').where({ rerun_of: cutRunId }).first();
        return rerun?.status === 'completed';
      },
      60_000,
      'the re-run of the cut run',
    );
    const cut = await db('check_runs').where({ id: cutRunId }).first();
    expect(cut.status).toBe('interrupted');
    expect(cut.error).toMatch(/connection/i);
    const rerun = await db('check_runs').where({ rerun_of: cutRunId }).first();
    expect(rerun).toMatchObject({ trigger: 'rerun', slot_key: `${cut.slot_key}:rerun` });
    // Nothing of the cut run was stored, so the re-run is for both tables. A table that the next
    // slot's run was checking at that very moment is left to it (one run per table at a time), so
    // each table was checked after the cut, by the re-run or by that run.
    expect([...rerun.scope].sort()).toEqual(['staff', 'units']);
    const checkedAfter = await db('check_run_tables as t')
      .join('check_runs as r', 'r.id', 't.run_id')
      .where('r.id', '>', cutRunId)
      .where('t.status', 'ok')
      .distinct('t.table_name')
      .orderBy('t.table_name');
    expect(checkedAfter.map((t) => t.table_name)).toEqual(['staff', 'units']);
    const rerunTables = await db('check_run_tables').where({ run_id: rerun.id }).pluck('table_name');
    expect(rerunTables.length).toBe(rerun.tables_total);

    // The schedule goes on: a slot after the restart completes, and no slot has two runs.
    const restartedAt = new Date();
    await waitFor(
      async () =>
        Boolean(
          await db('check_runs')
            .where({ trigger: 'schedule', status: 'completed' })
            .where('started_at', '>', restartedAt)
            .first(),
        ),
      30_000,
      'a scheduled run after the restart',
    );
    const twice = await db('check_runs').whereNotNull('slot_key').groupBy('slot_key').havingRaw('count(*) > 1').pluck('slot_key');
    expect(twice).toEqual([]);
    // One active ticket for the one problem (S2 has no name), however many runs saw it.
    const tickets = await db('tickets')
      .whereIn('status', ['open', 'acknowledged', 'fixed'])
      .select('table_name', 'check_kind', 'violations');
    expect(tickets).toEqual([{ table_name: 'staff', check_kind: 'required', violations: 1 }]);
  });
});
