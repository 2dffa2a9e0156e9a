import { checkRunnerDeps } from '../../server/services/checks/deps';
import { runNow } from '../../server/services/checks/runs';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
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
});
