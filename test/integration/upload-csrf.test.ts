import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AccessWorld, createAccessWorldApp, Person } from '../factories/access';
import { STAFF } from '../factories/reports';
import { changedSince, mark } from '../helpers/change-log';
import { sessionCache, signIn, TestApp } from '../helpers/app';

/**
 * The CSRF token of the forms that upload files (multipart): a hidden field, the form's first, never the action's
 * query string (access logs and the browser's history keep URLs). The app-wide check (middleware/csrf.ts) runs
 * before a multipart body is parsed: for the five upload routes it defers to their parser (middleware/multipart.ts),
 * which checks the body's token before the route sees anything; any other route refuses a multipart body's token.
 */

const CATALOG = fs.readFileSync(
  path.resolve(__dirname, '../../server/services/catalog/examples/university.catalog.yaml'),
  'utf8',
);
const EXPIRED = '页面已过期或请求来源无效';

let t: TestApp;
let w: AccessWorld;
/** Each person's session, signed in once. */
const sessionOf = sessionCache(() => t.app);

beforeAll(async () => {
  ({ t, w } = await createAccessWorldApp());
}, 120_000);
afterAll(() => t?.close());

/** One upload route: who posts, where, a form it takes, and what a post that went through answers. */
interface Upload {
  name: string;
  /** Who posts, where; `again`: a second post that goes through (a ticket answered once stays answered). */
  as: (again?: boolean) => Person;
  url: (again?: boolean) => string;
  /** The page its form is on. */
  page: () => string;
  /** A form the route takes, a new one each time it is asked for (a report of another field, another comment). */
  fields: (n: number) => [string, string][];
  ok: (res: request.Response) => void;
}

const UPLOADS: Upload[] = [
  {
    name: 'POST /reports (the report form)',
    as: () => w.people.HR.user,
    url: () => '/reports',
    page: () => '/reports/new',
    fields: (n) => [
      ['table', 'staff_basic'],
      ['field', ['political_status', 'mobile', 'id_card', 'political_status'][n % 4]],
      ['record_key[staff_no]', STAFF.staff_no],
      ['description', `第 ${n} 次报告：该值有误`],
      ['action', 'submit'],
    ],
    ok: (res) =>
      expect({ status: res.status, location: res.headers.location }).toEqual({
        status: 302,
        location: expect.stringMatching(/^\/reports\/\d+$/),
      }),
  },
  {
    name: 'POST /reports/tickets/:id/answer (a ticket’s answer form)',
    as: (again) => (again ? w.people.STU.steward : w.everything),
    url: (again) => `/reports/tickets/${w.objects[again ? 'STU' : 'HR'].reportTicket}/answer`,
    page: () => `/reports/tickets/${w.objects.HR.reportTicket}`,
    fields: (n) => [
      ['answer', 'not_ours'],
      ['comment', `第 ${n} 次答复：该记录由其他部门维护`],
    ],
    ok: (res) =>
      expect({ status: res.status, location: res.headers.location }).toEqual({
        status: 302,
        location: expect.stringMatching(/^\/reports\/tickets\/\d+$/),
      }),
  },
  {
    name: 'POST /sharing/new (a new sharing request)',
    as: () => w.people.HR.user,
    url: () => '/sharing/new',
    page: () => '/sharing/new',
    fields: (n) => [
      ['applicant[name]', `申请人 ${n}`],
      ['action', 'draft'],
    ],
    ok: (res) =>
      expect({ status: res.status, location: res.headers.location }).toEqual({
        status: 303,
        location: expect.stringMatching(/^\/sharing\/\d+\/edit$/),
      }),
  },
  {
    name: 'POST /sharing/:id/edit (a draft request)',
    as: () => w.people.HR.user,
    url: () => `/sharing/${w.own.get(w.people.HR.user.id)!.draft}/edit`,
    page: () => `/sharing/${w.own.get(w.people.HR.user.id)!.draft}/edit`,
    fields: (n) => [
      ['applicant[name]', `申请人 ${n}`],
      ['action', 'draft'],
    ],
    ok: (res) =>
      expect({ status: res.status, location: res.headers.location }).toEqual({
        status: 303,
        location: `/sharing/${w.own.get(w.people.HR.user.id)!.draft}/edit`,
      }),
  },
  {
    name: 'POST /catalog/import (the catalog import)',
    as: () => w.everything,
    url: () => '/catalog/import',
    page: () => '/catalog/import',
    fields: (n) => [['yaml', `${CATALOG}\n# 第 ${n} 次导入\n`]],
    ok: (res) => {
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('class="problem error"');
    },
  },
];

let serial = 0;
/** Posts the route's form as multipart, `_csrf` (if any) first, as the page's form sends it. */
function post(u: Upload, agent: TestAgent, options: { body?: string[]; header?: string; query?: string; again?: true } = {}) {
  const url = options.query === undefined ? u.url(options.again) : `${u.url()}?_csrf=${encodeURIComponent(options.query)}`;
  let req = agent.post(url).set('Accept', 'text/html');
  if (options.header !== undefined) req = req.set('X-CSRF-Token', options.header);
  for (const token of options.body ?? []) req = req.field('_csrf', token);
  for (const [k, v] of u.fields(++serial)) req = req.field(k, v);
  return req;
}

