import type { Knex } from 'knex';
import { startCheckJobs } from '../../jobs/check-hub';
import type { AppContext } from '../../server/context';
import { openPostgres } from '../../server/db/connect';
import type { Hub } from '../../server/hub';
import { createLogger } from '../../server/logger';
import { loadConfig } from '../../server/config';
import { importCatalog } from '../../server/services/catalog/repository';
import {
  CheckRunnerDeps,
  claimRun,
  executeRun,
  recoverInterruptedRuns,
  runNow,
  TableResultsHandoff,
} from '../../server/services/checks/runs';
import { createMigratedTestDatabase, TestDatabase, usingRealPostgres } from '../helpers/database';

const CATALOG = `
calendar: { timezone: Asia/Shanghai }
departments:
  - { code: HR, name: 人事处 }
  - { code: LIB, name: 图书馆 }
tables:
  - name: people
    title: 人员
    department: HR
    sharing: conditional
    key: [id_card]
    updated_at: update_time
    fields:
      - { name: id_card, title: 身份证号, validate: cn_id_card, sensitive: true }
      - { name: name, title: 姓名, required: true }
  - name: loans
    title: 借阅
    department: LIB
    sharing: universal
    key: [loan_id]
    updated_at: sync_time
    freshness: 24h
  - name: gone_table
    title: 已删除的表
    department: LIB
    sharing: universal
    key: [id]
    fields:
      - { name: id, title: 编号, required: true }
`;

