import { buildUser } from '../factories';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * The inbox (`/inbox`) as a steward uses it: reading, marking one notice or all of them read, and
 * coming back to the list page they were on. The forms are sent as the page wrote them.
 */
describe('the inbox page', () => {
  let t: TestApp;
  let steward: Awaited<ReturnType<typeof signIn>>;
  let userId: number;

  const notice = (title: string, link: string | null = null) =>
    t.db
      .knex('notifications')
      .insert({ user_id: userId, kind: 'ticket.reminder', title, body: '', link })
      .returning('id')
      .then(([row]) => Number(row.id));

  /** The hidden fields of the inbox form whose id field is `id` (a notice's, or "all"). */
  function formFields(html: string, pick: { id: string }): Record<string, string> {
    const forms = html.match(/<form method="post" action="\/inbox\/read"[^>]*>[\s\S]*?<\/form>/g) ?? [];
    const form = forms.find((f) => f.includes(`name="id" value="${pick.id}"`));
    if (!form) throw new Error(`no form for ${pick.id}`);
    const fields: Record<string, string> = {};
    for (const [, name, value] of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
      fields[name] = value.replaceAll('&amp;', '&').replaceAll('&#x3D;', '=');
    return fields;
  }

  beforeAll(async () => {
    t = await createTestApp();
    const user = await buildUser(t.db.knex, { login: 'hr.steward', department: 'HR', roles: ['steward'] });
    userId = user.id;
    steward = await signIn(t.app, user.login, user.password);
  });
  afterAll(() => t.close());
  beforeEach(() => t.db.knex('notifications').where({ user_id: userId }).delete());

  it('"mark all as read" leaves unread a notice that arrived after the page was shown', async () => {
    await notice('【提醒】工单 #1 将到期');
    await notice('【提醒】工单 #2 将到期');
    const page = await steward.agent.get('/inbox').expect(200);
    expect(page.text).toContain('2 条未读');
    const late = await notice('【数据质量】1 个高严重度问题待整改');
    await steward.agent
      .post('/inbox/read')
      .type('form')
      .send(formFields(page.text, { id: 'all' }))
      .expect(302)
      .expect('Location', '/inbox');
    const unread = await t.db.knex('notifications').where({ user_id: userId }).whereNull('read_at').pluck('id');
    expect(unread.map(Number)).toEqual([late]);
    const after = await steward.agent.get('/inbox').expect(200);
    expect(after.text).toContain('1 条未读');
    expect(after.text).toContain('【数据质量】1 个高严重度问题待整改');
  });

  it('marking a notice read on a later page of the unread list comes back to that page, filter kept', async () => {
    // 32 unread notices: the unread list's page 2 holds the oldest two (30 a page).
    const oldest = await notice('最早的通知');
    for (let i = 2; i <= 32; i++) await notice(`通知 ${i}`);
    const page = await steward.agent.get('/inbox?unread=1&page=2').expect(200);
    expect(page.text).toContain('最早的通知');
    expect(page.text).toContain('第 2 / 2 页，共 32 条');
    const res = await steward.agent
      .post('/inbox/read')
      .type('form')
      .send(formFields(page.text, { id: String(oldest) }))
      .expect(302);
    expect(res.headers.location).toBe('/inbox?unread=1&page=2');
    const back = await steward.agent.get(res.headers.location).expect(200);
    expect(back.text).toContain('第 2 / 2 页，共 31 条');
    expect(back.text).not.toContain('最早的通知');
  });

  it('a notice with a link still opens its link when marked read', async () => {
    const id = await notice('【提醒】工单 #5 将到期', '/tickets/5');
    const page = await steward.agent.get('/inbox?unread=1').expect(200);
    await steward.agent
      .post('/inbox/read')
      .type('form')
      .send(formFields(page.text, { id: String(id) }))
      .expect(302)
      .expect('Location', '/tickets/5');
  });

  it('says in words which notices are unread (not only by the border colour), and which view is shown', async () => {
    const read = await notice('已读的通知');
    await t.db.knex('notifications').where({ id: read }).update({ read_at: new Date() });
    await notice('未读的通知');
    const page = await steward.agent.get('/inbox').expect(200);
    expect(page.text).toMatch(/<span class="badge warn">未读<\/span> <strong id="notice-\d+">未读的通知<\/strong>/);
    expect(page.text).toMatch(/<div class="inbox-head"><strong id="notice-\d+">已读的通知<\/strong>/);
    expect(page.text).toContain('<a href="/inbox" class="active" aria-current="page">全部</a>');
    await steward.agent.post('/locale').type('form').send({ _csrf: steward.csrf, locale: 'en', next: '/inbox' }).expect(302);
    const english = await steward.agent.get('/inbox?unread=1').expect(200);
    expect(english.text).toMatch(/<span class="badge warn">Unread<\/span> <strong id="notice-\d+">未读的通知<\/strong>/);
    expect(english.text).toContain('<a href="/inbox?unread=1" class="active" aria-current="page">Unread</a>');
    await steward.agent.post('/locale').type('form').send({ _csrf: steward.csrf, locale: 'zh-CN', next: '/inbox' }).expect(302);
  });

  it("names each notice's 查看 and 标为已读 button by the notice's title, for a screen reader", async () => {
    const linked = await notice('【提醒】工单 #7 将到期', '/tickets/7');
    const plain = await notice('【数据纠错】报告已受理');
    const page = await steward.agent.get('/inbox').expect(200);
    expect(page.text).toContain(`<strong id="notice-${linked}">【提醒】工单 #7 将到期</strong>`);
    expect(page.text).toContain(`<button type="submit" class="link" aria-describedby="notice-${linked}">查看</button>`);
    expect(page.text).toContain(`<button type="submit" class="link" aria-describedby="notice-${plain}">标为已读</button>`);
  });

  it('an unread view with every notice read says there is nothing unread, with a way to all of them; an empty inbox says what will come', async () => {
    const empty = await steward.agent.get('/inbox?unread=1').expect(200);
    expect(empty.text).toContain(
      '<li class="muted">暂无消息。与您有关的工单、错误报告或数据共享申请有新进展时，会在这里通知您。</li>',
    );
    const id = await notice('已读的通知');
    await t.db.knex('notifications').where({ id }).update({ read_at: new Date() });
    const unread = await steward.agent.get('/inbox?unread=1').expect(200);
    expect(unread.text).toContain('<li class="muted">没有未读消息。 <a href="/inbox">查看全部消息</a></li>');
    expect(unread.text).not.toContain('暂无消息');
  });

  it('shows the unread count beside the inbox link on every page, and clears it once the notices are read', async () => {
    const navLink = (html: string) => /<a href="\/inbox"[^>]*>[\s\S]*?<\/a>/.exec(html)?.[0] ?? '';
    expect(navLink((await steward.agent.get('/').expect(200)).text)).toBe('<a href="/inbox" >消息</a>');
    await notice('通知一');
    await notice('通知二');
    const home = await steward.agent.get('/catalog').expect(200);
    expect(navLink(home.text)).toBe(
      '<a href="/inbox" >消息 <span class="nav-count">2<span class="visually-hidden"> 条未读</span></span></a>',
    );
    const inbox = await steward.agent.get('/inbox').expect(200);
    await steward.agent
      .post('/inbox/read')
      .type('form')
      .send(formFields(inbox.text, { id: 'all' }))
      .expect(302);
    expect(navLink((await steward.agent.get('/').expect(200)).text)).toBe('<a href="/inbox" >消息</a>');
    // Another account's notices are not counted.
    const other = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    await t.db.knex('notifications').insert({ user_id: other.id, kind: 'ticket.reminder', title: '别人的通知', body: '' });
    expect(navLink((await steward.agent.get('/').expect(200)).text)).toBe('<a href="/inbox" >消息</a>');
  });

  it('a notice about a ticket since reassigned to another department says so instead of linking to a page it may not open', async () => {
    const catalog = exampleCatalog();
    await seedCatalogDepartments(t.db.knex, catalog);
    const ours = await buildTicket(t.db.knex, catalog, new Date(), { field: 'staff_no' });
    const moved = await buildTicket(t.db.knex, catalog, new Date(), { field: 'name' });
    await t.db.knex('tickets').where({ id: moved.id }).update({ department_code: 'ORG' });
    await t.db.knex('notifications').where({ user_id: userId }).delete(); // the filing's own notices
    const kept = await notice(`【数据质量】工单 #${ours.id}`, `/tickets/${ours.id}`);
    const gone = await notice(`【数据质量】工单 #${moved.id}`, `/tickets/${moved.id}`);
    const page = await steward.agent.get('/inbox').expect(200);
    expect(formFields(page.text, { id: String(kept) }).next).toBe(`/tickets/${ours.id}`);
    expect(formFields(page.text, { id: String(gone) }).next).toBe('/inbox');
    const item = new RegExp(`<strong id="notice-${gone}">[\\s\\S]*?</li>`).exec(page.text)?.[0] ?? '';
    expect(item).toContain('此工单已改派给其他部门，不再由本部门处理，无法打开。');
    expect(item).toContain('>标为已读</button>');
    expect(item).not.toContain('>查看</button>');
    // The IT office sees every department's tickets: its link stays.
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    await t.db
      .knex('notifications')
      .insert({ user_id: office.id, kind: 'ticket.reminder', title: '改派', body: '', link: `/tickets/${moved.id}` });
    const theirs = await (await signIn(t.app, office.login, office.password)).agent.get('/inbox').expect(200);
    expect(theirs.text).not.toContain('此工单已改派给其他部门');
    expect(theirs.text).toContain(`name="next" value="/tickets/${moved.id}"`);
  });
});
