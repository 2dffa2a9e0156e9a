import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { KnexSessionStore } from '../../server/auth/session-store';
import { buildUser } from '../factories';
import { createTestApp, csrfFrom, TestApp } from '../helpers/app';

/**
 * A browser follows a redirect as soon as its head arrives. express-session sends the head before its save of
 * the session ends, so on PostgreSQL under load the next page could read the session as it was: a language
 * switch that did not stick (seen in a browser test: POST /locale → 302 → GET /dashboard in Chinese).
 * Here the store's write is held back, and the redirect must not arrive until it is released.
 */
describe('a redirect after a change to the session', () => {
  let t: TestApp;
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp();
    server = http.createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.close();
  });
  afterEach(() => jest.restoreAllMocks());

  /** Holds every session write until `release()`; `held` counts the writes waiting. */
  function holdSessionWrites() {
    const waiting: Array<() => void> = [];
    const set = KnexSessionStore.prototype.set;
    jest.spyOn(KnexSessionStore.prototype, 'set').mockImplementation(function (this: KnexSessionStore, ...args) {
      waiting.push(() => set.apply(this, args));
    });
    return {
      held: () => waiting.length,
      release: () => waiting.splice(0).forEach((write) => write()),
    };
  }

  /** Sends a form and resolves with the response's status and head as soon as the head arrives. */
  function postForm(path: string, cookie: string, form: Record<string, string>) {
    const body = new URLSearchParams(form).toString();
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          resolve(res);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  /** Signs in without a cookie jar: the session cookie and its CSRF token, to send by hand. */
  async function signedInBrowser() {
    const user = await buildUser(t.db.knex, { roles: ['user'] });
    const sessionCookie = (res: request.Response) => String(res.headers['set-cookie']?.[0] ?? '').split(';')[0];
    const login = await request(t.app).get('/login').expect(200);
    const signedIn = await request(t.app)
      .post('/login')
      .set('cookie', sessionCookie(login))
      .type('form')
      .send({ login: user.login, password: user.password, _csrf: csrfFrom(login.text) })
      .expect(302);
    const cookie = sessionCookie(signedIn);
    const home = await request(t.app).get('/').set('cookie', cookie).expect(200);
    return { cookie, csrf: csrfFrom(home.text), get: (path: string) => request(t.app).get(path).set('cookie', cookie) };
  }

  it('switching the language answers only once the session holds the new language', async () => {
    const { csrf, cookie, get } = await signedInBrowser();
    const writes = holdSessionWrites();
    let answered = false;
    const response = postForm('/locale', cookie, { _csrf: csrf, locale: 'en', next: '/' }).then((res) => {
      answered = true;
      return res;
    });
    await settle();
    expect(writes.held()).toBe(1);
    expect(answered).toBe(false);
    writes.release();
    const res = await response;
    expect(res.statusCode).toBe(302);
    jest.restoreAllMocks();
    expect((await get('/').expect(200)).text).toContain('<html lang="en"');
  });

  it('a redirect that changed nothing in the session is not held by a write', async () => {
    const { cookie } = await signedInBrowser();
    const writes = holdSessionWrites();
    // Signed in, /login sends the reader on without touching the session: the answer comes with no write held
    // (a redirect that saved anyway would wait for the held write: 'held' after a second, not a hang to the limit).
    const answer = new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port, path: '/login', headers: { cookie } }, resolve).on('error', reject),
    );
    const res = await Promise.race([answer, new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), 1_000))]);
    writes.release();
    expect(res).not.toBe('held');
    (res as http.IncomingMessage).resume();
    expect((res as http.IncomingMessage).statusCode).toBe(302);
    expect(writes.held()).toBe(0);
  });

  it('an anonymous visitor sent to the sign-in page leaves no session row behind', async () => {
    const before = await t.db.knex('sessions').count<{ count: number }[]>({ count: '*' });
    await request(t.app).get('/tickets').expect(302);
    const after = await t.db.knex('sessions').count<{ count: number }[]>({ count: '*' });
    expect(Number(after[0].count)).toBe(Number(before[0].count));
  });
});
