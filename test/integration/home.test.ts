import { buildUser } from '../factories';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

describe('home page per role', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const catalog = exampleCatalog();
    await seedCatalogDepartments(t.db.knex, catalog);
    // One HR ticket filed a month ago (overdue now), one filed today, one for another department.
    await buildTicket(t.db.knex, catalog, new Date(Date.now() - 30 * 86_400_000), { field: 'staff_no' });
    await buildTicket(t.db.knex, catalog, new Date(), { field: 'name' });
    await buildTicket(t.db.knex, catalog, new Date(), {
      department: 'STU',
      table: 'student_status',
      field: 'name',
      check: 'required',
    });
  });
  afterAll(() => t.close());

  /** The ticket card's HTML. */
  const ticketCard = (page: string) => {
    const start = page.lastIndexOf('<a class="card"', page.indexOf('<h2>质量工单</h2>'));
    return page.slice(start, page.indexOf('</a>', start));
  };

  it("shows a steward their own department's active and overdue tickets at a glance", async () => {
    const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    const { agent } = await signIn(t.app, steward.login, steward.password);
    const home = await agent.get('/').expect(200);
    expect(home.text).toContain('2 个待处理 · 1 个逾期');
    expect(home.text).toContain('href="/tickets"');
    expect(ticketCard(home.text)).toContain('本单位待整改的数据质量问题');
  });

  it('shows the IT office every department, linking to the overdue view, and says it is every department', async () => {
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const { agent } = await signIn(t.app, office.login, office.password);
    const home = await agent.get('/').expect(200);
    expect(home.text).toContain('3 个待处理 · 1 个逾期');
    expect(home.text).toContain('href="/tickets?view&#x3D;overdue"');
    expect(ticketCard(home.text)).toContain('全校各部门待整改的数据质量问题');
    expect(home.text).not.toContain('本单位待整改');
  });

  it('sends the IT office to the active tickets, not an empty overdue view, when none is overdue', async () => {
    // The ticket filed a month ago (the first built) is the overdue one: resolved, none is overdue.
    const overdue = await t.db.knex('tickets').orderBy('id').limit(1);
    await t.db.knex('tickets').where({ id: overdue[0].id }).update({ status: 'resolved' });
    try {
      const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
      const { agent } = await signIn(t.app, office.login, office.password);
      const card = ticketCard((await agent.get('/').expect(200)).text);
      expect(card).toContain('2 个待处理 · 0 个逾期');
      expect(card).toContain('<a class="card" href="/tickets">');
      expect(card).toContain('全校各部门待整改的数据质量问题，按整改期限排序');
      expect(card).not.toContain('先看逾期');
    } finally {
      await t.db.knex('tickets').where({ id: overdue[0].id }).update({ status: overdue[0].status });
    }
  });

  it('labels the ticket card as every department for administrators and university leaders too, in both languages', async () => {
    for (const roles of [['admin'], ['univ_leader']] as const) {
      const user = await buildUser(t.db.knex, { department: 'ITC', roles: [...roles] });
      const { agent, csrf } = await signIn(t.app, user.login, user.password);
      const zh = await agent.get('/').expect(200);
      expect(zh.text).toContain('3 个待处理 · 1 个逾期');
      expect(ticketCard(zh.text)).toContain('全校各部门待整改的数据质量问题');
      expect(zh.text).not.toContain('本单位');
      await agent.post('/locale').type('form').send({ _csrf: csrf, locale: 'en', next: '/' }).expect(302);
      const en = await agent.get('/').expect(200);
      expect(en.text).toContain('3 active · 1 overdue');
      expect(en.text).toContain('Data-quality problems still to fix in every department');
    }
  });

  it('greets by name without repeating a role title the name already ends with; the roles are shown under it', async () => {
    const leader = await buildUser(t.db.knex, { department: 'ITC', roles: ['univ_leader'], name: '信息化主管校领导' });
    const { agent } = await signIn(t.app, leader.login, leader.password);
    const home = await agent.get('/').expect(200);
    expect(home.text).toContain('<h1>信息化主管校领导，您好</h1>');
    expect(home.text).toContain('<span class="tag">信息化主管校领导</span>');
    const admin = await buildUser(t.db.knex, { department: 'ITC', roles: ['admin'], name: '系统管理员' });
    const other = await signIn(t.app, admin.login, admin.password);
    expect((await other.agent.get('/').expect(200)).text).toContain('<h1>系统管理员，您好</h1>');
  });

  it('gives a plain staff member no ticket card', async () => {
    const user = await buildUser(t.db.knex, { department: 'ACA', roles: ['user'] });
    const { agent } = await signIn(t.app, user.login, user.password);
    const home = await agent.get('/').expect(200);
    expect(home.text).not.toContain('个待处理');
  });
});
