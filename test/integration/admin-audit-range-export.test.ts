import { translator } from '../../server/i18n';
import { AUDIT_CSV_COLUMNS } from '../../server/presenters/audit';
import { appendAudit, AUDIT_BATCH, auditBatches, type AuditEntry } from '../../server/services/audit';
import { buildDepartment, buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * The audit page's date range (days in the university's time zone, `to` inclusive; a bad day or a reversed range
 * is a 422 naming the field, the other filters kept) and its CSV export (every matching row, newest first, text
 * cells guarded as the scorecard export guards them, the export itself recorded).
 */

const zh = translator('zh-CN');
const en = translator('en');
const escaped = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');

/** The links of a page as a browser reads them (handlebars writes = as &#x3D;). */
const hrefsOf = (html: string) =>
  [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1].replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'));

/** The seqs of the rows a page lists, in order. */
const seqsOf = (html: string) => [...html.matchAll(/<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1]));

/** RFC 4180 fields, quotes and line breaks inside quotes included. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  return rows;
}

/** An audit row written at `at` (the database clock writes now: the time is set afterwards, as a test may). */
async function rowAt(t: TestApp, at: string, entry: AuditEntry): Promise<number> {
  const { seq } = await appendAudit(t.db.knex, entry);
  await t.db
    .knex('audit_log')
    .where({ seq })
    .update({ occurred_at: new Date(at) });
  return seq;
}

