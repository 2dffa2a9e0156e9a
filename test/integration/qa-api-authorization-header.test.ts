import request from 'supertest';
import { issueApiToken } from '../../server/services/users';
import { buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * An `Authorization` header on a page (README: "a token opens the API only — pages answer it as they answer
 * anyone not signed in"). It used to be a 401 on every page, which a page answers with a redirect to the
 * sign-in page: the sign-in page itself then redirected to itself forever, and behind a reverse proxy that
 * asks for HTTP Basic credentials (and forwards them, as nginx does) no page could be used at all.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const BASIC = `Basic ${Buffer.from('campus:proxy-password').toString('base64')}`;

describe('an Authorization header on a page', () => {
  it('a Bearer token: the sign-in page is shown, not a redirect to itself, and other pages send to it once', async () => {
    const user = await buildUser(t.db.knex, { roles: ['steward'] });
    const token = await issueApiToken(t.db.knex, user.id);
    const login = await request(t.app).get('/login').set('Authorization', `Bearer ${token}`);
    expect({ status: login.status, location: login.headers.location }).toEqual({ status: 200, location: undefined });
    expect(login.text).toContain('name="password"');
    const home = await request(t.app).get('/tickets').set('Authorization', `Bearer ${token}`);
    expect({ status: home.status, location: home.headers.location }).toEqual({
      status: 302,
      location: '/login?next=%2Ftickets',
    });
  });

  it('a Bearer token does not open the pages for a signed-in browser either: it is no one there', async () => {
    const user = await buildUser(t.db.knex, { roles: ['steward'] });
    const token = await issueApiToken(t.db.knex, user.id);
    const { agent } = await signIn(t.app, user.login, user.password);
    const res = await agent.get('/tickets').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Ftickets');
  });

  it("a proxy's Basic credentials are not ours: the sign-in page, sign-in and the pages work as without them", async () => {
    const user = await buildUser(t.db.knex, { roles: ['steward'] });
    const agent = request.agent(t.app);
    const page = await agent.get('/login').set('Authorization', BASIC);
    expect(page.status).toBe(200);
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(page.text)![1];
    const signedIn = await agent
      .post('/login')
      .set('Authorization', BASIC)
      .type('form')
      .send({ login: user.login, password: user.password, _csrf: csrf });
    expect({ status: signedIn.status, location: signedIn.headers.location }).toEqual({ status: 302, location: '/' });
    const home = await agent.get('/').set('Authorization', BASIC);
    expect(home.status).toBe(200);
    expect(home.text).toContain(user.name);
  });

  it('the API still takes only a valid Bearer token: Basic, a bare word or a bad token are 401 in JSON', async () => {
    const user = await buildUser(t.db.knex, { roles: ['steward'] });
    const { agent } = await signIn(t.app, user.login, user.password);
    for (const header of [BASIC, 'Token abc', 'Bearer hw_not-a-token', 'Bearer']) {
      const res = await agent.get('/api/v1/me').set('Authorization', header);
      expect({ header, status: res.status, body: res.body }).toEqual({
        header,
        status: 401,
        body: { error: 'unauthorized', message: expect.any(String) },
      });
    }
  });
});

describe('a 401 of the API says why, and names the scheme it takes (RFC 6750)', () => {
  it('a token that is not one (mistyped, revoked) is said to be invalid, not "sign in first", with WWW-Authenticate', async () => {
    const user = await buildUser(t.db.knex, { roles: ['steward'] });
    const token = await issueApiToken(t.db.knex, user.id);
    await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);

    const bad = await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}x`).set('Accept-Language', 'en');
    expect({ status: bad.status, body: bad.body, scheme: bad.headers['www-authenticate'] }).toEqual({
      status: 401,
      body: { error: 'unauthorized', message: 'The API token is not valid: mistyped, revoked, or its account is disabled' },
      scheme: 'Bearer realm="hubwatch", error="invalid_token"',
    });
    // No credentials at all: sign in or send a token, saying which header (it was only 请先登录, "sign in first"),
    // and the scheme it takes; and where a token comes from — the command line, as the README says (it said 在账号页签发,
    // "issued on the account page", which lists tokens but issues none).
    // Another scheme than Bearer (HTTP Basic, "Token …"): not a bad token, a wrong header, said so in the caller's
    // language (it was "mistyped, revoked…", sending an integrator after a token that may be fine).
    for (const header of [BASIC, `Token ${token}`]) {
      const wrong = await request(t.app).get('/api/v1/me').set('Authorization', header).set('Accept-Language', 'en');
      expect({ header, status: wrong.status, body: wrong.body, scheme: wrong.headers['www-authenticate'] }).toEqual({
        header,
        status: 401,
        body: {
          error: 'unauthorized',
          message:
            'The API takes its token as Authorization: Bearer <token>; other schemes (such as Basic or Token) are not accepted',
        },
        scheme: 'Bearer realm="hubwatch"',
      });
    }
    const wrongZh = await request(t.app).get('/api/v1/me').set('Authorization', `Token ${token}`);
    expect(wrongZh.body.message).toBe(
      'API 只接受以 Authorization: Bearer <令牌> 发送的令牌，不接受其他认证方式（如 Basic、Token）',
    );
    const none = await request(t.app).get('/api/v1/me');
    expect({ status: none.status, message: none.body.message, scheme: none.headers['www-authenticate'] }).toEqual({
      status: 401,
      message:
        '请先登录，或在请求标头中发送 API 令牌：Authorization: Bearer <令牌>（令牌由管理员用命令 hubwatch users token 登录名 签发）',
      scheme: 'Bearer realm="hubwatch"',
    });
    const en = await request(t.app).post('/api/v1/reports').set('Accept-Language', 'en').send({});
    expect({ status: en.status, body: en.body }).toEqual({
      status: 401,
      body: {
        error: 'unauthorized',
        message:
          'Sign in first, or send an API token in the header Authorization: Bearer <token> (an administrator issues one with the command hubwatch users token LOGIN)',
      },
    });
  });
});
