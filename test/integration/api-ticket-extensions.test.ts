import request from 'supertest';
import { buildUser } from '../factories';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, TestApp } from '../helpers/app';
import { issueApiToken } from '../../server/services/users';

/**
 * The tickets API asks for more time and answers it as the ticket page does (services/tickets/extensions.ts): the same
 * rules, the same notices, JSON errors naming the field.
 */
const catalog = exampleCatalog();
let t: TestApp;
let stewardToken: string;
let officeToken: string;
let officeId: number;
let stewardId: number;

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => new Date('2026-03-03T02:00:00Z');
  await seedCatalogDepartments(t.db.knex, catalog);
  const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
  const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
  stewardId = steward.id;
  officeId = office.id;
  stewardToken = await issueApiToken(t.db.knex, steward.id);
  officeToken = await issueApiToken(t.db.knex, office.id);
});
afterAll(() => t.close());

const post = (token: string, path: string, body: unknown) =>
  request(t.app)
    .post(`/api/v1${path}`)
    .set('Authorization', `Bearer ${token}`)
    .send(body as object);

it('asks, refuses a bad body naming its fields, and grants fewer days than asked', async () => {
  const id = (await buildTicket(t.db.knex, catalog, new Date('2026-03-02T02:00:00Z'), { field: 'staff_no' })).id;
  const bad = await post(stewardToken, `/tickets/${id}/extension`, { days: 3.5, reason: 7 }).expect(422);
  expect(Object.keys(bad.body.fields).sort()).toEqual(['days', 'reason']);
  expect(bad.body.fields.days).toContain('1–20');

  const asked = await post(stewardToken, `/tickets/${id}/extension`, { days: 5, reason: '等待文件' }).expect(200);
  expect(asked.body).toMatchObject({ id, extension_days: 5, due_at: '2026-03-09' });
  expect(await t.db.knex('notifications').where({ user_id: officeId, kind: 'ticket.extension_asked' }).pluck('link')).toEqual([
    `/tickets/${id}`,
  ]);
  // Asked again: already waiting (409, the message says nothing changed).
  const again = await post(stewardToken, `/tickets/${id}/extension`, { days: 2, reason: '再次' }).expect(409);
  expect(again.body).toMatchObject({ error: 'conflict' });
  expect(again.body.message).toContain('已申请延期');

  // The department may not answer its own request; the office grants 3 of the 5 (version as read).
  await post(stewardToken, `/tickets/${id}/extension/grant`, {}).expect(403);
  await post(officeToken, `/tickets/${id}/extension/grant`, { days: 9 }).expect(422);
  // Every mistake at once, and a reason of another type named as such (not dropped).
  const both = await post(officeToken, `/tickets/${id}/extension/grant`, { days: 'x', reason: 'x'.repeat(5000) }).expect(422);
  expect(Object.keys(both.body.fields).sort()).toEqual(['days', 'reason']);
  const typed = await post(officeToken, `/tickets/${id}/extension/grant`, { days: 1, reason: 42 }).expect(422);
  expect(typed.body.fields).toEqual({ reason: 'reason 应为字符串' });
  expect((await t.db.knex('tickets').where({ id }).first('due_at')).due_at).toBe('2026-03-09');
  const granted = await post(officeToken, `/tickets/${id}/extension/grant`, {
    days: 3,
    version: asked.body.version,
  }).expect(200);
  expect(granted.body).toMatchObject({ id, due_at: '2026-03-12', extension_days: null, extension_requested_at: null });
  expect(await t.db.knex('notifications').where({ user_id: stewardId, kind: 'ticket.extension_given' }).pluck('title')).toEqual([
    `【同意延期】质量工单 #${id} 整改期限顺延 3 个工作日至 2026-03-12`,
  ]);
});

it('refuses with a reason only, and without days grants what was asked', async () => {
  const refused = (await buildTicket(t.db.knex, catalog, new Date('2026-03-02T02:00:00Z'), { field: 'name' })).id;
  await post(stewardToken, `/tickets/${refused}/extension`, { days: 2, reason: '等待' }).expect(200);
  const noReason = await post(officeToken, `/tickets/${refused}/extension/refuse`, {}).expect(422);
  expect(Object.keys(noReason.body.fields)).toEqual(['reason']);
  const res = await post(officeToken, `/tickets/${refused}/extension/refuse`, { reason: '应按期完成' }).expect(200);
  expect(res.body).toMatchObject({ due_at: '2026-03-09', extension_days: null });

  const granted = (await buildTicket(t.db.knex, catalog, new Date('2026-03-02T02:00:00Z'), { field: 'gender' })).id;
  await post(stewardToken, `/tickets/${granted}/extension`, { days: 2, reason: '等待' }).expect(200);
  expect((await post(officeToken, `/tickets/${granted}/extension/grant`, {}).expect(200)).body.due_at).toBe('2026-03-11');
});

it('takes days as a JSON whole number, as version: digits in a string are a 422 naming days and the type', async () => {
  const id = (await buildTicket(t.db.knex, catalog, new Date('2026-03-02T02:00:00Z'), { field: 'birth_date' })).id;
  const before = await t.db.knex('tickets').where({ id }).first();
  for (const days of ['3', ' 3', '３']) {
    const res = await post(stewardToken, `/tickets/${id}/extension`, { days, reason: '等待文件' }).expect(422);
    expect(res.body.fields).toEqual({ days: 'days 应为 JSON 整数（1–20，不加引号）' });
  }
  expect(await t.db.knex('tickets').where({ id }).first()).toEqual(before);

  await post(stewardToken, `/tickets/${id}/extension`, { days: 3, reason: '等待文件' }).expect(200);
  const grant = await post(officeToken, `/tickets/${id}/extension/grant`, { days: '2' }).set('Accept-Language', 'en').expect(422);
  // The office grants 1 to the days asked for: the message gives that range.
  expect(grant.body.fields).toEqual({ days: 'days must be a JSON whole number (1–3, without quotes)' });
  await post(officeToken, `/tickets/${id}/extension/grant`, { days: 2 }).expect(200);
});
