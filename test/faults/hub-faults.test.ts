import { loadConfig } from '../../server/config';
import type { AppContext } from '../../server/context';
import { openPostgres } from '../../server/db/connect';
import { migrateToLatest } from '../../server/db/migrate';
import type { Hub } from '../../server/hub';
import { createLogger } from '../../server/logger';
import { importCatalog } from '../../server/services/catalog/repository';
import { checkRunnerDeps } from '../../server/services/checks/deps';
import { runNow } from '../../server/services/checks/runs';
import { buildUser } from '../factories';
import { freePort } from '../helpers/process';
import { PrivateCluster, startPrivateCluster } from './cluster';

/**
 * The hub unreachable, slow (a view that sleeps past the statement timeout) or missing a table: each
 * run records the problem per table, files no quality ticket against the departments owning those
 * tables, leaves their tickets alone, and tells the IT office once per table going bad — not on
 * every run of an outage. The service wiring (checkRunnerDeps: tickets + notices) is the real one.
 */
const CATALOG = `
calendar: { timezone: Asia/Shanghai }
departments:
  - { code: HR, name: 人事处 }
  - { code: LIB, name: 图书馆 }
  - { code: IT, name: 信息化办公室 }
tables:
  - name: staff
    title: 教职工
    department: HR
    sharing: conditional
    key: [staff_no]
    fields:
      - { name: staff_no, title: 职工号 }
      - { name: name, title: 姓名, required: true }
  - name: loans_slow
    title: 借阅（慢视图）
    department: LIB
    sharing: universal
    key: [loan_id]
    fields:
      - { name: loan_id, title: 借阅号, required: true }
  - name: books
    title: 图书
    department: LIB
    sharing: universal
    key: [book_id]
    fields:
      - { name: book_id, title: 书号, required: true }
`;

