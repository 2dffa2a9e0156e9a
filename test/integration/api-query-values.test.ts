import request from 'supertest';
import { translator } from '../../server/i18n';
import { issueApiToken } from '../../server/services/users';
import { buildUser } from '../factories';
import { createTestApp, TestApp } from '../helpers/app';

/**
 * A list filter sent twice or as a list (`?status=a&status=b`, `?status[]=a`) was read as no filter: the
 * caller got the whole list as if filtered. The tickets, sharing and reports APIs now refuse it, naming the parameter.
 * The scorecards' dates too: two `from`s were one date "2026-12-01,2026-12-02" that is no real date, and
 * `from[]=…` a date not given.
 */
const zh = translator('zh-CN');
const en = translator('en');

// One app and one IT-office token for the whole file: every request here only reads, and each asks another list.
let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp();
  const office = await buildUser(t.db.knex, { roles: ['it_office'] });
  token = await issueApiToken(t.db.knex, office.id);
});
afterAll(() => t.close());

const get = (path: string, language = 'zh-CN') =>
  request(t.app).get(path).set('Authorization', `Bearer ${token}`).set('Accept-Language', language);

describe('API list filters take one value', () => {
  it.each([
    ['/api/v1/tickets?status=open&status=closed', 'status'],
    ['/api/v1/tickets?severity[]=high', 'severity'],
    ['/api/v1/tickets?department[x]=HR', 'department'],
    ['/api/v1/sharing-requests?view=all&status[]=granted', 'status'],
    ['/api/v1/sharing-requests?view=all&department=HR&department=ORG', 'department'],
    ['/api/v1/reports/mine?table=staff_basic&table=course_grade', 'table'],
    ['/api/v1/scorecards?from=2026-12-01&from=2026-12-02&to=2026-12-06', 'from'],
    ['/api/v1/scorecards?from[]=2026-12-01&to=2026-12-06', 'from'],
    ['/api/v1/scorecards?from=2026-12-01&to[x]=2026-12-06', 'to'],
  ])('%s: 422 naming %s', async (path, field) => {
    const res = await get(path).expect(422);
    expect(res.body.fields[field]).toBe(zh('errors.queryOneValue', { field }));
    expect(Object.keys(res.body.fields)).toEqual([field]);
  });

  it('says so in English to an English client, and one value each still lists', async () => {
    const res = await get('/api/v1/tickets?view=overdue&view=escalated', 'en').expect(422);
    expect(res.body.fields.view).toBe(en('errors.queryOneValue', { field: 'view' }));
    expect((await get('/api/v1/tickets?status=open').expect(200)).body).toMatchObject({ items: [], total: 0 });
    expect((await get('/api/v1/sharing-requests?view=all&status=granted').expect(200)).body).toMatchObject({ total: 0 });
  });

  it('names both scorecard dates when both are repeated, in English too; one of each still answers', async () => {
    const res = await get('/api/v1/scorecards?from=2026-12-01&from=2026-12-02&to=2026-12-05&to=2026-12-06', 'en').expect(422);
    expect(res.body.fields).toEqual({
      from: en('errors.queryOneValue', { field: 'from' }),
      to: en('errors.queryOneValue', { field: 'to' }),
    });
    expect((await get('/api/v1/scorecards?from=2026-12-01&to=2026-12-06').expect(200)).body).toMatchObject({
      from: '2026-12-01',
      to: '2026-12-06',
    });
  });
});

describe('API lists take only their own parameters', () => {
  // A misspelt filter answered the whole list as if filtered (`stauts=open`: every ticket, closed ones too), and a
  // page size under another name (`limit`, `perPage`) fifty a page.
  it.each([
    ['/api/v1/tickets?stauts=open', 'stauts', 'status, department, table, check, severity, view, page, per_page'],
    ['/api/v1/tickets?status=open&limit=10', 'limit', 'status, department, table, check, severity, view, page, per_page'],
    ['/api/v1/sharing-requests?view=all&perPage=10', 'perPage', 'view, status, department, page, per_page'],
    ['/api/v1/reports/mine?state=active', 'state', 'status, table, page, per_page'],
    ['/api/v1/scorecards?from=2026-12-01&to=2026-12-06&dept=HR', 'dept', 'from, to, department'],
    // A field of the items, not a filter: named whole (22 characters).
    [
      '/api/v1/tickets?extension_requested_at=2026-12-01',
      'extension_requested_at',
      'status, department, table, check, severity, view, page, per_page',
    ],
  ])('%s: 422 naming %s and what the list takes', async (path, field, accepted) => {
    const res = await get(path).expect(422);
    expect(res.body.fields).toEqual({
      [field]: `不接受参数 ${field}（参数名须与接口说明一致：小写，以下划线分词）；可用参数：${accepted}`,
    });
  });

  it('says so in English, names a parameter sent in array syntax by its name, and lists with its own parameters', async () => {
    const res = await get('/api/v1/tickets?Status[]=open&status=open', 'en').expect(422);
    expect(res.body.fields).toEqual({
      Status:
        'Status is not a parameter of this list (names as in the API documentation: lower case, words joined by underscores); it takes: status, department, table, check, severity, view, page, per_page',
    });
    await get('/api/v1/tickets?status=open&table=t&check=required&severity=high&view=overdue&page=1&per_page=5').expect(200);
    await get('/api/v1/sharing-requests?view=all&status=granted&page=2&per_page=5').expect(200);
    await get('/api/v1/reports/mine?status=active&table=t&page=1&per_page=5').expect(200);
    // The pages' `period` keeps its own message.
    const period = await get('/api/v1/scorecards?period=month').expect(422);
    expect(Object.keys(period.body.fields)).toEqual(['period']);
  });
});

describe('an unknown parameter as the message repeats it', () => {
  it('cuts a name past 64 characters with an ellipsis and writes an invisible character out', async () => {
    const long = 'x'.repeat(70);
    const res = await request(t.app)
      .get(`/api/v1/reports/mine?${long}=1&a%E2%80%8Bb=2`)
      .set('Authorization', `Bearer ${token}`)
      .set('Accept-Language', 'en')
      .expect(422);
    const accepted = 'it takes: status, table, page, per_page';
    const why = '(names as in the API documentation: lower case, words joined by underscores)';
    expect(res.body.fields).toEqual({
      [`${'x'.repeat(64)}…`]: `${'x'.repeat(64)}… is not a parameter of this list ${why}; ${accepted}`,
      'a\\u200Bb': `a\\u200Bb is not a parameter of this list ${why}; ${accepted}`,
    });
  });
});

describe('a filter value a list does not know, as the message repeats it', () => {
  // A 6,000-character value came back whole in its 422.
  it.each([
    ['/api/v1/tickets', 'status'],
    ['/api/v1/tickets', 'severity'],
    ['/api/v1/tickets', 'view'],
    ['/api/v1/tickets', 'check'],
    ['/api/v1/reports/mine', 'status'],
    ['/api/v1/sharing-requests', 'view'],
    ['/api/v1/sharing-requests', 'status'],
  ])('%s cuts %s past 64 characters', async (path, field) => {
    const res = await get(`${path}?${field}=${'q'.repeat(6000)}`, 'en').expect(422);
    expect(res.body.fields[field]).toContain(`${'q'.repeat(64)}…`);
    expect(res.body.fields[field]).not.toContain('q'.repeat(65));
  });
});
