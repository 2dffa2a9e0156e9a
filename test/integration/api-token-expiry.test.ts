import request from 'supertest';
import { ValidationError } from '../../server/errors';
import { translator } from '../../server/i18n';
import { importCatalog } from '../../server/services/catalog/repository';
import { API_TOKEN_DAYS, createApiToken, issueApiToken, revokeApiTokens, type UserRow } from '../../server/services/users';
import { buildDepartment, buildUser } from '../factories';
import { SHARING_CATALOG } from '../factories/sharing';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * API tokens expire (a year by default, at most two): past its expiry a token is refused with 401 saying it
 * expired; tokens issued before expiry existed (expires_at null) keep working. Revoking an account's tokens when
 * none is valid writes no audit row.
 */
const zh = translator('zh-CN');
const DAY = 24 * 60 * 60 * 1000;

describe('API token expiry', () => {
  let t: TestApp;
  let admin: UserRow & { password: string };
  beforeAll(async () => {
    t = await createTestApp();
    await buildDepartment(t.db.knex, { code: 'HR', name: '人事处' });
    admin = await buildUser(t.db.knex, { department: 'HR', roles: ['admin'] });
  });
  afterAll(() => t.close());

  const me = (token: string, language?: string) => {
    const req = request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);
    return language ? req.set('Accept-Language', language) : req;
  };
  const tokenRow = (token: string) =>
    t.db
      .knex('api_tokens')
      .orderBy('id', 'desc')
      .first()
      .then((row) => ({ ...row, token }));

  it('a token expires a year after it is issued by default, or after the days asked for', async () => {
    const user = await buildUser(t.db.knex, { department: 'HR' });
    const before = Date.now();
    const { token, expiresAt } = await createApiToken(t.db.knex, user.id, { label: 'etl' });
    const stored = await tokenRow(token);
    expect(stored.expires_at.getTime()).toBe(expiresAt.getTime());
    expect(expiresAt.getTime() - before).toBeGreaterThanOrEqual(365 * DAY - 60_000);
    expect(expiresAt.getTime() - before).toBeLessThanOrEqual(365 * DAY + 60_000);
    const week = await createApiToken(t.db.knex, user.id, { expiresInDays: 7 });
    expect(Math.abs(week.expiresAt.getTime() - before - 7 * DAY)).toBeLessThan(60_000);
    await me(week.token).expect(200);
    const [audit] = await t.db
      .knex('audit_log')
      .where({ action: 'token.issue', object_id: String(user.id) })
      .orderBy('seq', 'desc')
      .limit(1);
    // The token's own number, readable (under `apiKeyId` the audit scrubber took it for a secret: ******).
    const { id } = await tokenRow(week.token);
    expect(audit.summary).toMatchObject({ issuedId: id, expiresInDays: 7, expiresAt: week.expiresAt.toISOString() });
  });

  it('refuses a lifetime outside 1 to the maximum, naming the field; nothing issued', async () => {
    const user = await buildUser(t.db.knex, { department: 'HR' });
    for (const days of [0, -1, 1.5, API_TOKEN_DAYS.max + 1, NaN]) {
      const err = await createApiToken(t.db.knex, user.id, { expiresInDays: days }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).fields).toEqual([
        { field: 'expires_in_days', key: 'users.errors.tokenDays', params: { max: API_TOKEN_DAYS.max } },
      ]);
    }
    expect(await t.db.knex('api_tokens').where({ user_id: user.id })).toEqual([]);
    await createApiToken(t.db.knex, user.id, { expiresInDays: API_TOKEN_DAYS.max });
  });

  it('a token past its expiry is refused with 401 saying it expired, in the client language; not marked used', async () => {
    const user = await buildUser(t.db.knex, { department: 'HR' });
    const token = await issueApiToken(t.db.knex, user.id);
    await me(token).expect(200);
    // 17:12 UTC is past one in the morning of the next day in Shanghai: said on that clock, as the command said it.
    const expiredAt = new Date('2025-12-05T17:12:55.557Z');
    await t.db.knex('api_tokens').where({ user_id: user.id }).update({ expires_at: expiredAt, last_used_at: null });
    const chinese = await me(token).expect(401);
    expect(chinese.body).toEqual({
      error: 'token_expired',
      message: 'API 令牌已于 2025-12-06 01:12:55 Asia/Shanghai 过期：请让管理员签发新令牌',
    });
    const english = await me(token, 'en').expect(401);
    expect(english.body.message).toBe(
      'This API token expired at 2025-12-06 01:12:55 Asia/Shanghai: ask an administrator for a new one',
    );
    expect((await t.db.knex('api_tokens').where({ user_id: user.id }).first()).last_used_at).toBeNull();
    // A POST too: the same answer, nothing done.
    await request(t.app).post('/api/v1/reports').set('Authorization', `Bearer ${token}`).send({}).expect(401);
    // An unknown token is still the plain "sign in first".
    expect((await me('hw_unknown').expect(401)).body.error).toBe('unauthorized');
  });

  it('a token issued before tokens expired (no expiry) keeps working', async () => {
    const user = await buildUser(t.db.knex, { department: 'HR' });
    const token = await issueApiToken(t.db.knex, user.id);
    await t.db.knex('api_tokens').where({ user_id: user.id }).update({ expires_at: null });
    await me(token).expect(200);
  });

  it('the account page lists the tokens with their expiry: a date, expired, or none for an old one', async () => {
    const user = await buildUser(t.db.knex, { department: 'HR' });
    await createApiToken(t.db.knex, user.id, { label: 'nightly-etl', expiresInDays: 30 });
    await createApiToken(t.db.knex, user.id, { label: 'old-script' });
    await createApiToken(t.db.knex, user.id, { label: 'lapsed' });
    await t.db.knex('api_tokens').where({ user_id: user.id, label: 'old-script' }).update({ expires_at: null });
    await t.db
      .knex('api_tokens')
      .where({ user_id: user.id, label: 'lapsed' })
      .update({ expires_at: new Date(Date.now() - DAY) });
    const { agent } = await signIn(t.app, admin.login, admin.password);
    const page = (await agent.get(`/admin/users/${user.id}`).expect(200)).text;
    const section = page.slice(
      page.indexOf('id="account-tokens"'),
      page.indexOf('</section>', page.indexOf('id="account-tokens"')),
    );
    // Two still valid; the expired one is listed, marked.
    expect(section).toContain(zh('admin.users.tokensActive', { count: 2 }));
    const rowOf = (label: string) => section.slice(section.indexOf(label), section.indexOf('</tr>', section.indexOf(label)));
    expect(rowOf('nightly-etl')).toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(rowOf('old-script')).toContain(zh('admin.users.tokensNoExpiry'));
    expect(rowOf('lapsed')).toContain(zh('admin.users.tokensExpiredTag'));
    expect(section).toContain(zh('admin.users.tokensExpires'));
  });

  // Last of this app's tests: the catalog's calendar moves the university's clock.
  it("says the expiry on the catalog calendar's clock once a catalog names one", async () => {
    const result = await importCatalog(t.db.knex, SHARING_CATALOG.replace('Asia/Shanghai', 'Asia/Urumqi'), {
      origin: { source: 'test' },
    });
    expect(result.ok).toBe(true);
    const user = await buildUser(t.db.knex, { department: 'HR' });
    const token = await issueApiToken(t.db.knex, user.id);
    await t.db
      .knex('api_tokens')
      .where({ user_id: user.id })
      .update({ expires_at: new Date('2025-12-05T17:12:55.557Z') });
    expect((await me(token).expect(401)).body.message).toBe(
      'API 令牌已于 2025-12-05 23:12:55 Asia/Urumqi 过期：请让管理员签发新令牌',
    );
  });
});

