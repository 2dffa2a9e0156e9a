import { buildUser } from '../factories';
import { apiRequest, buildSharingWorld, SharingPeople } from '../factories/sharing';
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
    // The IT office's card is a box holding its links (the decisions waiting); the others are a link.
    const title = page.indexOf('<h2>质量工单</h2>');
    const start = Math.max(page.lastIndexOf('<a class="card', title), page.lastIndexOf('<div class="card', title));
    return page.slice(start, page.indexOf(page.startsWith('<div', start) ? '</div>' : '</a>', start));
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
      expect(card).toContain('<a class="card-main" href="/tickets">');
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

describe('home page: what waits for the IT office and for reviewers', () => {
  let t: TestApp;
  let people: SharingPeople;
  beforeAll(async () => {
    t = await createTestApp();
    people = await buildSharingWorld(t.db.knex);
  });
  afterAll(() => t.close());

  const card = (page: string, title: string) => {
    const start = page.lastIndexOf('<a class="card"', page.indexOf(`<h2>${title}</h2>`));
    return start < 0 || !page.includes(`<h2>${title}</h2>`) ? null : page.slice(start, page.indexOf('</a>', start));
  };

  it("shows the IT office its triage queue's count once a report waits for it (and none while none does)", async () => {
    const s = await signIn(t.app, people.office.login, people.office.password);
    // Reports go straight to the departments (triage off) and none waits: no triage card.
    expect(card((await s.agent.get('/').expect(200)).text, '纠错分派')).toBeNull();
    await t.db.knex('reports').insert({
      reporter_id: people.applicant.id,
      status: 'triage',
      table_name: 'org_unit',
      field_name: 'unit_code',
      record_key: JSON.stringify({ unit_code: '001' }),
      department_code: 'HR',
      description: '单位代码有误',
      created_at: new Date(),
    });
    const shown = card((await s.agent.get('/').expect(200)).text, '纠错分派');
    expect(shown).toContain('href="/reports/triage"');
    expect(shown).toContain('<p class="figure">1 份待分派</p>');
    // Stewards do not triage.
    const steward = await signIn(t.app, people.hrSteward.login, people.hrSteward.password);
    expect(card((await steward.agent.get('/').expect(200)).text, '纠错分派')).toBeNull();
  });

  it("counts a reviewer's sharing queue as the queue page lists it; an applicant who reviews nothing gets no count", async () => {
    const applicant = await signIn(t.app, people.applicant.login, people.applicant.password);
    await applicant.agent
      .post('/api/v1/sharing-requests')
      .set('X-CSRF-Token', applicant.csrf)
      .send(apiRequest([{ table: 'org_unit', fields: ['unit_code'], range: '全部' }]))
      .expect(201);
    const steward = await signIn(t.app, people.csSteward.login, people.csSteward.password);
    const home = (await steward.agent.get('/').expect(200)).text;
    const queue = (await steward.agent.get('/sharing/queue').expect(200)).text;
    expect(queue).toContain('共 1 条');
    expect(card(home, '数据共享申请')).toContain('<p class="figure">1 项待我审核</p>');
    expect(card(home, '数据共享申请')).toContain('href="/sharing/queue"');
    expect(card((await applicant.agent.get('/').expect(200)).text, '数据共享申请')).not.toContain('class="figure"');
  });

  // The card promised an applicant who reviews nothing 或审核待办的数据共享申请 (requests waiting for them to review),
  // which no page of theirs has: it says what they can do there, and a reviewer's what theirs can.
  it("tells each role what the sharing card leads to: an applicant's own requests, a reviewer's queue too", async () => {
    const applicant = await signIn(t.app, people.applicant.login, people.applicant.password);
    const own = card((await applicant.agent.get('/').expect(200)).text, '数据共享申请');
    expect(own).toContain('申请使用数据中台数据，跟踪本人申请的审批进度');
    expect(own).not.toContain('审核');
    const steward = await signIn(t.app, people.csSteward.login, people.csSteward.password);
    expect(card((await steward.agent.get('/').expect(200)).text, '数据共享申请')).toContain(
      '申请使用数据中台数据，或审核待办的数据共享申请',
    );
    await applicant.agent.post('/locale').type('form').send({ _csrf: applicant.csrf, locale: 'en', next: '/' }).expect(302);
    const english = (await applicant.agent.get('/').expect(200)).text;
    expect(english).toContain('Apply for hub data and follow your requests through their approval');
    expect(english).not.toContain('review the data-sharing requests waiting for you');
  });
});