describe('/admin/audit date range and CSV export (Asia/Shanghai)', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;
  let steward: Awaited<ReturnType<typeof signIn>>;
  /** Rows of action `rng.*` around November 2026 in Beijing time (UTC+8). */
  const at: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestApp();
    await buildDepartment(t.db.knex, { code: 'HR', name: '人事处' });
    const o = await buildUser(t.db.knex, { login: 'itoffice', department: 'HR', roles: ['it_office'] });
    office = await signIn(t.app, o.login, o.password);
    const s = await buildUser(t.db.knex, { login: 'wang.hr', department: 'HR', roles: ['steward'] });
    steward = await signIn(t.app, s.login, s.password);
    const times: Record<string, string> = {
      oct31_2359: '2026-10-31T15:59:00Z',
      nov01_0001: '2026-10-31T16:01:00Z',
      nov30_2359: '2026-11-30T15:59:00Z',
      dec01_0001: '2026-11-30T16:01:00Z',
    };
    for (const [name, time] of Object.entries(times)) at[name] = await rowAt(t, time, { action: `rng.${name}` });
  });
  afterAll(() => t.close());

  it("keeps the rows of the range's days in Beijing time, from 00:00 of the first to 23:59 of the last", async () => {
    const rows = async (query: string) => seqsOf((await office.agent.get(`/admin/audit?action=rng&${query}`).expect(200)).text);
    expect(await rows('from=2026-11-01&to=2026-11-30')).toEqual([at.nov30_2359, at.nov01_0001]);
    expect(await rows('from=2026-11-01')).toEqual([at.dec01_0001, at.nov30_2359, at.nov01_0001]);
    expect(await rows('to=2026-10-31')).toEqual([at.oct31_2359]);
    // One day; spaces around a day do not count; empty is no bound.
    expect(await rows('from=%202026-12-01%20&to=2026-12-01')).toEqual([at.dec01_0001]);
    expect(await rows('from=&to=')).toHaveLength(4);
    // The form shows the days as typed.
    const page = await office.agent.get('/admin/audit?action=rng&from=2026-11-01&to=2026-11-30').expect(200);
    expect(page.text).toContain('name="from" value="2026-11-01"');
    expect(page.text).toContain('name="to" value="2026-11-30"');
  });

  it('answers a bad day or a reversed range with 422 and the message under its input, the other filters kept', async () => {
    const bad = await office.agent.get('/admin/audit?action=rng&from=2026-13-01&to=2026-11-30').expect(422);
    expect(bad.text).toContain(
      `<p class="field-error" role="alert" id="audit-from-error">${escaped(zh('calendar.errors.fromDate', { value: '2026-13-01' }))}</p>`,
    );
    expect(bad.text).toContain('name="from" value="2026-13-01" aria-invalid="true" aria-describedby="audit-from-error"');
    // The action filter still applies (all four rng rows, the range left out); its menu keeps it chosen.
    expect(seqsOf(bad.text)).toHaveLength(4);
    expect(bad.text).toContain('<option value="rng" selected>rng</option>');
    // The export link carries the filters that apply, not the refused day.
    expect(hrefsOf(bad.text)).toContain('/admin/audit/export.csv?action=rng');

    const reversed = await office.agent.get('/admin/audit?from=2026-12-01&to=2026-11-30&actor=nobody').expect(422);
    expect(reversed.text).toContain(`>${escaped(zh('calendar.errors.range', { from: '2026-12-01' }))}</p>`);
    expect(reversed.text).toContain('name="actor" value="nobody"');
    expect(reversed.text).toContain(zh('admin.audit.none'));

    // In the reader's language; a date before 1900 said so.
    await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'en', next: '/' }).expect(302);
    try {
      const old = await office.agent.get('/admin/audit?to=1899-12-31').expect(422);
      expect(old.text).toContain(`>${escaped(en('calendar.errors.toBefore1900', { value: '1899-12-31' }))}</p>`);
      const word = await office.agent.get('/admin/audit?from=someday').expect(422);
      expect(word.text).toContain(`>${escaped(en('calendar.errors.fromDate', { value: 'someday' }))}</p>`);
    } finally {
      await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    }
    // The export with a bad range: the page and its message, nothing written.
    const before = await t.db.knex('audit_log').max({ seq: 'seq' }).first();
    const exported = await office.agent.get('/admin/audit/export.csv?action=rng&from=2026-02-30').expect(422);
    expect(exported.headers['content-type']).toMatch(/^text\/html/);
    expect(exported.text).toContain(`>${escaped(zh('calendar.errors.fromDate', { value: '2026-02-30' }))}</p>`);
    expect(await t.db.knex('audit_log').max({ seq: 'seq' }).first()).toEqual(before);
    // Nothing else broken: the page without a range answers as before.
    await office.agent.get('/admin/audit').expect(200);
  });

  it('pages within the range: the pager links and the past-the-end redirect keep it', async () => {
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) seqs.push(await rowAt(t, `2026-11-1${i}T04:00:00Z`, { action: 'pg.in' }));
    await rowAt(t, '2026-12-05T04:00:00Z', { action: 'pg.out' });
    const range = 'action=pg&from=2026-11-01&to=2026-11-30';
    const first = await office.agent.get(`/admin/audit?${range}&per_page=2`).expect(200);
    expect(seqsOf(first.text)).toEqual([seqs[4], seqs[3]]);
    const next = hrefsOf(first.text).find((h) => h.startsWith('/admin/audit?') && h.includes('page=2'))!;
    expect(new URL(next, 'http://x').searchParams.get('from')).toBe('2026-11-01');
    expect(new URL(next, 'http://x').searchParams.get('to')).toBe('2026-11-30');
    expect(seqsOf((await office.agent.get(next).expect(200)).text)).toEqual([seqs[2], seqs[1]]);
    const past = await office.agent.get(`/admin/audit?${range}&per_page=2&page=9`).expect(302);
    expect(past.headers.location).toBe(`/admin/audit?${range}&per_page=2&page=3`);
    expect(seqsOf((await office.agent.get(past.headers.location).expect(200)).text)).toEqual([seqs[0]]);
    // The export link carries the range.
    expect(hrefsOf(first.text)).toContain('/admin/audit/export.csv?action=pg&from=2026-11-01&to=2026-11-30');
  });

  it('exports every matching row, newest first, with its columns; text cells guarded; the export recorded', async () => {
    const hostile = await rowAt(t, '2026-11-15T01:02:03Z', {
      actor: { login: '007', department: 'HR', roles: ['steward'] },
      action: 'ticket.transition',
      objectType: 'ticket',
      objectId: '=HYPERLINK("http://x","y")',
      summary: { comment: '=1+1', before: { status: 'open' }, after: { status: 'acknowledged' } },
      ip: '10.0.0.7',
      requestId: 'req-1',
    });
    const plain = await rowAt(t, '2026-11-16T01:00:00Z', {
      action: 'catalog.import',
      objectType: 'catalog_version',
      objectId: 3,
    });
    await rowAt(t, '2026-12-16T01:00:00Z', { action: 'catalog.import' });
    const res = await office.agent.get('/admin/audit/export.csv?from=2026-11-15&to=2026-11-16').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="audit-2026-11-15-2026-11-16.csv"');
    expect(res.text.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(res.text.slice(1));
    expect(header).toEqual(AUDIT_CSV_COLUMNS.map((c) => zh(`admin.audit.csv.${c}`)));
    expect(rows.map((r) => Number(r[0]))).toEqual([plain, hostile]);
    const stored = await t.db.knex('audit_log').where({ seq: hostile }).first('row_hash');
    const [, time, login, department, action, actionName, objectType, objectId, summary, ip, requestId, rowHash] = rows[1];
    expect({ time, login, department, action, actionName, objectType, objectId, ip, requestId, rowHash }).toEqual({
      time: '2026-11-15 09:02:03',
      // Excel would read 007 as the number 7: the text formula keeps it.
      login: '="007"',
      department: 'HR',
      action: 'ticket.transition',
      actionName: zh('admin.audit.actions.ticket.transition'),
      objectType: 'ticket',
      // A formula defused with a leading quote, the quotes inside kept (doubled in the file).
      objectId: `'=HYPERLINK("http://x","y")`,
      ip: '10.0.0.7',
      requestId: 'req-1',
      rowHash: String(stored.row_hash).trim(),
    });
    expect(res.text).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    // The page's lines, keys named; a value starting with = is inside the cell, not at its start.
    expect(summary.split('\n').sort()).toEqual(
      [`${zh('admin.audit.keys.comment')}: =1+1`, `${zh('admin.audit.keys.status')}: 待签收 → 已签收`].sort(),
    );
    // A row without actor, ip or request id: empty cells.
    expect(rows[0].slice(2, 4)).toEqual(['', '']);
    expect(rows[0].slice(9, 11)).toEqual(['', '']);

    // The export is recorded, after the rows it holds, with its filters.
    const record = await t.db.knex('audit_log').orderBy('seq', 'desc').first();
    expect(record).toMatchObject({ action: 'audit.export', actor_login: 'itoffice' });
    expect(record.summary).toEqual({
      action: null,
      actor: null,
      object_type: null,
      object_id: null,
      from: '2026-11-15',
      to: '2026-11-16',
    });
    expect(res.text).not.toContain('audit.export');
  });

  it('exports in English with the filters of the page; without a range the file is named up to today', async () => {
    await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'en', next: '/' }).expect(302);
    try {
      const res = await office.agent.get('/admin/audit/export.csv?action=rng').expect(200);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-until-\d{4}-\d{2}-\d{2}\.csv"$/);
      const [header, ...rows] = parseCsv(res.text.slice(1));
      expect(header[1]).toBe(en('admin.audit.csv.time'));
      expect(rows.map((r) => Number(r[0]))).toEqual([at.dec01_0001, at.nov30_2359, at.nov01_0001, at.oct31_2359]);
      expect(rows.map((r) => r[1])).toEqual([
        '2026-12-01 00:01:00',
        '2026-11-30 23:59:00',
        '2026-11-01 00:01:00',
        '2026-10-31 23:59:00',
      ]);
    } finally {
      await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    }
  });

  it('exports more rows than one batch, each once', async () => {
    // AUDIT_BATCH + 1 rows written at once (their hashes are not a chain: the export copies what is stored).
    const top = Number((await t.db.knex('audit_log').max({ seq: 'seq' }).first())!.seq);
    const n = AUDIT_BATCH + 1;
    await t.db.knex.raw(
      `insert into audit_log (seq, occurred_at, actor_roles, action, summary, prev_hash, row_hash)
       select ? + g, now(), '{}', 'bulk.row', '{}'::jsonb, repeat('0', 64), lpad(to_hex(g), 64, '0')
         from generate_series(1, ?) g`,
      [Number(top), n],
    );
    const res = await office.agent.get('/admin/audit/export.csv?action=bulk').expect(200);
    const rows = parseCsv(res.text.slice(1)).slice(1);
    expect(rows.map((r) => Number(r[0]))).toEqual(Array.from({ length: n }, (_, i) => Number(top) + n - i));
  });

  it('reads the rows in batches by seq: each row once, newest first', async () => {
    const all = (await t.db.knex('audit_log').where('action', 'like', 'rng.%').orderBy('seq', 'desc').pluck('seq')).map(Number);
    const seen: number[] = [];
    for await (const batch of auditBatches(t.db.knex, { action: 'rng' }, Number.MAX_SAFE_INTEGER, 3)) {
      expect(batch.length).toBeLessThanOrEqual(3);
      seen.push(...batch.map((r) => r.seq));
    }
    expect(seen).toEqual(all);
    const below: number[] = [];
    for await (const batch of auditBatches(t.db.knex, { action: 'rng' }, all[1], 1)) below.push(...batch.map((r) => r.seq));
    expect(below).toEqual(all.slice(2));
  });

  it('refuses a steward the page and the export (403), writing nothing', async () => {
    const before = await t.db.knex('audit_log').max({ seq: 'seq' }).first();
    await steward.agent.get('/admin/audit?from=2026-11-01').expect(403);
    await steward.agent.get('/admin/audit/export.csv?from=2026-11-01').expect(403);
    expect(await t.db.knex('audit_log').max({ seq: 'seq' }).first()).toEqual(before);
  });
});

