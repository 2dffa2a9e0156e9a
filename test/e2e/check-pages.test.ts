import { translator } from '../../server/i18n';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildDepartment, buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { waitFor } from '../helpers/process';

const CATALOG = `
departments: [{ code: HR, name: 人事处 }, { code: ITC, name: 信息中心 }]
tables:
  - name: staff
    title: 教职工
    department: HR
    sharing: conditional
    key: [staff_no]
    updated_at: update_time
    fields:
      - { name: staff_no, title: 职工号, required: true, pattern: '^[0-9]{8}$' }
`;

describe('check run pages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.db.knex.schema.createTable('staff', (b) => {
      b.string('staff_no');
      b.timestamp('update_time', { useTz: true });
    });
    await t.db.knex('staff').insert([
      { staff_no: '12345678', update_time: new Date() },
      { staff_no: 'X1', update_time: new Date() },
      // Required and empty: its key (staff_no) is empty too, so the run page has no key to show for it.
      { staff_no: ' ', update_time: new Date() },
    ]);
    await buildDepartment(t.db.knex, { code: 'ITC' });
    expect((await importCatalog(t.db.knex, CATALOG)).ok).toBe(true);
  });
  afterAll(() => t.close());

  it('lets the IT office run the checks now, follow the progress, and see results and trends on the table page', async () => {
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const { agent, csrf } = await signIn(t.app, office.login, office.password);
    const started = await agent.post('/runs').type('form').send({ _csrf: csrf }).expect(302);
    const runPath = started.headers.location as string;
    expect(runPath).toMatch(/^\/runs\/\d+$/);
    await waitFor(
      async () => (await agent.get(`${runPath}/progress`)).body.status === 'completed',
      20_000,
      'the run to complete',
    );
    const progress = (await agent.get(`${runPath}/progress`)).body;
    expect(progress).toMatchObject({ tables_total: 1, tables_done: 1, checks_failed: 2 });

    const runPage = await agent.get(runPath).expect(200);
    expect(runPage.text).toContain('已完成');
    // A way back to the list of runs.
    expect(runPage.text).toContain('<p class="back"><a href="/runs">← 检查运行</a></p>');
    // The failure by the names people know: table and field titles, the check's name, the department's.
    const failure = runPage.text.slice(runPage.text.indexOf(`<h2>${translator('zh-CN')('checks.run.failures')}</h2>`));
    expect(failure).toContain(
      '<td><a href="/catalog/tables/staff">教职工 <code>staff</code></a></td><td>职工号 <code>staff_no</code></td>',
    );
    expect(failure).toContain('>格式</span></td><td>人事处</td>');
    expect(failure).not.toContain('>pattern<');
    expect(failure).toContain('<small>职工号：X1</small>');
    expect(failure).toContain('>必填</span></td><td>人事处</td>');
    expect(failure).toContain('<small>职工号：（主键为空）</small>');

    // The ticket filed for it: every sample's key is blank (the missing 职工号 is the key), so instead of rows of
    // （主键为空） it says what to look for.
    const blankKeyTicket = await t.db.knex('tickets').where({ check_kind: 'required', table_name: 'staff' }).first('id');
    const ticketPage = await agent.get(`/tickets/${blankKeyTicket.id}`).expect(200);
    expect(ticketPage.text).toContain(
      '<p>这些记录的主键（职工号）本身为空，无法按主键列出：请在业务系统中查找职工号为空的记录。</p>',
    );
    expect(ticketPage.text).not.toContain('（主键为空）');
    expect(ticketPage.text).not.toContain('<code> </code>');
    // In English the ticket's sentence is English (the catalog's titles stay as the catalog has them).
    await agent.post('/locale').type('form').send({ _csrf: csrf, locale: 'en', next: '/' }).expect(302);
    const englishTicket = await agent.get(`/tickets/${blankKeyTicket.id}`).expect(200);
    expect(englishTicket.text).toContain('教职工·职工号: 1 row empty (required)');
    expect(englishTicket.text).not.toContain('未填写');
    expect((await agent.get('/tickets').expect(200)).text).toContain('教职工·职工号: 1 row not in the required format');
    expect((await agent.get(`/api/v1/tickets/${blankKeyTicket.id}`).expect(200)).body).toMatchObject({
      message: '教职工·职工号：1 条记录未填写（必填项）',
      message_en: '教职工·职工号: 1 row empty (required)',
    });
    await agent.post('/locale').type('form').send({ _csrf: csrf, locale: 'zh-CN', next: '/' }).expect(302);

    const list = await agent.get('/runs').expect(200);
    expect(list.text).toContain(runPath);

    const tablePage = await agent.get('/catalog/tables/staff').expect(200);
    expect(tablePage.text).toContain('未通过');
    const html = tablePage.text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    expect(html).toContain('data-trend="/checks/trend?table=staff&check=pattern&field=staff_no"');
    const trend = await agent.get('/checks/trend').query({ table: 'staff', check: 'pattern', field: 'staff_no' }).expect(200);
    expect(trend.body).toEqual([
      { at: expect.any(String), label: expect.stringMatching(/^\d\d-\d\d \d\d:\d\d$/), violations: 1, checked: 2, passed: false },
    ]);

    const audit = await t.db.knex('audit_log').where({ action: 'check.run_now' });
    expect(audit).toHaveLength(1);
  });

  it('refuses to run a table the catalog does not have, and records no run', async () => {
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const { agent, csrf } = await signIn(t.app, office.login, office.password);
    const runsBefore = await t.db.knex('check_runs').count({ n: '*' });
    const refused = await agent.post('/runs').type('form').send({ _csrf: csrf, table: 'no_such_table' }).expect(302);
    expect(refused.headers.location).toBe('/runs');
    expect((await agent.get('/runs').expect(200)).text).toContain('数据目录中没有表“no_such_table”：未开始检查。');
    // A repeated field arrives as an array: refused as any field sent twice is (422 naming it), not read as "every table".
    const repeated = await agent
      .post('/runs')
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrf)}&table=staff&table=x`)
      .expect(422);
    expect(repeated.text).toContain('只能填写一个值');
    expect(await t.db.knex('check_runs').count({ n: '*' })).toEqual(runsBefore);
  });

  it('keeps stewards away from runs and the run-now button', async () => {
    const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    const { agent, csrf } = await signIn(t.app, steward.login, steward.password);
    await agent.get('/runs').expect(403);
    await agent.post('/runs').type('form').send({ _csrf: csrf }).expect(403);
    const tablePage = await agent.get('/catalog/tables/staff').expect(200);
    expect(tablePage.text).not.toContain('action="/runs"');
  });
});