describe('revoking an account’s tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  const revokeRows = (userId: number) => t.db.knex('audit_log').where({ action: 'token.revoke', object_id: String(userId) });

  it('with no valid token revokes nothing and writes no audit row; with some, one row with the count', async () => {
    const user = await buildUser(t.db.knex);
    expect(await revokeApiTokens(t.db.knex, user.id)).toBe(0);
    expect(await revokeRows(user.id)).toEqual([]);
    await issueApiToken(t.db.knex, user.id);
    await issueApiToken(t.db.knex, user.id);
    // An expired one is not valid: not counted as revoked.
    const lapsed = await issueApiToken(t.db.knex, user.id);
    const newest = await t.db.knex('api_tokens').where({ user_id: user.id }).max({ id: 'id' });
    await t.db
      .knex('api_tokens')
      .where({ id: newest[0].id })
      .update({ expires_at: new Date(Date.now() - 1000) });
    expect(lapsed).toMatch(/^hw_/);
    expect(await revokeApiTokens(t.db.knex, user.id)).toBe(2);
    expect((await revokeRows(user.id)).map((r: { summary: unknown }) => r.summary)).toEqual([{ revoked: 2 }]);
    expect(await revokeApiTokens(t.db.knex, user.id)).toBe(0);
    expect(await revokeRows(user.id)).toHaveLength(1);
  });
});
