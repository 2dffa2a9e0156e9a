import request from 'supertest';
import { issueApiToken } from '../../server/services/users';
import { buildUser } from '../factories';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, TestApp } from '../helpers/app';

/**
 * The API's paths are as the README writes them, in lower case, without a trailing slash: another spelling is the API's JSON 404 (it used to
 * answer — `POST /api/V1/TICKETS/11/COMMENTS` wrote a comment — or, under `/API/`, be an HTML page), even for a
 * browser asking for HTML. Pages keep answering in any case.
 */
const catalog = exampleCatalog();
let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await createTestApp();
  await seedCatalogDepartments(t.db.knex, catalog);
  const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
  token = await issueApiToken(t.db.knex, steward.id);
});
afterAll(() => t.close());

const NOT_FOUND = { error: 'not_found', message: '找不到该页面或对象' };

it('answers a path in another case, or unknown, under /api in any case with the JSON 404', async () => {
  for (const path of [
    '/api/V1/ME',
    '/api/v1/ME',
    '/api/v1/Tickets',
    '/API/v1/me',
    '/Api/V1/me',
    '/api/v2/me',
    '/api',
    '/API',
    // A trailing slash is another spelling too.
    '/api/v1/me/',
    '/api/v1/tickets/',
    '/api/v1/reports/mine/',
  ]) {
    // As a browser asks (text/html first): JSON all the same.
    const res = await request(t.app)
      .get(path)
      .set('Authorization', `Bearer ${token}`)
      .set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8');
    expect({ path, status: res.status, type: res.type, body: res.body }).toEqual({
      path,
      status: 404,
      type: 'application/json',
      body: NOT_FOUND,
    });
  }
  const en = await request(t.app).get('/API/v1/me').set('Accept-Language', 'en').expect(404);
  expect(en.body).toEqual({ error: 'not_found', message: 'Page or object not found' });
  await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
  // Pages in any case, as before.
  await request(t.app).get('/Tickets').expect(302);
});

it('writes nothing through a path in another case or with a trailing slash', async () => {
  const ticket = await buildTicket(t.db.knex, catalog, new Date('2026-03-02T02:00:00Z'));
  const events = () => t.db.knex('ticket_events').where({ ticket_id: ticket.id }).count({ n: '*' });
  const before = await events();
  for (const path of [
    `/api/V1/TICKETS/${ticket.id}/COMMENTS`,
    `/api/v1/tickets/${ticket.id}/Comments`,
    `/api/v1/tickets/${ticket.id}/comments/`,
  ]) {
    const res = await request(t.app).post(path).set('Authorization', `Bearer ${token}`).send({ comment: '大写路径' });
    expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 404, body: NOT_FOUND });
  }
  expect(await events()).toEqual(before);
  await request(t.app)
    .post(`/api/v1/tickets/${ticket.id}/comments`)
    .set('Authorization', `Bearer ${token}`)
    .send({ comment: '小写路径' })
    .expect(200);
});

it('repeats an id typed with an invisible character written out, not as a character that reverses the message', async () => {
  for (const [path, message] of [
    ['/api/v1/tickets/%E2%80%AE1', '工单 #\\u202E1 不存在，或不由本单位负责'],
    ['/api/v1/reports/%E2%80%AE1', '报告 #\\u202E1 不存在'],
  ]) {
    const res = await request(t.app).get(path).set('Authorization', `Bearer ${token}`).expect(404);
    expect(res.body.message).toContain(message);
    expect(res.body.message).not.toContain('\u202e');
  }
});

it('answers a documented path asked with another method with a 405 naming the methods it takes, changing nothing', async () => {
  const ticket = await buildTicket(t.db.knex, catalog, new Date('2026-03-02T02:00:00Z'));
  const events = () => t.db.knex('ticket_events').where({ ticket_id: ticket.id }).count({ n: '*' });
  const before = await events();
  for (const [method, path, allowed, language, message] of [
    // Reading the comments as one reads a ticket: it was "找不到该页面或对象" (404), as if the path were mistyped.
    ['get', `/api/v1/tickets/${ticket.id}/comments`, 'POST', 'zh-CN', '此路径不接受 GET 请求，请使用 POST'],
    ['put', `/api/v1/tickets/${ticket.id}`, 'GET, HEAD', 'en', 'This path does not take PUT requests; use GET, HEAD'],
    ['delete', '/api/v1/sharing-requests/1', 'GET, HEAD', 'en', 'This path does not take DELETE requests; use GET, HEAD'],
    ['post', '/api/v1/me', 'GET, HEAD', 'en', 'This path does not take POST requests; use GET, HEAD'],
    ['patch', '/api/v1/reports/mine', 'GET, HEAD', 'en', 'This path does not take PATCH requests; use GET, HEAD'],
    ['get', '/api/v1/sharing-requests/1/arbitration/decision', 'POST', 'en', 'This path does not take GET requests; use POST'],
  ] as const) {
    const agent = request(t.app);
    const res = await agent[method](path)
      .set('Authorization', `Bearer ${token}`)
      .set('Accept-Language', language)
      .send(method === 'get' ? undefined : { comment: '换了方法' });
    expect({ method, path, status: res.status, type: res.type, allow: res.headers.allow, body: res.body }).toEqual({
      method,
      path,
      status: 405,
      type: 'application/json',
      allow: allowed,
      body: { error: 'method_not_allowed', message },
    });
  }
  expect(await events()).toEqual(before);
  // A path no route takes, in any method, is still the 404; the right method still answers.
  await request(t.app).get(`/api/v1/tickets/${ticket.id}/nothing`).set('Authorization', `Bearer ${token}`).expect(404);
  await request(t.app).put('/api/v1/nothing').set('Authorization', `Bearer ${token}`).expect(404);
  await request(t.app).get(`/api/v1/tickets/${ticket.id}`).set('Authorization', `Bearer ${token}`).expect(200);
});
