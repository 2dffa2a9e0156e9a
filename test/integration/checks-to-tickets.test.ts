import { checkRunnerDeps } from '../../server/services/checks/deps';
import { runNow } from '../../server/services/checks/runs';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { openPostgres } from '../../server/db/connect';
import { createTestApp, TestApp } from '../helpers/app';

const CATALOG = `
departments: [{ code: HR, name: 人事处 }, { code: ITC, name: 信息中心 }]
tables:
  - name: staff
    title: 教职工基本信息
    department: HR
    sharing: conditional
    key: [staff_no]
    updated_at: update_time
    fields:
      - { name: staff_no, title: 职工号, required: true }
      - { name: email, title: 电子邮箱, validate: email }
  - name: vanished
    title: 已下线的表
    department: HR
    sharing: universal
    key: [id]
`;

describe('check runs file and resolve tickets', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.db.knex.schema.createTable('staff', (b) => {
      b.string('staff_no');
      b.string('email');
      b.timestamp('update_time', { useTz: true });
    });
    await t.db.knex('staff').insert([
      { staff_no: '10000001', email: 'a@example.edu.cn', update_time: new Date() },
      { staff_no: '10000002', email: 'not-an-email', update_time: new Date() },
    ]);
    expect((await importCatalog(t.db.knex, CATALOG)).ok).toBe(true);
    await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'], login: 'office' });
  });
  afterAll(() => t.close());

  it('files a ticket for a failing check, updates it on the next run, resolves it once the data is fixed', async () => {
    await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });
    const [ticket] = await t.db.knex('tickets');
    expect(ticket).toMatchObject({
      check_kind: 'validate',
      table_name: 'staff',
      field_name: 'email',
      department_code: 'HR',
      status: 'open',
      violations: 1,
      occurrences: 1,
    });
    expect(ticket.message).toContain('教职工基本信息·电子邮箱');

    await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });
    const again = await t.db.knex('tickets');
    expect(again).toHaveLength(1);
    expect(again[0].occurrences).toBe(2);

    await t.db.knex('staff').where({ staff_no: '10000002' }).update({ email: 'b@example.edu.cn' });
    await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });
    expect((await t.db.knex('tickets').first()).status).toBe('resolved');
  });

  it('never files a ticket for a table the hub lacks; tells the IT office once, not on every run', async () => {
    expect(await t.db.knex('tickets').where({ table_name: 'vanished' })).toEqual([]);
    const notices = await t.db.knex('notifications').where({ kind: 'check.table_error' });
    expect(notices).toHaveLength(1);
    expect(notices[0].title).toContain('vanished');
  });

  it('tells the IT office again when a table that could not be checked fails for another reason, once', async () => {
    // The table appears, but without its key column: column_missing, after table_missing.
    await t.db.knex.schema.createTable('vanished', (b) => b.string('code'));
    try {
      await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });
      await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });
      const notices = await t.db.knex('notifications').where({ kind: 'check.table_error' }).orderBy('id');
      expect(notices.map((n) => [n.title, /（(\w+)）/.exec(n.body)?.[1]])).toEqual([
        ['数据中台表 vanished 无法检查', 'table_missing'],
        ['数据中台表 vanished 无法检查', 'column_missing'],
      ]);
    } finally {
      await t.db.knex.schema.dropTable('vanished');
    }
  });

  it('an unreachable hub is one notice per run, whatever the number of tables, with a link to the run', async () => {
    const before = await t.db.knex('notifications').where({ kind: 'check.table_error' }).count({ n: '*' }).first();
    const down = openPostgres({ url: 'postgres://nobody@127.0.0.1:1/none', poolMax: 1 });
    try {
      const hub = { ...t.ctx.hub, knex: down.knex };
      const summary = await runNow(checkRunnerDeps(t.ctx, { hub }), { trigger: 'cli' });
      const { runId } = summary;
      // The run failed, for one reason the runs page shows (it was "completed", 0 of 2 tables checked).
      const error = /^数据中台无法连接 \/ the hub could not be reached: .*ECONNREFUSED/;
      expect(summary).toMatchObject({ status: 'failed', error: expect.stringMatching(error) });
      expect(await t.db.knex('check_runs').where({ id: runId }).first()).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(error),
        finished_at: expect.any(Date),
      });
      const tables = await t.db.knex('check_run_tables').where({ run_id: runId }).orderBy('table_name');
      expect(tables.map((r) => [r.table_name, r.error_code])).toEqual([
        ['staff', 'hub_unreachable'],
        ['vanished', 'hub_unreachable'],
      ]);
      const told = await t.db.knex('notifications').where({ kind: 'check.table_error' }).orderBy('id');
      const fresh = told.slice(Number(before!.n));
      expect(fresh.map((n) => [n.title, n.link])).toEqual([
        [`无法连接数据中台：检查运行 #${runId} 未能检查数据`, `/runs/${runId}`],
      ]);
      expect(fresh[0].title_en).toBe(`The hub could not be reached: check run #${runId} could not check its tables`);
    } finally {
      await down.close();
    }
  });
});
