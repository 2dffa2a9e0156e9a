import request from 'supertest';
import { buildUser } from '../factories';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { issueApiToken } from '../../server/services/users';

/**
 * The tickets API comments, disputes, keeps a disputed ticket and reassigns it as the ticket page does
 * (services/tickets/transitions.ts): the same rules, the same notices, JSON errors naming the field. A reassignment,
 * by the API or the page, tells the new department it has a ticket to fix and the previous one that it has not.
 * March 2026 has no holidays: a medium ticket filed Monday 03-02 is due Monday 03-09.
 */
const catalog = exampleCatalog();
let t: TestApp;
type Person = Awaited<ReturnType<typeof buildUser>>;
let hrSteward: Person;
let hrLeader: Person;
let orgSteward: Person;
let office: Person;
let univLeader: Person;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => new Date('2026-03-03T02:00:00Z');
  await seedCatalogDepartments(t.db.knex, catalog);
  hrSteward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
  hrLeader = await buildUser(t.db.knex, { department: 'HR', roles: ['dept_leader'] });
  orgSteward = await buildUser(t.db.knex, { department: 'ORG', roles: ['steward'] });
  office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
  univLeader = await buildUser(t.db.knex, { department: 'ITC', roles: ['univ_leader'] });
  for (const [name, person] of Object.entries({ hrSteward, orgSteward, office, univLeader }))
    tokens[name] = await issueApiToken(t.db.knex, person.id);
});
afterAll(() => t.close());

const post = (token: string, path: string, body: unknown) =>
  request(t.app)
    .post(`/api/v1${path}`)
    .set('Authorization', `Bearer ${token}`)
    .send(body as object);
const fileTicket = async (field: string) =>
  (await buildTicket(t.db.knex, catalog, new Date('2026-03-02T02:00:00Z'), { field })).id;
const ticketRow = (id: number) => t.db.knex('tickets').where({ id }).first();
const notices = (person: Person, kind: string) =>
  t.db.knex('notifications').where({ user_id: person.id, kind }).orderBy('id').select('title', 'body', 'link');

it('a comment or reason over 2000 characters is refused saying how many were sent, as the sharing boxes do', async () => {
  const id = await fileTicket('name');
  const before = await t.db.knex('ticket_events').where({ ticket_id: id }).count('* as n').first();
  const long = await post(tokens.hrSteward, `/tickets/${id}/comments`, { comment: '长'.repeat(2001) }).expect(422);
  expect(long.body.fields).toEqual({ comment: '最多 2000 个字符（已填写 2001 个）' });
  const dispute = await post(tokens.hrSteward, `/tickets/${id}/dispute`, { reason: '理'.repeat(2345) }).expect(422);
  expect(dispute.body.fields).toEqual({ reason: '最多 2000 个字符（已填写 2345 个）' });
  const english = await post(tokens.hrSteward, `/tickets/${id}/comments`, { comment: 'x'.repeat(2001) })
    .set('Accept-Language', 'en')
    .expect(422);
  expect(english.body.fields).toEqual({ comment: 'At most 2000 characters (2001 given)' });
  // Nothing written.
  expect(await t.db.knex('ticket_events').where({ ticket_id: id }).count('* as n').first()).toEqual(before);
});

it('comments: the department and the IT office may, a university leader may not; a comment of another type is named', async () => {
  const id = await fileTicket('staff_no');
  const typed = await post(tokens.hrSteward, `/tickets/${id}/comments`, { comment: 7 }).expect(422);
  expect(typed.body.fields).toEqual({ comment: 'comment 应为字符串' });
  const empty = await post(tokens.hrSteward, `/tickets/${id}/comments`, { comment: '  ' }).expect(422);
  expect(Object.keys(empty.body.fields)).toEqual(['comment']);
  await post(tokens.univLeader, `/tickets/${id}/comments`, { comment: '请尽快' }).expect(403);
  await post(tokens.orgSteward, `/tickets/${id}/comments`, { comment: '不是我们的' }).expect(404);
  const res = await post(tokens.hrSteward, `/tickets/${id}/comments`, { comment: '已联系系统厂商' }).expect(200);
  expect(res.body).toMatchObject({ id, status: 'open' });
  await post(tokens.office, `/tickets/${id}/comments`, { comment: '请本周内完成' }).expect(200);
  const comments = await t.db.knex('ticket_events').where({ ticket_id: id, kind: 'comment' }).orderBy('id').pluck('comment');
  expect(comments).toEqual(['已联系系统厂商', '请本周内完成']);
});

