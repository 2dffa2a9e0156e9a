import express, { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { CsrfError, csrfProtection, isDeferrableUpload, maskedCsrfToken } from '../../server/middleware/csrf';
import { multipartParser } from '../../server/middleware/multipart';

/**
 * The CSRF check of the upload forms (middleware/csrf.ts, middleware/multipart.ts), on a bare app: the app-wide check
 * defers a multipart POST to one of the five upload routes only; the parser checks the body's `_csrf` before the
 * route sees anything, and is the only one that lets a deferred request through. The token is never read from the
 * query string.
 */
const TOKEN = Buffer.alloc(32, 7).toString('base64url');

/** What the route saw, when it was reached. */
let reached: { deferred: boolean | undefined; body: Record<string, unknown> } | null;

function appWith(options: { signedIn?: boolean; token?: string | null; parse?: boolean } = {}) {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use((req: Request, _res: Response, next: NextFunction) => {
    if (req.body === undefined) req.body = Object.create(null);
    const token = options.token === undefined ? TOKEN : options.token;
    (req as unknown as { session: Record<string, unknown> }).session = token ? { csrfToken: token } : {};
    if (options.signedIn !== false) req.user = { id: 1 } as Request['user'];
    next();
  });
  app.use(csrfProtection);
  const parse = multipartParser({ files: [{ name: 'file' }], maxFileBytes: 1000, maxFields: 10 });
  const parser = (req: Request, res: Response, next: NextFunction) => parse(req, res, (err) => (err ? next(err) : next()));
  const route = (req: Request, res: Response) => {
    reached = { deferred: req.csrfDeferred, body: { ...req.body } };
    res.json({ ok: true });
  };
  for (const path of ['/reports', '/reports/tickets/:id/answer', '/sharing/new', '/sharing/:id/edit', '/catalog/import'])
    if (options.parse === false) app.post(path, route);
    else app.post(path, parser, route);
  // A route that reads no multipart body (and acts on an empty one).
  app.post('/sharing/:id/withdraw', route);
  app.use((err: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(err.status ?? 500).json({ error: err instanceof CsrfError ? 'csrf_failed' : err.constructor.name });
  });
  return app;
}

/** A masked form of the session's token, as a page carries it. */
function masked(): string {
  const req = { session: { csrfToken: TOKEN } } as unknown as Request;
  return maskedCsrfToken(req);
}

beforeEach(() => {
  reached = null;
});

describe('isDeferrableUpload', () => {
  const req = (method: string, path: string, type = 'multipart/form-data; boundary=x') =>
    ({ method, path, is: (t: string) => (type.startsWith(t) ? t : false) }) as unknown as Request;

  it('is a multipart POST to one of the five upload routes, spelled exactly', () => {
    for (const path of ['/reports', '/reports/tickets/12/answer', '/sharing/new', '/sharing/3/edit', '/catalog/import'])
      expect([path, isDeferrableUpload(req('POST', path))]).toEqual([path, true]);
  });

  it('is no other route, spelling, method or body type', () => {
    const others: [string, string, string?][] = [
      ['POST', '/sharing/3/withdraw'],
      ['POST', '/tickets/acknowledge'],
      ['POST', '/reports/tickets/12/reopen'],
      ['POST', '/reports/12/confirm'],
      ['POST', '/logout'],
      ['POST', '/reports/'],
      ['POST', '/Reports'],
      ['POST', '/catalog/import/x'],
      ['POST', '/sharing/x/edit'],
      ['POST', '/sharing/3/edit/'],
      ['POST', '/reports/tickets/1e3/answer'],
      ['POST', '/api/v1/reports'],
      ['PUT', '/reports'],
      ['POST', '/reports', 'application/x-www-form-urlencoded'],
    ];
    for (const [method, path, type] of others)
      expect([method, path, isDeferrableUpload(req(method, path, type))]).toEqual([method, path, false]);
  });
});

describe('a multipart post to an upload route', () => {
  it('with the token (masked, as pages carry it) as its field: reaches the route, no longer deferred', async () => {
    await request(appWith()).post('/reports').field('_csrf', masked()).field('a', '1').expect(200);
    expect(reached).toEqual({ deferred: false, body: { _csrf: expect.any(String), a: '1' } });
    await request(appWith()).post('/sharing/4/edit').field('_csrf', TOKEN).attach('file', Buffer.from('x'), 'x.pdf').expect(200);
    expect(reached?.deferred).toBe(false);
  });

  it('without it, with a wrong one, an empty one or two: 403 and the route never reached', async () => {
    const app = appWith();
    const sends = [
      () => request(app).post('/reports').field('a', '1'),
      () => request(app).post('/reports').field('_csrf', 'x'.repeat(43)),
      () => request(app).post('/reports').field('_csrf', Buffer.alloc(32, 8).toString('base64url')),
      () => request(app).post('/reports').field('_csrf', ''),
      () => request(app).post('/reports').field('_csrf', TOKEN).field('_csrf', TOKEN),
      // Only in the query string: never read.
      () => request(app).post(`/catalog/import?_csrf=${TOKEN}`).field('a', '1'),
      // A wrong header does not stand in for the field.
      () => request(app).post('/catalog/import').set('X-CSRF-Token', 'nope').field('a', '1'),
    ];
    for (const send of sends) {
      const res = await send();
      expect({ status: res.status, body: res.body }).toEqual({ status: 403, body: { error: 'csrf_failed' } });
    }
    expect(reached).toBeNull();
  });

  it('with the X-CSRF-Token header: not deferred at all', async () => {
    await request(appWith()).post('/catalog/import').set('X-CSRF-Token', masked()).field('yaml', 'x').expect(200);
    expect(reached).toEqual({ deferred: undefined, body: { yaml: 'x' } });
  });

  it('whose parser is not there reaches the route still deferred: the flag is cleared by the parser only', async () => {
    // What a route that forgot its parser would see (the integration tests post a wrong token to each of the five).
    await request(appWith({ parse: false }))
      .post('/reports')
      .field('_csrf', TOKEN)
      .expect(200);
    expect(reached).toEqual({ deferred: true, body: {} });
  });

  it('after the session ended (no token, nobody signed in): 401 first, not deferred', async () => {
    const res = await request(appWith({ signedIn: false, token: null }))
      .post('/reports')
      .field('_csrf', TOKEN);
    expect(res.status).toBe(401);
    expect(reached).toBeNull();
  });

  it('with a session holding no token, yet signed in: 403 once parsed', async () => {
    const res = await request(appWith({ token: null }))
      .post('/reports')
      .field('_csrf', TOKEN);
    expect(res.status).toBe(403);
    expect(reached).toBeNull();
  });
});

describe('any other route', () => {
  it('refuses a multipart body with the session’s token in its field (403): never deferred, never reached', async () => {
    const res = await request(appWith()).post('/sharing/4/withdraw').field('_csrf', TOKEN);
    expect({ status: res.status, body: res.body }).toEqual({ status: 403, body: { error: 'csrf_failed' } });
    expect(reached).toBeNull();
  });

  it('takes the header with a multipart body, and a urlencoded body’s field, as before', async () => {
    await request(appWith()).post('/sharing/4/withdraw').set('X-CSRF-Token', TOKEN).field('a', '1').expect(200);
    expect(reached?.deferred).toBeUndefined();
    await request(appWith()).post('/sharing/4/withdraw').type('form').send({ _csrf: masked() }).expect(200);
  });

  it('never reads the token from the query string, multipart or not', async () => {
    for (const send of [
      () => request(appWith()).post(`/sharing/4/withdraw?_csrf=${TOKEN}`).field('a', '1'),
      () => request(appWith()).post(`/sharing/4/withdraw?_csrf=${TOKEN}`).type('form').send({ a: '1' }),
      () => request(appWith()).post(`/reports?_csrf=${TOKEN}`).type('form').send({ a: '1' }),
    ])
      expect((await send()).status).toBe(403);
    expect(reached).toBeNull();
  });
});