describe('check runs', () => {
  let db: TestDatabase;
  let hub: Hub;
  const logger = createLogger('silent');
  const now = new Date('2026-11-22T04:00:00Z');

  function deps(extra: Partial<CheckRunnerDeps> = {}): CheckRunnerDeps {
    return { db: db.knex, hub, logger, now: () => now, heartbeatMs: 50, ...extra };
  }

  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    hub = { knex: db.knex, dialect: 'postgres', kind: 'postgres', label: 'test', close: async () => {} };
    const k = db.knex;
    await k.schema.createTable('people', (t) => {
      t.string('id_card');
      t.string('name');
      t.timestamp('update_time', { useTz: true });
    });
    await k('people').insert([
      { id_card: '11010519491231002X', name: '甲', update_time: now },
      { id_card: '110105194912310021', name: '乙', update_time: now }, // wrong check digit
      { id_card: '110105194912310046', name: null, update_time: now }, // name missing (check digit 6 is right)
    ]);
    await k.schema.createTable('loans', (t) => {
      t.string('loan_id');
      t.timestamp('sync_time', { useTz: true });
    });
    await k('loans').insert({ loan_id: 'L1', sync_time: new Date(now.getTime() - 3 * 86_400_000) });
    const imported = await importCatalog(k, CATALOG);
    expect(imported.ok).toBe(true);
  });
  afterAll(() => db.close());

  it('checks every table, stores results and table outcomes, and hands the results over table by table', async () => {
    const handed: TableResultsHandoff[] = [];
    const errors: string[] = [];
    const summary = await runNow(
      deps({
        onTableResults: async (h) => void handed.push(h),
        onTableError: async (e) => void errors.push(`${e.table}:${e.code}`),
      }),
      { trigger: 'cli' },
    );
    expect(summary.status).toBe('completed');

    const run = await db.knex('check_runs').where({ id: summary.runId }).first();
    expect(run).toMatchObject({ status: 'completed', tables_total: 3, tables_done: 3, tables_failed: 1 });

    const outcomes = await db.knex('check_run_tables').where({ run_id: summary.runId }).orderBy('table_name');
    expect(outcomes.map((o) => [o.table_name, o.status, o.error_code])).toEqual([
      ['gone_table', 'error', 'table_missing'],
      ['loans', 'ok', null],
      ['people', 'ok', null],
    ]);
    // A missing table is an operational problem, never results against a department.
    expect(errors).toEqual(['gone_table:table_missing']);
    expect(handed.map((h) => h.table).sort()).toEqual(['loans', 'people']);
    expect(await db.knex('check_results').where({ run_id: summary.runId, table_name: 'gone_table' })).toEqual([]);

    const failed = await db.knex('check_results').where({ run_id: summary.runId, passed: false }).orderBy('check_kind');
    expect(failed.map((r) => [r.table_name, r.check_kind, r.field_name, Number(r.violations), r.department_code])).toEqual([
      ['loans', 'freshness', null, 1, 'LIB'],
      ['people', 'required', 'name', 1, 'HR'],
      ['people', 'validate', 'id_card', 1, 'HR'],
    ]);
    // The key column is an ID number: stored sample keys are masked.
    const validity = failed.find((r) => r.check_kind === 'validate');
    expect(validity.sample_keys).toEqual([{ id_card: '110105********0021' }]);
  });

  it('knows the previous row count, so row_count_change is relative to the last run', async () => {
    await db.knex('people').insert({ id_card: '11010519491231002X', name: '丙', update_time: now });
    const summary = await runNow(deps(), { trigger: 'cli', scope: ['people'] });
    const people = summary.tables.find((t) => t.table === 'people')!;
    expect(people.facts).toMatchObject({ row_count: 4, row_count_previous: 3 });
    expect(people.facts!.row_count_change).toBeCloseTo(1 / 3, 5);
  });

  it('gives a slot to one claimant only', async () => {
    const first = await claimRun(db.knex, { slotKey: 'check-hub:2026-11-22T02:00:00.000Z', trigger: 'schedule' });
    const second = await claimRun(db.knex, { slotKey: 'check-hub:2026-11-22T02:00:00.000Z', trigger: 'schedule' });
    expect(first).not.toBeNull();
    expect(second).toBeNull();
  });

  it('skips a table that another live run is checking', async () => {
    await db
      .knex('check_table_leases')
      .insert({ table_name: 'loans', run_id: 999999, instance_id: 'other', expires_at: new Date(Date.now() + 60_000) });
    const summary = await runNow(deps(), { trigger: 'manual', scope: ['loans', 'people'] });
    expect(summary.tables.map((t) => t.table)).toEqual(['people']);
    await db.knex('check_table_leases').where({ table_name: 'loans' }).delete();
  });

  it('marks a run whose instance died as interrupted, and re-runs only its unfinished tables, once', async () => {
    const runId = (await claimRun(db.knex, { slotKey: 'check-hub:2026-11-22T03:00:00.000Z', trigger: 'schedule' }))!;
    // It started 10 minutes ago, heart-beat for the last time 20 s later and finished its first table 5 s after that.
    const started = new Date(Date.now() - 10 * 60_000);
    const lastTable = new Date(started.getTime() + 25_000);
    await db.knex('check_run_tables').insert({
      run_id: runId,
      table_name: 'people',
      status: 'ok',
      duration_ms: 5,
      row_count: 4,
      finished_at: lastTable,
    });
    await db
      .knex('check_runs')
      .where({ id: runId })
      .update({ started_at: started, heartbeat_at: new Date(started.getTime() + 20_000) });

    const [rerun, again] = await Promise.all([recoverInterruptedRuns(deps(), 120_000), recoverInterruptedRuns(deps(), 120_000)]);
    const reruns = [...rerun, ...again];
    expect(reruns).toHaveLength(1);
    const interrupted = await db.knex('check_runs').where({ id: runId }).first();
    expect(interrupted.status).toBe('interrupted');
    // It ran until its last sign of life (25 s), not until it was found dead 10 minutes on.
    expect(new Date(interrupted.finished_at).getTime()).toBe(lastTable.getTime());
    const created = await db.knex('check_runs').where({ id: reruns[0] }).first();
    expect(created).toMatchObject({ trigger: 'rerun', rerun_of: runId, slot_key: 'check-hub:2026-11-22T03:00:00.000Z:rerun' });
    expect([...created.scope].sort()).toEqual(['gone_table', 'loans']);
    const summary = await executeRun(deps(), reruns[0]);
    expect(summary.tables.map((t) => t.table).sort()).toEqual(['gone_table', 'loans']);
  });

  it('runs each slot exactly once with three schedulers on one database', async () => {
    // Three "instances": on PostgreSQL each has its own connection pool, as separate processes would.
    const pools: Knex[] = usingRealPostgres()
      ? [0, 1, 2].map(() => openPostgres({ url: db.url!, poolMax: 3 }).knex)
      : [db.knex, db.knex, db.knex];
    const config = { ...loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(40) }), checkSchedule: '*/1 * * * * *' };
    const before = Number((await db.knex('check_runs').where({ trigger: 'schedule' }).count({ n: '*' }))[0].n);
    const schedulers = pools.map((knex) => {
      const ctx: AppContext = { config, db: knex, hub: { ...hub, knex }, logger, now: () => now };
      return startCheckJobs(ctx, { db: knex, hub: { ...hub, knex }, logger, now: () => now, heartbeatMs: 1000 });
    });
    await new Promise((r) => setTimeout(r, 4500));
    await Promise.all(schedulers.map((s) => s.stop()));
    if (usingRealPostgres()) await Promise.all(pools.map((p) => p.destroy()));

    const slots = await db.knex('job_slots').where({ job: 'check-hub' }).orderBy('slot_key').pluck('slot_key');
    const runs = await db
      .knex('check_runs')
      .where({ trigger: 'schedule' })
      .whereNotNull('slot_key')
      .where('slot_key', 'like', 'check-hub:%')
      .select('slot_key');
    const scheduled = runs.filter((r) => !r.slot_key.endsWith(':rerun') && r.slot_key.length === 'check-hub:'.length + 24);
    expect(scheduled.length - 2).toBeGreaterThanOrEqual(3); // two slots were claimed by hand above
    // every slot claimed once, and every claimed slot has exactly one run
    expect(new Set(slots).size).toBe(slots.length);
    const counts = new Map<string, number>();
    for (const r of scheduled) counts.set(r.slot_key, (counts.get(r.slot_key) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    for (const slot of slots) expect(counts.get(slot)).toBe(1);
    // no slot lost: consecutive seconds between the first and the last
    const seconds = slots.map((s: string) => Date.parse(s.slice('check-hub:'.length)) / 1000);
    expect(seconds[seconds.length - 1] - seconds[0] + 1).toBe(seconds.length);
    expect(Number((await db.knex('check_runs').where({ trigger: 'schedule' }).count({ n: '*' }))[0].n) - before).toBe(
      slots.length,
    );
  });
});