describe('/admin/audit in a zone with daylight saving (America/New_York)', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    t = await createTestApp({ TZ: 'America/New_York' });
    await buildDepartment(t.db.knex, { code: 'HR', name: '人事处' });
    const o = await buildUser(t.db.knex, { login: 'itoffice', department: 'HR', roles: ['it_office'] });
    office = await signIn(t.app, o.login, o.password);
  });
  afterAll(() => t.close());

  it('reads a day by its own offset: 2026-11-01 (clocks back at 02:00) is 25 hours from 04:00Z', async () => {
    const before = await rowAt(t, '2026-11-01T03:59:00Z', { action: 'dst.before' }); // Oct 31, 23:59 EDT
    const first = await rowAt(t, '2026-11-01T04:01:00Z', { action: 'dst.first' }); // Nov 1, 00:01 EDT
    const last = await rowAt(t, '2026-11-02T04:59:00Z', { action: 'dst.last' }); // Nov 1, 23:59 EST
    await rowAt(t, '2026-11-02T05:01:00Z', { action: 'dst.after' }); // Nov 2, 00:01 EST
    const page = await office.agent.get('/admin/audit?action=dst&from=2026-11-01&to=2026-11-01').expect(200);
    expect(seqsOf(page.text)).toEqual([last, first]);
    const csv = parseCsv((await office.agent.get('/admin/audit/export.csv?action=dst&to=2026-10-31').expect(200)).text.slice(1));
    expect(csv.slice(1).map((r) => [Number(r[0]), r[1]])).toEqual([[before, '2026-10-31 23:59:00']]);
  });
});