describe("home page: the IT office's decisions waiting on the tickets card", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const catalog = exampleCatalog();
    await seedCatalogDepartments(t.db.knex, catalog);
    const ticket = (field: string) => buildTicket(t.db.knex, catalog, new Date(), { field });
    const [a, b, c, d, e, f] = await Promise.all(['name', 'staff_no', 'id_no', 'phone', 'email', 'title'].map(ticket));
    const now = new Date();
    // Disputes waiting: one open, one the department had fixed before it disputed. A resolved ticket's old flag waits for nobody.
    await t.db.knex('tickets').whereIn('id', [a.id, b.id]).update({ disputed_at: now });
    await t.db.knex('tickets').where({ id: b.id }).update({ status: 'fixed' });
    await t.db.knex('tickets').where({ id: c.id }).update({ disputed_at: now, status: 'resolved' });
    // A request for more time waiting: one acknowledged; one left on a ticket fixed since waits for nobody.
    await t.db
      .knex('tickets')
      .where({ id: d.id })
      .update({ status: 'acknowledged', extension_requested_at: now, extension_days: 3 });
    await t.db.knex('tickets').where({ id: e.id }).update({ status: 'fixed', extension_requested_at: now, extension_days: 2 });
    void f;
  });
  afterAll(() => t.close());

  const ticketCard = (page: string) => {
    const start = page.lastIndexOf('<div class="card', page.indexOf('<h2>质量工单</h2>'));
    return start < 0 ? '' : page.slice(start, page.indexOf('</div>', start));
  };
  /** The tickets a list page shows (its rows, not the empty row). */
  const rows = (page: string) => (page.match(/<tr class="(overdue)?">/g) ?? []).length;

  it('counts the disputes and extension requests to decide, each linking to its view, as those views list them', async () => {
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const { agent, csrf } = await signIn(t.app, office.login, office.password);
    const card = ticketCard((await agent.get('/').expect(200)).text);
    expect(card).toContain('<a href="/tickets?view&#x3D;disputed">2 个异议待决定</a>');
    expect(card).toContain('<a href="/tickets?view&#x3D;extension">1 个延期申请待决定</a>');
    expect(card).toContain('<a class="card-main" href="/tickets">');
    expect(rows((await agent.get('/tickets?view=disputed').expect(200)).text)).toBe(2);
    expect(rows((await agent.get('/tickets?view=extension').expect(200)).text)).toBe(1);
    await agent.post('/locale').type('form').send({ _csrf: csrf, locale: 'en', next: '/' }).expect(302);
    const en = (await agent.get('/').expect(200)).text;
    expect(en).toContain('>2 disputes to decide</a>');
    expect(en).toContain('>1 extension request to decide</a>');
  });

  it('gives those counts to nobody who does not decide them (a department, a university leader)', async () => {
    for (const [department, roles] of [
      ['HR', ['steward']],
      ['HR', ['dept_leader']],
      ['ITC', ['univ_leader']],
    ] as const) {
      const user = await buildUser(t.db.knex, { department, roles: [...roles] });
      const { agent } = await signIn(t.app, user.login, user.password);
      const home = (await agent.get('/').expect(200)).text;
      expect(home).toContain('<h2>质量工单</h2>');
      expect(home).not.toContain('待决定');
      expect(home).not.toContain('card-main');
    }
  });
});