it('disputes, and the IT office keeps the ticket with its department: the due date moves on, the department hears it', async () => {
  const id = await fileTicket('email');
  const typed = await post(tokens.hrSteward, `/tickets/${id}/dispute`, { reason: ['不属于本单位'] }).expect(422);
  expect(typed.body.fields).toEqual({ reason: 'reason 应为字符串' });
  const none = await post(tokens.hrSteward, `/tickets/${id}/dispute`, {}).expect(422);
  expect(Object.keys(none.body.fields)).toEqual(['reason']);
  await post(tokens.orgSteward, `/tickets/${id}/dispute`, { reason: '不是我们的' }).expect(404);
  expect((await ticketRow(id)).disputed_at).toBeNull();

  const disputed = await post(tokens.hrSteward, `/tickets/${id}/dispute`, { reason: '邮箱由信息中心统一维护' }).expect(200);
  expect(disputed.body.disputed_at).toBe('2026-03-03T02:00:00.000Z');
  expect(await notices(office, 'ticket.disputed')).toEqual([
    expect.objectContaining({ title: `【改派】质量工单 #${id}：人事处（HR）认为不属于本单位数据`, link: `/tickets/${id}` }),
  ]);
  expect((await post(tokens.hrSteward, `/tickets/${id}/dispute`, { reason: '再次' }).expect(409)).body.message).toContain(
    '已提出异议',
  );

  // Two working days later the office keeps it with HR: the department may not decide, a reason is needed.
  t.ctx.now = () => new Date('2026-03-05T02:00:00Z');
  await post(tokens.hrSteward, `/tickets/${id}/dispute/dismiss`, { reason: '自己决定' }).expect(403);
  const noReason = await post(tokens.office, `/tickets/${id}/dispute/dismiss`, { reason: 5 }).expect(422);
  expect(noReason.body.fields).toEqual({ reason: 'reason 应为字符串' });
  const stale = await post(tokens.office, `/tickets/${id}/dispute/dismiss`, { reason: '邮箱由人事处维护', version: 1 }).expect(
    409,
  );
  expect(stale.body).toMatchObject({ error: 'conflict' });
  const kept = await post(tokens.office, `/tickets/${id}/dispute/dismiss`, {
    reason: '邮箱由人事处维护',
    version: disputed.body.version,
  }).expect(200);
  expect(kept.body).toMatchObject({ id, department: 'HR', disputed_at: null, due_at: '2026-03-11' });
  expect(await notices(hrSteward, 'ticket.dispute_refused')).toEqual([
    expect.objectContaining({ title: `【异议未采纳】质量工单 #${id} 仍由本单位整改`, link: `/tickets/${id}` }),
  ]);
  t.ctx.now = () => new Date('2026-03-03T02:00:00Z');
});

