import type { Express } from 'express';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import type { AppContext } from '../../server/context';
import type { Hub } from '../../server/hub';
import { createLogger } from '../../server/logger';
import { apiRequest, SharingPeople, submitThroughApi } from '../factories/sharing';
import { createMigratedTestDatabase, TestDatabase } from './database';

/** A migrated test database and the app built on it, for HTTP tests with supertest. */
export interface TestApp {
  db: TestDatabase;
  ctx: AppContext;
  app: Express;
  close(): Promise<void>;
}

export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createMigratedTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(40), DATA_DIR: '/nonexistent-test-data', ...env });
  // The hub is the same test database: hub tables a test creates (staff_basic…) do not collide with
  // the service's own tables, and one database per test file keeps tests fast.
  const hub: Hub = { knex: db.knex, dialect: 'postgres', kind: 'postgres', label: 'test database', close: async () => {} };
  const ctx: AppContext = { config, db: db.knex, hub, logger: createLogger('silent'), now: () => new Date() };
  return { db, ctx, app: createApp(ctx), close: () => db.close() };
}

/** The CSRF token from a page's <meta name="csrf-token">. */
export function csrfFrom(html: string): string {
  const match = /name="csrf-token" content="([^"]+)"/.exec(html);
  if (!match) throw new Error('page has no CSRF token');
  return match[1];
}

/** A cookie-keeping agent signed in as `login`, plus the session's CSRF token. */
export async function signIn(app: Express, login: string, password: string): Promise<{ agent: TestAgent; csrf: string }> {
  const agent = request.agent(app);
  const page = await agent.get('/login').expect(200);
  const res = await agent
    .post('/login')
    .type('form')
    .send({ login, password, _csrf: csrfFrom(page.text) });
  if (res.status !== 302) throw new Error(`sign-in as ${login} failed with ${res.status}`);
  const home = await agent.get('/').expect(200);
  return { agent, csrf: csrfFrom(home.text) };
}

/**
 * One signed-in session per person, made on first use: for suites that act as the same people over and over (the
 * access matrix, the hostile bodies). `app` is read when a session is first needed (suites build it in beforeAll).
 */
export function sessionCache(
  app: () => Express,
): (person: { id: number; login: string; password: string }) => Promise<{ agent: TestAgent; csrf: string }> {
  const sessions = new Map<number, { agent: TestAgent; csrf: string }>();
  return async (person) => {
    if (!sessions.has(person.id)) sessions.set(person.id, await signIn(app(), person.login, person.password));
    return sessions.get(person.id)!;
  };
}

/**
 * Posts a browser form as a signed-in session, its CSRF token added. `body` is the form's fields, or an already
 * encoded string where a field repeats or its order matters.
 */
export function postForm(session: { agent: TestAgent; csrf: string }, path: string, body: Record<string, string> | string) {
  const sent = typeof body === 'string' ? `_csrf=${encodeURIComponent(session.csrf)}&${body}` : { _csrf: session.csrf, ...body };
  return session.agent.post(path).type('form').send(sent);
}

/**
 * Switches a signed-in session's pages to `locale` as the language menu does (a 302 back to the home page). Written
 * once here: tests that check a message in both languages switch to English and back, and spelled the form out each
 * time.
 */
export function switchLocale(session: { agent: TestAgent; csrf: string }, locale: 'zh-CN' | 'en') {
  return postForm(session, '/locale', { locale, next: '/' }).expect(302);
}

/**
 * Posts a multipart form (one that carries files: the sharing request form) as a signed-in session, the CSRF token in
 * its header, asking for an HTML answer; `lang` sets Accept-Language, `files` (field name → content and file name) are
 * attached after the fields. Written once here: the request-form suites each built this request themselves.
 */
export function postMultipart(
  session: { agent: TestAgent; csrf: string },
  path: string,
  fields: Record<string, string>,
  opts: { files?: Record<string, [Buffer, string]>; lang?: string } = {},
) {
  let req = session.agent.post(path).set('X-CSRF-Token', session.csrf).set('Accept', 'text/html');
  if (opts.lang) req = req.set('Accept-Language', opts.lang);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  for (const [k, [content, name]] of Object.entries(opts.files ?? {})) req = req.attach(k, content, name);
  return req;
}

/**
 * The sharing suites' people as signed-in sessions, each signed in once (sessionCache), and what those suites do as
 * them: `as(login)` the session, `send(login, path, body)` a browser form posted as them (postForm), `speak(login,
 * locale)` their pages' language, `decideAs(login, id, extra)` their decision on the request's stage (approve unless
 * `extra` says otherwise; a 303), `submitted(items)` a request the applicant submitted through the API (its id;
 * staff_basic's staff_no unless `items` say otherwise). `world` (the app and the people) is read when first needed:
 * suites build them in beforeAll. Written once here: each sharing suite began with the same sessionOf/as/send lines,
 * and several with the same speak/decideAs/submitted.
 */
export function sharingSessions(world: () => { app: Express; people: SharingPeople }) {
  const sessionOf = sessionCache(() => world().app);
  const as = (login: keyof SharingPeople) => sessionOf(world().people[login]);
  const send = async (login: keyof SharingPeople, path: string, body: Record<string, string> | string) =>
    postForm(await as(login), path, body);
  const speak = async (login: keyof SharingPeople, locale: 'zh-CN' | 'en') => {
    await switchLocale(await as(login), locale);
  };
  const decideAs = async (login: keyof SharingPeople, id: number, extra: Record<string, string> = {}) => {
    expect((await send(login, `/sharing/${id}/decision`, { decision: 'approve', ...extra })).status).toBe(303);
  };
  const submitted = async (items?: Parameters<typeof apiRequest>[0]) => submitThroughApi(await as('applicant'), items);
  return { as, send, speak, decideAs, submitted };
}

/** The links (anchor, text) of a sent-back page's error summary, top to bottom; none when the page has no summary. */
export function summaryLinks(html: string): { anchor: string; text: string }[] {
  const start = html.indexOf('error-summary');
  if (start < 0) return [];
  const summary = html.slice(start, html.indexOf('</div>', start));
  return [...summary.matchAll(/<a href="#([^"]+)">([^<]*)<\/a>/g)].map(([, anchor, text]) => ({ anchor, text }));
}

/** Listens on a free local port (for browser tests); returns the base URL and a closer. */
export async function listen(app: Express): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const http = await import('node:http');
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
