import fc from 'fast-check';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../server/app';
import { AccessWorld, buildAccessWorld } from '../factories/access';
import {
  changedSince,
  FIELD_NAMES,
  HUGE,
  jsonText,
  RawObject,
  formPairs,
  formText,
  installChangeLog,
  jsonBody,
  leaksInternals,
  mark,
  POST_ROUTES,
  PostRoute,
  runParams,
  urlOf,
} from '../factories/hostile';
import { createTestApp, sessionCache, signIn, TestApp } from '../helpers/app';
import { listRoutes } from '../helpers/routes';

/**
 * Hostile input over every POST route (issue 9): fast-check sends random and malformed bodies —
 * wrong types, 100 KB strings, NUL and emoji, SQL-looking text, deep nesting, `__proto__` keys —
 * as a user allowed to use the route. Whatever comes: never a 5xx; an error answer changes no
 * table; JSON errors carry `error` (and for 422 `fields` naming input fields); pages leak no stack.
 * A failure prints fast-check's seed and path: replay that one test with
 * HOSTILE_SEED=<seed> HOSTILE_PATH=<path> npm test -- <this file> -t '<its name>'.
 */

const MONDAY = new Date('2026-03-02T02:00:00Z');
let t: TestApp;
let w: AccessWorld;
/** Each person's session, signed in once. */
const sessionOf = sessionCache(() => t.app);

/** The last unhandled errors the app logged: a 500 is reported with its cause. */
const crashes: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  const logger = pino(
    { level: 'error' },
    {
      write: (line: string) =>
        void crashes.push(
          String(JSON.parse(line).err?.stack ?? line)
            .split('\n')
            .slice(0, 3)
            .join(' | '),
        ),
    },
  );
  t.ctx = { ...t.ctx, logger };
  t.app = createApp(t.ctx);
  w = await buildAccessWorld(t.ctx);
  await installChangeLog(t.db.knex);
}, 120_000);
const seen = new Map<string, number>();
afterAll(() => {
  if (process.env.HOSTILE_DEBUG)
    console.log(
      [...seen]
        .map(([k, n]) => `${n}× ${k}`)
        .sort()
        .join('\n'),
    );
  return t.close();
});

/** A manual check run goes on after the response: wait for it, so its writes do not count against the next try. */
async function settle(): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (!(await t.db.knex('check_runs').where({ status: 'running' }).first('id'))) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('a check run is still running after 30 s');
}

/** A field key an error may name: `purpose`, `items[0].table`, `record_key.staff_no`, `members[1].phone`. */
const FIELD_KEY = /^[a-z_][a-z0-9_]*(\[\d+\])?([.]([A-Za-z_][A-Za-z0-9_]*|\d+)(\[\d+\])?)*$/;

interface Answer {
  status: number;
  type: string;
  text: string;
  body: unknown;
}

