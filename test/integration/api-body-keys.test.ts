import request from 'supertest';
import { issueApiToken } from '../../server/services/users';
import { buildUser } from '../factories';
import { reportBody, useReportsWorld } from '../factories/reports';
import { apiRequest } from '../factories/sharing';
import { buildTicket, exampleCatalog } from '../factories/tickets';
import { listRoutes } from '../helpers/routes';

/**
 * A JSON API body holding a key its route does not read — a misspelling (`commnet`), a camelCase alias (`staffNo`) —
 * is refused with a 422 naming the key and the keys accepted there, nothing changed: it used to be dropped, and a
 * ticket acknowledged without its comment answered 200.
 */
const world = useReportsWorld({ apiTokens: true });
const catalog = exampleCatalog();

const count = async (table: string) => Number((await world.db(table).count({ n: '*' }))[0].n);

it('every write route of the API refuses a key it does not read, before anything else is judged', async () => {
  const office = await buildUser(world.db, { department: 'ITC', roles: ['it_office'] });
  const token = await issueApiToken(world.db, office.id);
  const routes = listRoutes(world.app).filter((r) => r.method === 'POST' && r.path.startsWith('/api/'));
  expect(routes.length).toBeGreaterThanOrEqual(15);
  for (const { path } of routes) {
    // Ids of nothing: the key is refused before the route looks anything up.
    const url = path.replace(/:[A-Za-z]+/g, '999999');
    const res = await request(world.app).post(url).set('Authorization', `Bearer ${token}`).send({ zz_unknown: 1 });
    expect({ path, status: res.status, fields: Object.keys(res.body.fields ?? {}) }).toEqual({
      path,
      status: 422,
      fields: ['zz_unknown'],
    });
    expect(res.body.fields.zz_unknown).toMatch(/^不接受字段 zz_unknown/);
  }
});

it('refuses a misspelt comment of a transition, naming it and the accepted keys; the ticket is unchanged', async () => {
  const ticket = await buildTicket(world.db, catalog, new Date('2026-03-02T01:00:00Z'), { field: 'staff_no' });
  const events = await count('ticket_events');
  const url = `/tickets/${ticket.id}/transitions`;
  const zh = await world.api('hrSteward').post(url, { to: 'acknowledged', commnet: '已签收' }).expect(422);
  expect(zh.body).toEqual({
    error: 'validation_failed',
    message: '提交的内容有误，请按提示修改',
    fields: { commnet: '不接受字段 commnet（字段名须与接口说明一致：小写，以下划线分词）；可用字段：to, comment, version' },
  });
  const en = await world
    .api('hrSteward')
    .post(url, { to: 'acknowledged', commnet: '已签收' })
    .set('Accept-Language', 'en')
    .expect(422);
  expect(en.body.fields).toEqual({
    commnet:
      'commnet is not a field of this request (names as in the API documentation: lower case, words joined by underscores); it takes: to, comment, version',
  });
  expect((await world.db('tickets').where({ id: ticket.id }).first()).status).toBe('open');
  expect(await count('ticket_events')).toBe(events);

  const done = await world.api('hrSteward').post(url, { to: 'acknowledged', comment: '已签收' }).expect(200);
  expect(done.body.status).toBe('acknowledged');
  expect((await world.db('ticket_events').where({ ticket_id: ticket.id }).orderBy('id', 'desc').first()).comment).toBe('已签收');
});

it('a sharing request: a misspelt list, camelCase aliases and unknown keys inside objects and rows are named where they are', async () => {
  const before = await count('sharing_requests');
  const valid = apiRequest([{ table: 'org_unit', fields: ['unit_code'], range: '全部' }]);
  const { items, ...withoutItems } = valid;
  const misspelt = await world
    .api('reporter')
    .post('/sharing-requests', { ...withoutItems, itmes: items })
    .expect(422);
  expect(Object.keys(misspelt.body.fields)).toEqual(['itmes']);
  expect(misspelt.body.fields.itmes).toContain('可用字段：purpose, method, method_other, applicant, system, whitelist,');

  // The camelCase these names once also answered to, undocumented: named as the mistake they are.
  const { pledge_accepted, ...unpledged } = valid;
  expect(pledge_accepted).toBe(true);
  const aliases = await world
    .api('reporter')
    .post('/sharing-requests', {
      ...unpledged,
      pledgeAccepted: true,
      applicant: { name: '张三', staffNo: '20190001' },
      vendors: [{ name: '李四', idCard: '11010519491231002X' }],
      items: [{ ...items[0], other_fields: 'unit_name' }],
    })
    .expect(422);
  expect(aliases.body.fields).toEqual({
    pledgeAccepted: expect.stringContaining('不接受字段 pledgeAccepted'),
    'applicant.staffNo': expect.stringMatching(
      /^不接受字段 applicant\.staffNo.*可用字段：name, staff_no, office_phone, email, contact$/,
    ),
    'vendors.0.idCard': expect.stringMatching(/可用字段：name, company, id_card, phone$/),
    'items.0.other_fields': expect.stringMatching(/可用字段：table, fields, range, note$/),
  });
  expect(await count('sharing_requests')).toBe(before);

  // Snake_case, as documented: accepted.
  await world
    .api('reporter')
    .post('/sharing-requests', { ...valid, applicant: { name: '张三', staff_no: '20190001' } })
    .expect(201);
  expect(await count('sharing_requests')).toBe(before + 1);
});

