import { buildUser } from '../factories';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * A notice that asks the IT office to decide something stops waiting in every officer's inbox once one of them (or
 * the ticket's course) decided it: a request for more time answered, a dispute settled. Before, "待决定" notices stayed
 * unread for ever and padded the unread count beside 消息. Notices that are news (the department's "granted") stay unread.
 */
const catalog = exampleCatalog();
const at = (iso: string) => new Date(iso);
let t: TestApp;
let steward: Awaited<ReturnType<typeof buildUser>>;
let office: Awaited<ReturnType<typeof buildUser>>;
let office2: Awaited<ReturnType<typeof buildUser>>;

beforeAll(async () => {
  t = await createTestApp();
  await seedCatalogDepartments(t.db.knex, catalog);
  steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
  office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
  office2 = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
  t.ctx.now = () => at('2026-03-03T02:00:00Z');
});
afterAll(() => t.close());

const unread = (userId: number, kind: string) =>
  t.db.knex('notifications').where({ user_id: userId, kind }).whereNull('read_at').pluck('link');

it('marks every officer’s notice of a request for more time read once one of them answers it', async () => {
  const id = (await buildTicket(t.db.knex, catalog, at('2026-03-02T02:00:00Z'), { field: 'staff_no' })).id;
  const hr = await signIn(t.app, steward.login, steward.password);
  await hr.agent
    .post(`/tickets/${id}/extension`)
    .type('form')
    .send({ _csrf: hr.csrf, days: '3', reason: '等待文件' })
    .expect(302);
  expect(await unread(office.id, 'ticket.extension_asked')).toEqual([`/tickets/${id}`]);
  expect(await unread(office2.id, 'ticket.extension_asked')).toEqual([`/tickets/${id}`]);
  // Both officers' inboxes list it as unread.
  const it2 = await signIn(t.app, office2.login, office2.password);
  expect((await it2.agent.get('/inbox?unread=1').expect(200)).text).toContain(`name="next" value="/tickets/${id}"`);

  const it = await signIn(t.app, office.login, office.password);
  await it.agent.post(`/tickets/${id}/extension/grant`).type('form').send({ _csrf: it.csrf, days: '3' }).expect(302);
  expect(await unread(office.id, 'ticket.extension_asked')).toEqual([]);
  expect(await unread(office2.id, 'ticket.extension_asked')).toEqual([]);
  expect((await it2.agent.get('/inbox?unread=1').expect(200)).text).not.toContain(`name="next" value="/tickets/${id}"`);
  // The department's news of the decision is unread until it reads it.
  expect(await unread(steward.id, 'ticket.extension_given')).toEqual([`/tickets/${id}`]);
});

it('marks the office’s dispute notice read once the dispute is settled, however', async () => {
  const kept = (await buildTicket(t.db.knex, catalog, at('2026-03-02T02:00:00Z'), { field: 'name' })).id;
  const moved = (await buildTicket(t.db.knex, catalog, at('2026-03-02T02:00:00Z'), { field: 'gender' })).id;
  const hr = await signIn(t.app, steward.login, steward.password);
  for (const id of [kept, moved])
    await hr.agent.post(`/tickets/${id}/dispute`).type('form').send({ _csrf: hr.csrf, reason: '非本单位数据' }).expect(302);
  expect(await unread(office2.id, 'ticket.disputed')).toEqual([`/tickets/${kept}`, `/tickets/${moved}`]);

  const it = await signIn(t.app, office.login, office.password);
  await it.agent
    .post(`/tickets/${kept}/dispute/dismiss`)
    .type('form')
    .send({ _csrf: it.csrf, reason: '由人事处维护' })
    .expect(302);
  expect(await unread(office2.id, 'ticket.disputed')).toEqual([`/tickets/${moved}`]);
  await it.agent
    .post(`/tickets/${moved}/reassign`)
    .type('form')
    .send({ _csrf: it.csrf, department: 'ORG', reason: '由组织部维护' })
    .expect(302);
  expect(await unread(office2.id, 'ticket.disputed')).toEqual([]);

  // Closed by the office: the dispute ends with the ticket (it kept its flag and the notice waited for ever).
  const closed = (await buildTicket(t.db.knex, catalog, at('2026-03-02T02:00:00Z'), { field: 'unit_code' })).id;
  await hr.agent.post(`/tickets/${closed}/dispute`).type('form').send({ _csrf: hr.csrf, reason: '非本单位数据' }).expect(302);
  await it.agent
    .post(`/tickets/${closed}/transition`)
    .type('form')
    .send({ _csrf: it.csrf, to: 'closed', comment: '数据表已撤销' })
    .expect(302);
  expect(await t.db.knex('tickets').where({ id: closed }).first('status', 'disputed_at')).toEqual({
    status: 'closed',
    disputed_at: null,
  });
  expect(await unread(office2.id, 'ticket.disputed')).toEqual([]);
});

// A notice is what was sent: after an extension its due date, or after a fix its "please fix", read as current.
it('a notice about a ticket says where the ticket stands now: its status, and its due day while it is worked on', async () => {
  const id = (await buildTicket(t.db.knex, catalog, at('2026-03-02T02:00:00Z'), { field: 'political_status' })).id;
  const hr = await signIn(t.app, steward.login, steward.password);
  await hr.agent
    .post(`/tickets/${id}/extension`)
    .type('form')
    .send({ _csrf: hr.csrf, days: '2', reason: '等待文件' })
    .expect(302);
  const it = await signIn(t.app, office.login, office.password);
  await it.agent.post(`/tickets/${id}/extension/grant`).type('form').send({ _csrf: it.csrf, days: '2' }).expect(302);
  const due = (await t.db.knex('tickets').where({ id }).first('due_at')).due_at;
  const noticeOf = (html: string) => {
    const at = html.indexOf(`name="next" value="/tickets/${id}"`);
    return html.slice(html.lastIndexOf('<li', at), at);
  };
  expect(noticeOf((await hr.agent.get('/inbox').expect(200)).text)).toContain(
    `<p class="muted ticket-now">工单当前状态：待签收；整改期限 ${due}</p>`,
  );
  // Marked fixed: no due day to keep, the status says what it waits for.
  await hr.agent.post(`/tickets/${id}/transition`).type('form').send({ _csrf: hr.csrf, to: 'fixed' }).expect(302);
  expect(noticeOf((await hr.agent.get('/inbox').expect(200)).text)).toContain(
    '<p class="muted ticket-now">工单当前状态：已整改待复查</p>',
  );
});