/** What is wrong with one answer to hostile input, or null. */
async function judge(route: PostRoute, res: Answer, before: number, sent = ''): Promise<string | null> {
  if (process.env.HOSTILE_DEBUG) {
    const k = `${route.path} ${res.status}${res.status === 403 || res.status === 400 ? ' ' + res.text.slice(0, 60).replace(/\s+/g, ' ') : ''}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  if (res.status >= 500) return `answered ${res.status}: ${crashes.splice(0).join(' / ') || res.text.slice(0, 200)}`;
  if (res.type.includes('html')) {
    const leak = leaksInternals(res.text);
    if (leak) return `the page leaks ${JSON.stringify(leak)}`;
  }
  if (res.status >= 400 && res.type.includes('json')) {
    const body = res.body as { error?: unknown; fields?: Record<string, unknown> };
    if (typeof body?.error !== 'string') return `a ${res.status} without "error": ${res.text.slice(0, 200)}`;
    if (res.status === 422) {
      const keys = Object.keys(body.fields ?? {});
      if (!keys.length) return `a 422 naming no field: ${res.text.slice(0, 200)}`;
      // A field the app knows by name, or one of the (odd) keys the body sent, named back as sent.
      const odd = keys.filter((k) => !FIELD_KEY.test(k) && !sent.includes(JSON.stringify(k.split(/[.[]/)[0]).slice(1, -1)));
      if (odd.length) return `a 422 naming ${JSON.stringify(odd)}, not input fields`;
      if (keys.some((k) => typeof body.fields![k] !== 'string' || !body.fields![k]))
        return `a 422 with an empty message: ${res.text.slice(0, 200)}`;
    }
  }
  if (
    res.status === 422 &&
    res.type.includes('html') &&
    !/class="field-error"|<li><strong>[^<]|<li class="problem error">/.test(res.text)
  )
    return 'a 422 page showing no field message';
  if (res.status >= 400) {
    const changed = (await changedSince(t.db.knex, before)).filter((x) => !route.mayWriteOnError?.includes(x));
    if (changed.length) return `answered ${res.status}, yet changed ${changed.join(', ')}`;
  }
  if (Object.keys(Object.prototype).length || ({} as Record<string, unknown>).polluted !== undefined)
    return 'Object.prototype was polluted';
  return null;
}

const answerOf = (res: request.Response): Answer => ({
  status: res.status,
  type: String(res.headers['content-type'] ?? ''),
  text: res.text ?? '',
  body: res.body,
});
const label = (body: string) => (body.length > 300 ? `${body.slice(0, 300)}… (${body.length} chars)` : body);

describe('hostile bodies', () => {
  it('covers every POST route of the app', () => {
    const app = listRoutes(t.app)
      .filter((r) => r.method === 'POST')
      .map((r) => r.path)
      .sort();
    expect(POST_ROUTES.map((r) => r.path).sort()).toEqual(app);
  });

  const pages = POST_ROUTES.filter((r) => !r.path.startsWith('/api/'));
  const apis = POST_ROUTES.filter((r) => r.path.startsWith('/api/'));

  it.each(pages.map((r) => [r.path, r] as const))(
    'page %s: form bodies never break it',
    async (_path, route) => {
      await fc.assert(
        fc.asyncProperty(formPairs, async (pairs) => {
          const me = route.as(w);
          const session = route.endsSession ? await signIn(t.app, me.login, me.password) : await sessionOf(me);
          const before = await mark(t.db.knex);
          const body = formText(pairs, session.csrf);
          const res = await session.agent.post(urlOf(route, w)).type('form').send(body);
          if (route.path === '/runs') await settle();
          const problem = await judge(route, answerOf(res), before, body);
          if (problem) throw new Error(`${route.path} ${problem}\nbody: ${label(body)}`);
        }),
        runParams(route.endsSession ? 4 : 15),
      );
    },
    90_000,
  );

  it.each(apis.map((r) => [r.path, r] as const))(
    'API %s: JSON bodies never break it',
    async (_path, route) => {
      await fc.assert(
        fc.asyncProperty(jsonBody, async (body) => {
          const before = await mark(t.db.knex);
          const res = await request(t.app)
            .post(urlOf(route, w))
            .set('Authorization', `Bearer ${route.as(w).token}`)
            .set('Content-Type', 'application/json')
            .send(body);
          const problem = await judge(route, answerOf(res), before, body);
          if (problem) throw new Error(`${route.path} ${problem}\nbody: ${label(body)}`);
        }),
        runParams(25),
      );
    },
    90_000,
  );

  /** Every field the app reads at once, each with the same wrong thing: cheap, and finds what random bodies rarely reach. */
  const EVERY_FIELD_BODIES = [{ toString: 1, valueOf: 1 }, [], [[]], null, true, -1e308, HUGE, { __proto__: 1 }, '\u0000'].map(
    (value) => jsonText(new RawObject(FIELD_NAMES.map((f) => [f, value]))),
  );

  it.each(POST_ROUTES.filter((r) => !r.endsSession).map((r) => [r.path, r] as const))(
    '%s: every field at once of the wrong type',
    async (_path, route) => {
      const problems: string[] = [];
      for (const body of EVERY_FIELD_BODIES) {
        const api = route.path.startsWith('/api/');
        const session = api ? null : await sessionOf(route.as(w));
        const before = await mark(t.db.knex);
        const req = (session ? session.agent : request(t.app)).post(urlOf(route, w));
        if (session) req.set('X-CSRF-Token', session.csrf);
        else req.set('Authorization', `Bearer ${route.as(w).token}`);
        const res = await req.set('Content-Type', 'application/json').send(body);
        if (route.path === '/runs') await settle();
        const problem = await judge(route, answerOf(res), before, body);
        if (problem) problems.push(`${problem}\nbody: ${label(body)}`);
      }
      expect(problems).toEqual([]);
    },
  );

  // A multipart body (a script's, with the X-CSRF-Token header; an upload form's, with its `_csrf` field) sent to a
  // route that reads no upload, or a body of a type no route reads, with a valid token: the route got no body at all
  // (a 500).
  it.each(pages.filter((r) => !r.endsSession).map((r) => [r.path, r] as const))(
    'page %s: a body of a type it does not read (multipart, text/plain) never breaks it',
    async (_path, route) => {
      const session = await sessionOf(route.as(w));
      const problems: string[] = [];
      const url = urlOf(route, w);
      const sends = [
        () => session.agent.post(url).set('X-CSRF-Token', session.csrf).field('note', 'x'),
        () => session.agent.post(url).set('X-CSRF-Token', session.csrf).set('Content-Type', 'text/plain').send('note=x'),
        // The token in the body, as the upload forms send it: read by an upload route's parser, refused elsewhere.
        () => session.agent.post(url).field('_csrf', session.csrf).field('note', 'x'),
      ];
      for (const send of sends) {
        const before = await mark(t.db.knex);
        const res = await send();
        if (route.path === '/runs') await settle();
        const problem = await judge(route, answerOf(res), before);
        if (problem) problems.push(problem);
      }
      expect(problems).toEqual([]);
    },
  );

  // The CSRF check of a multipart body waits for the route's parser on the five upload routes only (csrf.ts): any other
  // route reads no multipart body, and some act on an empty one (a withdrawal, a sign-out). A multipart body with the
  // session's own token in its `_csrf` field, and no header, is refused there (403) and changes nothing.
  it.each(pages.filter((r) => !r.upload).map((r) => [r.path, r] as const))(
    'page %s: a multipart body carrying a valid `_csrf` field, without the header, is refused (403); nothing changed',
    async (_path, route) => {
      const me = route.as(w);
      const session = route.endsSession ? await signIn(t.app, me.login, me.password) : await sessionOf(me);
      const before = await mark(t.db.knex);
      const res = await session.agent
        .post(urlOf(route, w))
        .field('_csrf', session.csrf)
        .field('note', 'x')
        .field('ids', String(w.objects.HR.ticket));
      if (route.path === '/runs') await settle();
      expect({ status: res.status, csrf: res.text.includes('页面已过期或请求来源无效') }).toEqual({ status: 403, csrf: true });
      expect(await changedSince(t.db.knex, before)).toEqual([]);
      // The session still works: nothing of it was ended or used up.
      if (route.endsSession) await session.agent.get('/').expect(200);
    },
  );

  // The token is never taken from the query string (it would reach access logs and the browser's history): an upload
  // form whose token is only in its action URL is refused as a form without one, before anything is written.
  it.each(pages.filter((r) => r.upload).map((r) => [r.path, r] as const))(
    'page %s (an upload): the token only in the query string is refused (403); nothing changed',
    async (_path, route) => {
      const session = await sessionOf(route.as(w));
      const before = await mark(t.db.knex);
      const res = await session.agent
        .post(`${urlOf(route, w)}?_csrf=${encodeURIComponent(session.csrf)}`)
        .field('note', 'x')
        .field('yaml', 'tables: []')
        .field('answer', 'fixed');
      expect({ status: res.status, csrf: res.text.includes('页面已过期或请求来源无效') }).toEqual({ status: 403, csrf: true });
      expect(await changedSince(t.db.knex, before)).toEqual([]);
    },
  );

  it.each(pages.filter((r) => !r.endsSession).map((r) => [r.path, r] as const))(
    'page %s: a JSON body (a hostile client, not the form) never breaks it either',
    async (_path, route) => {
      await fc.assert(
        fc.asyncProperty(jsonBody, async (body) => {
          const session = await sessionOf(route.as(w));
          const before = await mark(t.db.knex);
          const res = await session.agent
            .post(urlOf(route, w))
            .set('X-CSRF-Token', session.csrf)
            .set('Content-Type', 'application/json')
            .send(body);
          if (route.path === '/runs') await settle();
          const problem = await judge(route, answerOf(res), before, body);
          if (problem) throw new Error(`${route.path} ${problem}\nbody: ${label(body)}`);
        }),
        runParams(8),
      );
    },
    90_000,
  );
});
