import { buildUser } from '../factories';
import fs from 'node:fs';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildTicket, EXAMPLE_CATALOG, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * The ticket queue read as its users read it: the list shows what the filter menus say. A status or
 * view the menus do not have (an old or mistyped link: `?status=Closed`, `?view=late`) is the default
 * — active tickets, all views — shown as such, not every ticket under a menu that says 待处理.
 */
const catalog = exampleCatalog();
const T0 = new Date('2026-09-30T02:00:00Z');

let t: TestApp;
let office: { login: string; password: string };
let active: number;
let closed: number;

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => new Date('2026-10-01T02:00:00Z');
  const db = t.db.knex;
  await seedCatalogDepartments(db, catalog);
  // A check the example catalog has (staff_basic.name: a deadline), as the import in a test below keeps it open.
  active = (await buildTicket(db, catalog, T0, { field: 'name', check: 'deadline' })).id;
  closed = (await buildTicket(db, catalog, T0, { field: 'gender', check: 'codes' })).id;
  await db('tickets').where({ id: closed }).update({ status: 'closed', closed_reason: '表已停用' });
  office = await buildUser(db, { department: 'ITC', roles: ['it_office'] });
});
afterAll(() => t.close());

const rows = (html: string) => [...html.matchAll(/<td><a href="\/tickets\/(\d+)">#/g)].map((m) => Number(m[1]));
/** The IT office's view links above the filters (the navigation has its own 质量工单 link to /tickets). */
const views = (html: string) => /<p class="ticket-views">[\s\S]*?<\/p>/.exec(html)?.[0] ?? '';
const selectedStatus = (html: string) => /<select name="status">.*?<option value="(\w+)" selected>/s.exec(html)?.[1];

describe('the queue with a status or view it does not know', () => {
  it('lists the active tickets and says so in the status menu', async () => {
    const s = await signIn(t.app, office.login, office.password);
    const plain = (await s.agent.get('/tickets').expect(200)).text;
    expect(rows(plain)).toEqual([active]);
    expect(selectedStatus(plain)).toBe('active');
    for (const query of ['status=Closed', 'status=done', 'status=%20', 'status=a&status=b']) {
      const page = (await s.agent.get(`/tickets?${query}`).expect(200)).text;
      expect({ query, rows: rows(page), menu: selectedStatus(page) }).toEqual({ query, rows: [active], menu: 'active' });
      expect(page).toContain('第 1 / 1 页，共 1 条');
    }
    const all = (await s.agent.get('/tickets?status=all').expect(200)).text;
    expect(rows(all).sort()).toEqual([active, closed].sort());
    expect(selectedStatus(all)).toBe('all');
    // "fixed" takes check tickets awaiting their re-check and report tickets awaiting their reporter: named for both.
    expect(plain).toContain('<option value="fixed" >已整改（待复查或待确认）</option>');
  });

  it('treats an unknown view as all tickets: “全部工单” is the view shown, and the filter form does not carry it on', async () => {
    const s = await signIn(t.app, office.login, office.password);
    const page = (await s.agent.get('/tickets?view=late').expect(200)).text;
    expect(rows(page)).toEqual([active]);
    expect(views(page)).toContain('<a href="/tickets" class="active"');
    expect(page).not.toContain('name="view" value="late"');
  });
});

describe('the queue filtered by a department, table or check no ticket names', () => {
  /** The value chosen in a filter menu, '' for （全部）. */
  const chosen = (html: string, name: string) =>
    new RegExp(`<select name="${name}">.*?</select>`, 's').exec(html)![0].match(/<option value="([^"]*)" ?selected>/)?.[1] ?? '';

  it('shows the filter applied in its menu over the empty list, not （全部）', async () => {
    const s = await signIn(t.app, office.login, office.password);
    const page = (await s.agent.get('/tickets?department=NOPE&table=gone_table&check=rule%3Aold').expect(200)).text;
    expect(rows(page)).toEqual([]);
    expect({ department: chosen(page, 'department'), table: chosen(page, 'table'), check: chosen(page, 'check') }).toEqual({
      department: 'NOPE',
      table: 'gone_table',
      check: 'rule:old',
    });
    // A value the menu has is chosen once, as before; no filter chooses （全部）.
    const hr = (await s.agent.get('/tickets?department=HR&table=staff_basic').expect(200)).text;
    expect(chosen(hr, 'department')).toBe('HR');
    expect(chosen(hr, 'table')).toBe('staff_basic');
    expect(hr.match(/value="staff_basic"/g)).toHaveLength(1);
    expect(chosen((await s.agent.get('/tickets').expect(200)).text, 'table')).toBe('');
  });

  it('takes a department code and a table name in any case, as the API does, and shows them as spelled', async () => {
    // Table names as the catalog spells them (the API's filter reads the current catalog too).
    expect((await importCatalog(t.db.knex, fs.readFileSync(EXAMPLE_CATALOG, 'utf8'))).ok).toBe(true);
    const s = await signIn(t.app, office.login, office.password);
    const exact = (await s.agent.get('/tickets?department=HR&table=staff_basic').expect(200)).text;
    const typed = (await s.agent.get('/tickets?department=hr&table=STAFF_BASIC').expect(200)).text;
    expect(rows(exact).length).toBeGreaterThan(0);
    expect(rows(typed)).toEqual(rows(exact));
    expect({ department: chosen(typed, 'department'), table: chosen(typed, 'table') }).toEqual({
      department: 'HR',
      table: 'staff_basic',
    });
  });
});

describe('the queue page as a screen reader and a narrow window read it', () => {
  it('marks the view shown with aria-current, and keeps each due date on one line', async () => {
    const s = await signIn(t.app, office.login, office.password);
    const overdue = (await s.agent.get('/tickets?view=overdue').expect(200)).text;
    expect(views(overdue).match(/<a [^>]*aria-current="page"[^>]*>/g)).toEqual([
      '<a href="/tickets?view=overdue" class="active" aria-current="page">',
    ]);
    const page = (await s.agent.get('/tickets').expect(200)).text;
    expect(views(page).match(/<a [^>]*aria-current="page"[^>]*>/g)).toEqual([
      '<a href="/tickets" class="active" aria-current="page">',
    ]);
    // Medium, filed Wednesday 2026-09-30: 5 working days after the National Day holidays (Oct 1–7) are
    // Oct 8, 9, 10 (a Saturday made a working day), 12 and 13.
    expect(page).toContain('<td><span class="due-date">2026-10-13</span></td>');
  });
});

// Freshness and a catalog rule judge the whole table, stored as 1 violation of 1 "row": the list read 问题记录数 1, one
// bad record. It says 整表判定 as the ticket and run pages do; a field's ticket keeps its count.
describe('the queue with a whole-table verdict', () => {
  it('says 整表判定 / whole table for freshness and a custom rule instead of 1 record, in either language', async () => {
    const db = t.db.knex;
    const whole = { field: null, violations: 1, checkedRows: 1, sampleKeys: [] };
    const stale = (await buildTicket(db, catalog, T0, { ...whole, check: 'freshness' })).id;
    const rule = (
      await buildTicket(db, catalog, T0, {
        ...whole,
        check: 'rule:loan_reader_missing',
        table: 'library_loan',
        department: 'LIB',
      })
    ).id;
    const count = (await buildTicket(db, catalog, T0, { field: 'staff_no', check: 'unique', violations: 1 })).id;
    const s = await signIn(t.app, office.login, office.password);
    const cell = (html: string, id: number) =>
      new RegExp(`<td><a href="/tickets/${id}">#${id}</a></td>[\\s\\S]*?<td class="num">([^<]*)</td>`).exec(html)?.[1];
    const zh = (await s.agent.get('/tickets').expect(200)).text;
    expect([cell(zh, stale), cell(zh, rule), cell(zh, count)]).toEqual(['整表判定', '整表判定', '1']);
    const en = (await s.agent.get('/tickets').set('Accept-Language', 'en').expect(200)).text;
    expect([cell(en, stale), cell(en, rule), cell(en, count)]).toEqual(['whole table', 'whole table', '1']);
  });
});

// The department's 【逾期】 notice links to /tickets?view=overdue, a view only the IT office had links for: a steward's
// list was filtered to the overdue tickets with nothing saying so — 待处理 in the status menu, 共 1 条 of the
// department's many — and the filter form carried the view on.
describe('a department queue opened on a view (a notice’s link)', () => {
  it('names the view and links back to all of the department’s tickets, in either language', async () => {
    const db = t.db.knex;
    const late = (await buildTicket(db, catalog, T0, { field: 'id_card', check: 'validate' })).id;
    await db('tickets').where({ id: late }).update({ due_at: '2026-09-29' });
    const steward = await buildUser(db, { department: 'HR', roles: ['steward'] });
    const s = await signIn(t.app, steward.login, steward.password);
    const zh = (await s.agent.get('/tickets?view=overdue').expect(200)).text;
    expect(rows(zh)).toEqual([late]);
    expect(views(zh)).toContain('<a href="/tickets">全部工单</a>');
    expect(views(zh)).toContain('<a href="/tickets?view=overdue" class="active" aria-current="page">逾期</a>');
    const en = (await s.agent.get('/tickets?view=overdue').set('Accept-Language', 'en').expect(200)).text;
    expect(views(en)).toContain('<a href="/tickets?view=overdue" class="active" aria-current="page">Overdue</a>');
    // Without a view the department's list has no view links (they are the IT office's).
    const plain = (await s.agent.get('/tickets').expect(200)).text;
    expect(views(plain)).toBe('');
    expect(rows(plain)).toEqual(expect.arrayContaining([active, late]));
  });
});