it('a report: an unknown key is refused and files nothing; record_key takes the key columns as its keys', async () => {
  const before = await count('reports');
  const res = await world
    .api('reporter')
    .post('/reports', { ...reportBody(), observedValue: '群众' })
    .expect(422);
  expect(Object.keys(res.body.fields)).toEqual(['observedValue']);
  expect(res.body.fields.observedValue).toMatch(
    /可用字段：table, field, record_key, description, suggested_value, observed_value$/,
  );
  expect(await count('reports')).toBe(before);
  await world.api('reporter').post('/reports', reportBody()).expect(201);
  expect(await count('reports')).toBe(before + 1);
});

it('a sharing decision takes `comment`, not the undocumented `opinion`; a withdrawal takes no key', async () => {
  const res = await world
    .api('office')
    .post('/sharing-requests/1/decisions', { decision: 'approve', opinion: '同意' })
    .expect(422);
  expect(Object.keys(res.body.fields)).toEqual(['opinion']);
  expect(res.body.fields.opinion).toMatch(/可用字段：decision, reason, comment, expires_on, stage_id$/);
  const none = await world.api('reporter').post('/sharing-requests/1/withdraw', { reason: '不需要了' }).expect(422);
  expect(none.body.fields).toEqual({ reason: '不接受字段 reason：此请求不带任何字段' });
});

it('a page signed in with its session may send its CSRF token in the body, and only then', async () => {
  const ticket = await buildTicket(world.db, catalog, new Date('2026-03-02T01:00:00Z'), { field: 'name' });
  const session = await world.as('hrSteward');
  await session.agent.post(`/api/v1/tickets/${ticket.id}/comments`).send({ comment: '核对中', _csrf: session.csrf }).expect(200);
  const token = await world
    .api('hrSteward')
    .post(`/tickets/${ticket.id}/comments`, { comment: '核对中', _csrf: 'x' })
    .expect(422);
  expect(Object.keys(token.body.fields)).toEqual(['_csrf']);
});

it('a key named as a built-in of JavaScript objects (__proto__, constructor, toString) is refused by name, not dropped', async () => {
  const ticket = await buildTicket(world.db, catalog, new Date('2026-03-02T01:00:00Z'), { field: 'staff_no' });
  const token = await issueApiToken(world.db, world.people.hrSteward.id);
  // Sent as text: a JavaScript object literal would take `__proto__` for its prototype, not a key.
  const post = (path: string, json: string) =>
    request(world.app).post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).type('json').send(json);
  const before = await world.db('tickets').where({ id: ticket.id }).first();
  const events = await count('ticket_events');
  const moved = await post(`/tickets/${ticket.id}/transitions`, '{"to":"acknowledged","toString":1}').expect(422);
  expect(moved.body.fields).toEqual({
    toString: '不接受字段 toString（字段名须与接口说明一致：小写，以下划线分词）；可用字段：to, comment, version',
  });
  const commented = await post(`/tickets/${ticket.id}/comments`, '{"__proto__":{"x":1},"comment":"p","constructor":"x"}');
  expect(commented.status).toBe(422);
  expect(Object.keys(commented.body.fields)).toEqual(['__proto__', 'constructor']);
  expect(await world.db('tickets').where({ id: ticket.id }).first()).toEqual(before);
  expect(await count('ticket_events')).toBe(events);

  // Inside a value read whole: a report's record key, whose keys are the table's key columns.
  const reports = await count('reports');
  const key = JSON.stringify(reportBody()).replace('"record_key":{', '"record_key":{"__proto__":{"x":1},');
  const report = await request(world.app)
    .post('/api/v1/reports')
    .set('Authorization', `Bearer ${await issueApiToken(world.db, world.people.reporter.id)}`)
    .type('json')
    .send(key)
    .expect(422);
  expect(report.body.fields).toEqual({
    'record_key.__proto__': '不接受字段 record_key.__proto__：与 JavaScript 对象的内置名称相同，不能用作字段名或数据的键',
  });
  expect(await count('reports')).toBe(reports);
});