it('reassigns by the API: a fresh due date for the new department, both departments told, the reason masked', async () => {
  const id = await fileTicket('mobile');
  await post(tokens.hrSteward, `/tickets/${id}/reassign`, { department: 'ORG', reason: '组织部维护' }).expect(403);
  const typed = await post(tokens.office, `/tickets/${id}/reassign`, { department: ['ORG'], reason: 3 }).expect(422);
  expect(typed.body.fields).toEqual({ department: 'department 应为字符串（部门代码）', reason: 'reason 应为字符串' });
  const unknown = await post(tokens.office, `/tickets/${id}/reassign`, { department: 'NOPE', reason: '组织部维护' }).expect(422);
  expect(Object.keys(unknown.body.fields)).toEqual(['department']);
  expect(await ticketRow(id)).toMatchObject({ department_code: 'HR', version: 1 });

  const res = await post(tokens.office, `/tickets/${id}/reassign`, {
    department: 'ORG',
    reason: '手机号由组织部维护，联系人 13812345678',
    version: 1,
  }).expect(200);
  // Filed anew on Tuesday 03-03: medium, 5 working days.
  expect(res.body).toMatchObject({ id, department: 'ORG', status: 'open', due_at: '2026-03-10' });

  expect(await notices(orgSteward, 'ticket.reassigned_in')).toEqual([
    {
      title: `【转来工单】质量工单 #${id} 由人事处（HR）改派给本单位，整改期限 2026-03-10`,
      body: expect.stringContaining('改派理由：手机号由组织部维护，联系人 138****5678'),
      link: `/tickets/${id}`,
    },
  ]);
  // The previous department — its leader too, who may have disputed it — hears that it is no longer theirs; it may no
  // longer open the ticket, so the notice links nowhere.
  for (const person of [hrSteward, hrLeader])
    expect(await notices(person, 'ticket.reassigned_out')).toEqual([
      {
        title: `【已改派】质量工单 #${id} 已改派给党委组织部（ORG），不再由本单位整改`,
        body: expect.stringContaining('改派理由：手机号由组织部维护，联系人 138****5678'),
        link: null,
      },
    ]);
  expect(await notices(orgSteward, 'ticket.reassigned_out')).toEqual([]);
  // Sent again (a double click): already there, nothing more written or told.
  await post(tokens.office, `/tickets/${id}/reassign`, { department: 'ORG', reason: '再次' }).expect(409);
  expect(await notices(orgSteward, 'ticket.reassigned_in')).toHaveLength(1);
});

it('reassigns to a department code in any case, as the tickets list takes it, by the API and the page', async () => {
  const id = await fileTicket('gender');
  const res = await post(tokens.office, `/tickets/${id}/reassign`, { department: 'org', reason: '组织部维护' }).expect(200);
  expect(res.body).toMatchObject({ id, department: 'ORG', status: 'open' });
  const reassigned = await t.db.knex('ticket_events').where({ ticket_id: id, kind: 'reassigned' }).first('details');
  expect(reassigned.details).toMatchObject({ from_department: 'HR', to_department: 'ORG' });
  // The same department in another case is the one it already has.
  const again = await post(tokens.office, `/tickets/${id}/reassign`, { department: 'Org', reason: '再次' }).expect(409);
  expect(again.body.message).toBe(`工单 #${id} 已属于该单位，本次提交未作改动`);
  const unknown = await post(tokens.office, `/tickets/${id}/reassign`, { department: 'nope', reason: '再次' }).expect(422);
  expect(unknown.body.fields).toEqual({ department: '未知的单位代码：nope' });

  const it = await signIn(t.app, office.login, office.password);
  await it.agent
    .post(`/tickets/${id}/reassign`)
    .type('form')
    .send({ _csrf: it.csrf, department: 'hr', reason: '仍由人事处维护' })
    .expect(302);
  expect(await ticketRow(id)).toMatchObject({ department_code: 'HR', status: 'open' });
});

it('reassigns from the ticket page and tells both departments the same way', async () => {
  const id = await fileTicket('name');
  const it = await signIn(t.app, office.login, office.password);
  await it.agent
    .post(`/tickets/${id}/reassign`)
    .type('form')
    .send({ _csrf: it.csrf, department: 'ORG', reason: '姓名由组织部维护' })
    .expect(302);
  expect(await notices(orgSteward, 'ticket.reassigned_in')).toContainEqual(
    expect.objectContaining({ title: `【转来工单】质量工单 #${id} 由人事处（HR）改派给本单位，整改期限 2026-03-10` }),
  );
  expect(await notices(hrLeader, 'ticket.reassigned_out')).toContainEqual(
    expect.objectContaining({ title: `【已改派】质量工单 #${id} 已改派给党委组织部（ORG），不再由本单位整改` }),
  );
  // In English for English readers.
  const en = await t.db
    .knex('notifications')
    .where({ user_id: orgSteward.id, kind: 'ticket.reassigned_in' })
    .whereRaw('title like ?', [`%#${id} %`])
    .first('title_en');
  expect(en.title_en).toBe(`[Reassigned to you] Quality ticket #${id} moved from 人事处 (HR) to your department, due 2026-03-10`);
});