const refused = (res: request.Response) =>
  expect({ status: res.status, expired: res.text.includes(EXPIRED) }).toEqual({ status: 403, expired: true });

describe.each(UPLOADS.map((u) => [u.name, u] as const))('%s', (_name, u) => {
  it('its form carries the token as its first field, and none in its action', async () => {
    const { agent } = await sessionOf(u.as());
    const page = (await agent.get(u.page()).expect(200)).text;
    const forms = [...page.matchAll(/<form [^>]*enctype="multipart\/form-data"[^>]*>\s*<[^>]*>/g)].map((m) => m[0]);
    expect(forms.length).toBeGreaterThan(0);
    for (const form of forms) {
      expect(form).toMatch(/ action="\/[^"?]*"/);
      expect(form).toMatch(/>\s*<input type="hidden" name="_csrf" value="[^"]+">$/);
    }
    expect(page).not.toMatch(/[?&]_csrf=/);
  });

  it('the token only in the query string: refused (403), nothing written', async () => {
    const { agent, csrf } = await sessionOf(u.as());
    const before = await mark(t.db.knex);
    refused(await post(u, agent, { query: csrf }));
    expect(await changedSince(t.db.knex, before)).toEqual([]);
  });

  it('no token, a wrong one, another session’s, or two: refused (403), nothing written', async () => {
    const { agent, csrf } = await sessionOf(u.as());
    const other = await signIn(t.app, u.as().login, u.as().password);
    const before = await mark(t.db.knex);
    refused(await post(u, agent));
    refused(await post(u, agent, { body: [''] }));
    refused(await post(u, agent, { body: [csrf.slice(0, -2) + (csrf.endsWith('AA') ? 'BB' : 'AA')] }));
    refused(await post(u, agent, { body: [other.csrf] }));
    refused(await post(u, agent, { body: [csrf, csrf] }));
    // A wrong header does not stand in for the body's token either.
    refused(await post(u, agent, { header: 'x'.repeat(43) }));
    expect(await changedSince(t.db.knex, before)).toEqual([]);
  });

  it('the token in the body: the form goes through', async () => {
    const { agent, csrf } = await sessionOf(u.as());
    const before = await mark(t.db.knex);
    const res = await post(u, agent, { body: [csrf] });
    u.ok(res);
    expect(await changedSince(t.db.knex, before)).not.toEqual([]);
  });

  it('the X-CSRF-Token header (a script’s post) with a multipart body: the form goes through', async () => {
    const { agent, csrf } = await sessionOf(u.as(true));
    const before = await mark(t.db.knex);
    u.ok(await post(u, agent, { header: csrf, again: true }));
    expect(await changedSince(t.db.knex, before)).not.toEqual([]);
  });

  it('sent after the session ended: the sign-in page (401), not "page expired"; nothing written', async () => {
    const agent = request.agent(t.app);
    const before = await mark(t.db.knex);
    const res = await post(u, agent, { body: ['x'.repeat(43)] });
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^\/login\?next=/);
    expect(await changedSince(t.db.knex, before)).toEqual([]);
  });
});

describe('a multipart body to a route that reads none', () => {
  // Routes that act on an empty body: a multipart body with the session's own token in a `_csrf` field (which these
  // routes never read) and no header is refused, before the route acts.
  it('withdrawing a sharing request: refused (403), the draft still there', async () => {
    const { agent, csrf } = await sessionOf(w.people.HR.user);
    const draft = w.own.get(w.people.HR.user.id)!.draft;
    const before = await mark(t.db.knex);
    refused(await agent.post(`/sharing/${draft}/withdraw`).field('_csrf', csrf).field('note', 'x'));
    expect(await changedSince(t.db.knex, before)).toEqual([]);
    expect((await t.db.knex('sharing_requests').where({ id: draft }).first('status')).status).toBe('draft');
  });

  it('acknowledging tickets: refused (403), nothing acknowledged', async () => {
    const { agent, csrf } = await sessionOf(w.everything);
    const before = await mark(t.db.knex);
    refused(
      await agent
        .post('/tickets/acknowledge')
        .field('_csrf', csrf)
        .field('ids', String(w.objects.HR.ticket))
        .field('back', '/tickets'),
    );
    expect(await changedSince(t.db.knex, before)).toEqual([]);
  });

  it('an upload route under another spelling (its case, a trailing slash) is not deferred: refused (403)', async () => {
    const { agent, csrf } = await sessionOf(w.everything);
    const before = await mark(t.db.knex);
    for (const url of ['/Catalog/import', '/catalog/import/', '/catalog/IMPORT'])
      refused(await agent.post(url).field('_csrf', csrf).field('yaml', CATALOG));
    expect(await changedSince(t.db.knex, before)).toEqual([]);
  });
});
