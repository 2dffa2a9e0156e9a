import { recover } from '../../jobs/check-hub';
import { migrateToLatest } from '../../server/db/migrate';
import type { Hub } from '../../server/hub';
import { createLogger } from '../../server/logger';
import { importCatalog } from '../../server/services/catalog/repository';
import { CheckRunnerDeps, claimRun, executeRun } from '../../server/services/checks/runs';
import { createTestDatabase, TestDatabase } from '../helpers/database';

/**
 * An instance claims a slot (job_slots) and is killed before it creates the slot's run: recovery
 * gives the slot its run under the slot's own key, so it still runs once. A slot claimed moments ago
 * (its claimer may be about to create the run) and one from hours ago (later slots have checked
 * those tables since) are left alone.
 */
const CATALOG = `
calendar: { timezone: Asia/Shanghai }
departments:
  - { code: HR, name: 人事处 }
tables:
  - name: units
    title: 单位
    department: HR
    sharing: universal
    key: [unit_code]
    fields:
      - { name: unit_code, title: 单位号, required: true }
`;

describe('runs and slots left behind by a dead or stalled instance', () => {
  let db: TestDatabase;
  let deps: CheckRunnerDeps;

  beforeAll(async () => {
    db = await createTestDatabase('orphan');
    await migrateToLatest(db.knex);
    await db.knex.raw('create table units (unit_code text)');
    await db.knex.raw(`insert into units values ('U1')`);
    expect((await importCatalog(db.knex, CATALOG)).ok).toBe(true);
    const hub: Hub = { knex: db.knex, dialect: 'postgres', kind: 'postgres', label: 'test', close: async () => {} };
    deps = { db: db.knex, hub, logger: createLogger('silent'), now: () => new Date(), heartbeatMs: 50 };
  });
  afterAll(() => db.close());

  it('gets its run from recovery, once; fresh and old claims are left alone', async () => {
    const ago = (ms: number) => new Date(Date.now() - ms);
    const orphan = 'check-hub:2026-11-22T01:00:02.000Z';
    const fresh = 'check-hub:2026-11-22T01:00:04.000Z';
    const old = 'check-hub:2026-11-21T20:00:00.000Z';
    const other = 'housekeeping:2026-11-22T01:00:02.000Z';
    await db.knex('job_slots').insert([
      { slot_key: orphan, job: 'check-hub', instance_id: 'dead', claimed_at: ago(60_000) },
      { slot_key: fresh, job: 'check-hub', instance_id: 'alive', claimed_at: ago(1_000) },
      { slot_key: old, job: 'check-hub', instance_id: 'dead', claimed_at: ago(5 * 3_600_000) },
      { slot_key: other, job: 'housekeeping', instance_id: 'dead', claimed_at: ago(60_000) },
    ]);
    const scopeOf = (job: string) => (job === 'check-hub' ? null : []);
    await Promise.all([recover(deps, { staleAfterMs: 15_000, scopeOf }), recover(deps, { staleAfterMs: 15_000, scopeOf })]);

    const runs = await db.knex('check_runs').orderBy('id').select('slot_key', 'trigger', 'status');
    expect(runs).toEqual([{ slot_key: orphan, trigger: 'schedule', status: 'completed' }]);
    expect(await db.knex('check_run_tables').pluck('table_name')).toEqual(['units']);
  });

  it('does not let a run that recovery took for dead go on checking tables', async () => {
    // Its instance was only stalled (say, the database was away longer than the stale limit):
    // recovery marked it interrupted and its re-run has the tables now.
    const runId = (await claimRun(db.knex, { slotKey: 'check-hub:2026-11-22T01:00:06.000Z', trigger: 'schedule' }))!;
    await db.knex('check_runs').where({ id: runId }).update({ status: 'interrupted' });
    const summary = await executeRun(deps, runId);
    expect(summary.status).toBe('interrupted');
    expect(await db.knex('check_run_tables').where({ run_id: runId })).toEqual([]);
    expect((await db.knex('check_runs').where({ id: runId }).first()).status).toBe('interrupted');
  });
});
