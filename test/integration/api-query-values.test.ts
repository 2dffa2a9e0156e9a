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

describe('API list filters take one value', () => {
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
