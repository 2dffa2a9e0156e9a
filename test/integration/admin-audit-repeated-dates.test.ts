import { translator } from '../../server/i18n';
import { appendAudit } from '../../server/services/audit';
import { buildDepartment, buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * A filter of the audit page sent twice (?from=2026-01-01&from=2026-02-01, or in array syntax) is a 422 saying it
 * takes one value, under its input, as /scorecards says it of a repeated ?period=: a day read as a bad date
 * ("应为真实存在的日期，收到“2026-01-01,2026-02-01”"), which each of the two days was not, and an action or a login
 * was dropped, listing everything as if filtered.
 */

const zh = translator('zh-CN');
const en = translator('en');
const escaped = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
const seqsOf = (html: string) => [...html.matchAll(/<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1]));

let t: TestApp;
let office: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  t = await createTestApp();
  await buildDepartment(t.db.knex, { code: 'HR', name: '人事处' });
  const o = await buildUser(t.db.knex, { login: 'itoffice', department: 'HR', roles: ['it_office'] });
  office = await signIn(t.app, o.login, o.password);
  for (const action of ['twice.a', 'twice.b'])
    await appendAudit(t.db.knex, { actor: null, action, objectType: 'x', objectId: 1 });
});
afterAll(() => t.close());

const errorUnder = (field: 'from' | 'to' | 'action' | 'actor', text: string) =>
  `<p class="field-error" role="alert" id="audit-${field}-error">${escaped(text)}</p>`;

it('?from= twice: the one-value message under 开始日期, not the bad-date one; the other filters still apply', async () => {
  const res = await office.agent.get('/admin/audit?action=twice&from=2026-01-01&from=2026-02-01').expect(422);
  expect(res.text).toContain(errorUnder('from', zh('errors.queryOneValue', { field: 'from' })));
  expect(res.text).not.toContain(escaped(zh('calendar.errors.fromDate', { value: '2026-01-01,2026-02-01' })));
  expect(res.text).toContain('name="from" value="" aria-invalid="true" aria-describedby="audit-from-error"');
  expect(seqsOf(res.text)).toHaveLength(2);
  expect(res.text).toContain('<option value="twice" selected>twice</option>');
});

it('?to[]= in English, and on the export (its page, nothing exported or recorded)', async () => {
  await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'en', next: '/' }).expect(302);
  try {
    const res = await office.agent.get('/admin/audit?to[]=2026-02-01').expect(422);
    expect(res.text).toContain(errorUnder('to', en('errors.queryOneValue', { field: 'to' })));
  } finally {
    await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'zh-CN', next: '/' }).expect(302);
  }
  const before = await t.db.knex('audit_log').max({ seq: 'seq' }).first();
  const exported = await office.agent.get('/admin/audit/export.csv?to=2026-02-01&to=2026-03-01').expect(422);
  expect(exported.headers['content-type']).toMatch(/^text\/html/);
  expect(exported.text).toContain(errorUnder('to', zh('errors.queryOneValue', { field: 'to' })));
  expect(await t.db.knex('audit_log').max({ seq: 'seq' }).first()).toEqual(before);
});

it('?action= or ?actor= twice: the one-value message under that input and nothing listed as if filtered by the other', async () => {
  // Dropped silently before: the page listed every row, filtered by nothing, under inputs that looked empty.
  const action = await office.agent.get('/admin/audit?action=twice.a&action=twice.b').expect(422);
  expect(action.text).toContain(errorUnder('action', zh('errors.queryOneValue', { field: 'action' })));
  expect(action.text).toContain(
    '<select name="action" aria-invalid="true" aria-describedby="audit-action-error"><option value="">',
  );
  expect(action.text).not.toMatch(/<option [^>]*selected/);
  expect(action.text).toMatch(/name="action"[^>]*aria-invalid="true" aria-describedby="audit-action-error"/);

  const actor = await office.agent.get('/admin/audit?action=twice&actor[]=itoffice').expect(422);
  expect(actor.text).toContain(errorUnder('actor', zh('errors.queryOneValue', { field: 'actor' })));
  // The other filter still applies, as with a repeated day.
  expect(seqsOf(actor.text)).toHaveLength(2);

  const before = await t.db.knex('audit_log').max({ seq: 'seq' }).first();
  const exported = await office.agent.get('/admin/audit/export.csv?actor=a&actor=b').expect(422);
  expect(exported.headers['content-type']).toMatch(/^text\/html/);
  expect(await t.db.knex('audit_log').max({ seq: 'seq' }).first()).toEqual(before);
});