describe('hub faults', () => {
  let cluster: PrivateCluster;
  let ctx: AppContext;
  let close: () => Promise<void>;
  let officeId: number;

  const deps = () => checkRunnerDeps(ctx);
  const tableErrors = async (runId: number) =>
    (
      await ctx.db('check_run_tables').where({ run_id: runId }).orderBy('table_name').select('table_name', 'status', 'error_code')
    ).map((r) => `${r.table_name}:${r.status}:${r.error_code ?? '-'}`);
  const activeTickets = async () =>
    (
      await ctx
        .db('tickets')
        .whereIn('status', ['open', 'acknowledged', 'fixed'])
        .orderBy('id')
        .select('department_code', 'table_name', 'check_kind', 'violations')
    ).map((t) => `${t.department_code}:${t.table_name}:${t.check_kind}:${t.violations}`);
  const officeNotices = async () =>
    (await ctx.db('notifications').where({ user_id: officeId, kind: 'check.table_error' }).orderBy('id').select('title')).map(
      (n) => n.title as string,
    );

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    cluster.createDatabase('service');
    cluster.createDatabase('hub');
    const service = openPostgres({ url: cluster.url('service') });
    const hubDb = openPostgres({ url: cluster.url('hub') });
    await migrateToLatest(service.knex);
    const h = hubDb.knex;
    await h.raw('create table staff (staff_no text, name text)');
    await h.raw(`insert into staff values ('S1', '甲'), ('S2', null), ('S3', null)`);
    await h.raw('create table loans (loan_id text)');
    await h.raw(`insert into loans values ('L1')`);
    // Every read of the view sleeps 3 s, past the 500 ms statement timeout.
    await h.raw('create view loans_slow as select loan_id from loans, pg_sleep(3)');
    await h.raw('create table books (book_id text)');
    await h.raw(`insert into books values ('B1')`);
    const imported = await importCatalog(service.knex, CATALOG);
    expect(imported.ok).toBe(true);
    // The table is dropped after the catalog named it: a sync job failed, a DBA renamed it …
    await h.raw('drop table books');
    officeId = (await buildUser(service.knex, { login: 'it-office', department: 'IT', roles: ['it_office'] })).id;

    const hub: Hub = { knex: h, dialect: 'postgres', kind: 'postgres', label: 'private hub', close: hubDb.close };
    const config = loadConfig({
      NODE_ENV: 'test',
      SESSION_SECRET: 'x'.repeat(40),
      DATA_DIR: cluster.dir,
      CHECK_STATEMENT_TIMEOUT_MS: '500',
    });
    ctx = { config, db: service.knex, hub, logger: createLogger('silent'), now: () => new Date() };
    close = async () => {
      await hubDb.close();
      await service.close();
    };
  });
  afterAll(async () => {
    await close?.();
    cluster?.destroy();
  });

  it('records a slow view and a dropped table per table, files tickets only for what it could check, and tells the IT office', async () => {
    const run = await runNow(deps(), { trigger: 'cli' });
    expect(run.status).toBe('completed');
    expect(await tableErrors(run.runId)).toEqual(['books:error:table_missing', 'loans_slow:error:timeout', 'staff:ok:-']);
    // The one real problem: two staff without a name (HR). Nothing against LIB.
    expect(await activeTickets()).toEqual(['HR:staff:required:2']);
    expect(await ctx.db('check_results').where({ run_id: run.runId }).whereIn('table_name', ['books', 'loans_slow'])).toEqual([]);
    const notices = await officeNotices();
    expect(notices).toHaveLength(2);
    expect(notices.some((n) => n.includes('books'))).toBe(true);
    expect(notices.some((n) => n.includes('loans_slow'))).toBe(true);
  });

  it('does not notify again while the same tables stay broken', async () => {
    const run = await runNow(deps(), { trigger: 'cli' });
    expect(await tableErrors(run.runId)).toEqual(['books:error:table_missing', 'loans_slow:error:timeout', 'staff:ok:-']);
    expect(await officeNotices()).toHaveLength(2);
    expect(await activeTickets()).toEqual(['HR:staff:required:2']);
  });

  it('records an unreachable hub for every table, and neither files nor resolves tickets', async () => {
    const last = { run: 0 };
    const port = await freePort(); // nothing listens there
    const dead = openPostgres({ url: `postgres://postgres@127.0.0.1:${port}/hub` });
    const reachable = ctx.hub;
    ctx.hub = { knex: dead.knex, dialect: 'postgres', kind: 'postgres', label: 'unreachable hub', close: dead.close };
    try {
      const run = await runNow(deps(), { trigger: 'cli' });
      last.run = run.runId;
      expect(run.status).toBe('failed');
      expect(await tableErrors(run.runId)).toEqual([
        'books:error:hub_unreachable',
        'loans_slow:error:hub_unreachable',
        'staff:error:hub_unreachable',
      ]);
      expect(await ctx.db('check_results').where({ run_id: run.runId })).toEqual([]);
    } finally {
      ctx.hub = reachable;
      await dead.close();
    }
    // Not checked is not fixed: the HR ticket stays open.
    expect(await activeTickets()).toEqual(['HR:staff:required:2']);
    // Every table failed for one reason, the hub: one more notice for the run, not one per table.
    const notices = await officeNotices();
    expect(notices).toHaveLength(3);
    expect(notices[2]).toBe(`无法连接数据中台：检查运行 #${last.run} 未能检查数据`);
  });

  it('picks up where it was once the hub answers again', async () => {
    const run = await runNow(deps(), { trigger: 'cli' });
    expect(await tableErrors(run.runId)).toEqual(['books:error:table_missing', 'loans_slow:error:timeout', 'staff:ok:-']);
    const [ticket] = await ctx.db('tickets').where({ table_name: 'staff' });
    expect(ticket).toMatchObject({ status: 'open', department_code: 'HR', occurrences: 3 });
    expect(await activeTickets()).toEqual(['HR:staff:required:2']);
    // The two tables broken before the outage are broken as before: the IT office was told of them already.
    expect(await officeNotices()).toHaveLength(3);
  });
});
