import fs from 'node:fs';
import { KnexSessionStore } from '../../server/auth/session-store';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import type { CurrentUser } from '../../server/policies';
import { listTickets, transitionTicket } from '../../server/services/tickets';
import { insertTicket } from '../factories/scorecards';
import { buildTicket, EXAMPLE_CATALOG, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

const catalog = exampleCatalog();
const T0 = new Date('2026-09-30T02:00:00Z');

/** The option values of one <select name="…"> in a page, in page order. */
function optionsOf(html: string, name: string): string[] {
  const select = new RegExp(`<select name="${name}">([\\s\\S]*?)</select>`).exec(html)?.[1] ?? '';
  return [...select.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]).filter((v) => v !== '');
}

// The queue's filter menus are read with index skip scans and kept in memory under the highest
// ticket id (issue 9, Load): these pin what a user sees, including a menu that must change.
describe('ticket queue: filter menus and paging', () => {
  let t: TestApp;
  let office: { login: string; password: string };
  let steward: { login: string; password: string };

  beforeAll(async () => {
    t = await createTestApp();
    t.ctx.now = () => new Date('2026-10-01T02:00:00Z');
    const db = t.db.knex;
    await seedCatalogDepartments(db, catalog);
    await buildTicket(db, catalog, T0, { field: 'staff_no' });
    await buildTicket(db, catalog, T0, { table: 'student_status', field: 'id_card', department: 'STU', check: 'validate' });
    await buildTicket(db, catalog, new Date('2026-09-29T02:00:00Z'), {
      table: 'org_unit',
      field: 'unit_name',
      check: 'required',
    });
    office = await buildUser(db, { department: 'ITC', roles: ['it_office'] });
    steward = await buildUser(db, { department: 'HR', roles: ['steward'] });
  });
  afterAll(() => t.close());

  it("offers the IT office every ticket's table and check kind, sorted, and every department", async () => {
    const { agent } = await signIn(t.app, office.login, office.password);
    const page = (await agent.get('/tickets').expect(200)).text;
    expect(optionsOf(page, 'table')).toEqual(['org_unit', 'staff_basic', 'student_status']);
    expect(optionsOf(page, 'check')).toEqual(['deadline', 'required', 'validate']);
    expect(optionsOf(page, 'department')).toEqual(catalog.departments.map((d) => d.code).sort());
  });

  it('shows a newly filed table and check kind in the menus on the next page view', async () => {
    const { agent } = await signIn(t.app, office.login, office.password);
    await agent.get('/tickets').expect(200);
    await buildTicket(t.db.knex, catalog, T0, { table: 'student_payment', field: 'amount', department: 'FIN', check: 'pattern' });
    const page = (await agent.get('/tickets').expect(200)).text;
    expect(optionsOf(page, 'table')).toEqual(['org_unit', 'staff_basic', 'student_payment', 'student_status']);
    expect(optionsOf(page, 'check')).toEqual(['deadline', 'pattern', 'required', 'validate']);
  });

  it("keeps the chosen filter selected and limits a steward's menus to the own department", async () => {
    const { agent } = await signIn(t.app, steward.login, steward.password);
    const page = (await agent.get('/tickets?table=staff_basic').expect(200)).text;
    expect(optionsOf(page, 'table')).toEqual(['org_unit', 'staff_basic']);
    expect(optionsOf(page, 'check')).toEqual(['deadline', 'required']);
    expect(page).toContain('<option value="staff_basic" selected>');
    expect(page).not.toContain('<select name="department">');
  });

  it('pages the queue by due date with the total of all matching tickets', async () => {
    const { agent } = await signIn(t.app, steward.login, steward.password);
    // HR has two active tickets: org_unit filed a day earlier (due first), then staff_basic.
    const first = (await agent.get('/tickets?per_page=1').expect(200)).text;
    expect(first).toContain('第 1 / 2 页，共 2 条');
    expect(first).toContain('组织机构');
    const second = (await agent.get('/tickets?per_page=1&page=2').expect(200)).text;
    expect(second).toContain('第 2 / 2 页，共 2 条');
    expect(second).toContain('教职工基本信息');
    const none = (await agent.get('/tickets?status=closed').expect(200)).text;
    expect(none).toContain('第 1 / 1 页，共 0 条');
  });
});

/** The labels of one <select name="…"> in a page, by option value. */
function labelsOf(html: string, name: string): Record<string, string> {
  const select = new RegExp(`<select name="${name}">([\\s\\S]*?)</select>`).exec(html)?.[1] ?? '';
  return Object.fromEntries(
    [...select.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].filter((m) => m[1] !== '').map((m) => [m[1], m[2]]),
  );
}

// The menus filter by code (check kind, table name) and show what the table column shows: the check
// pages' names for check kinds, "title (name)" for tables the catalog titles.
describe('ticket queue: filter menus in words', () => {
  let t: TestApp;
  let office: { login: string; password: string };

  beforeAll(async () => {
    t = await createTestApp();
    t.ctx.now = () => new Date('2026-10-01T02:00:00Z');
    const db = t.db.knex;
    expect((await importCatalog(db, fs.readFileSync(EXAMPLE_CATALOG, 'utf8'))).ok).toBe(true);
    await buildTicket(db, catalog, T0, { field: 'staff_no' });
    await buildTicket(db, catalog, T0, { field: 'gender', check: 'codes' });
    await buildTicket(db, catalog, T0, {
      table: 'library_loan',
      field: null,
      department: 'LIB',
      check: 'rule:loan_reader_missing',
      message: '借阅记录读者号缺失超过1%',
    });
    await insertTicket(db, {
      department: 'HR',
      check: 'report',
      table: 'staff_basic',
      due: '2026-10-09',
      firstSeen: '2026-09-30',
    });
    // A table no longer in the catalog keeps its name.
    await insertTicket(db, {
      department: 'HR',
      check: 'required',
      table: 'legacy_staff',
      due: '2026-10-09',
      firstSeen: '2026-09-30',
    });
    office = await buildUser(db, { department: 'ITC', roles: ['it_office'] });
  });
  afterAll(() => t.close());

  it("labels check kinds and tables in the user's language, keeping the codes as values", async () => {
    const { agent, csrf } = await signIn(t.app, office.login, office.password);
    const zh = (await agent.get('/tickets?check=codes').expect(200)).text;
    expect(labelsOf(zh, 'check')).toEqual({
      codes: '代码标准',
      deadline: '维护时限',
      report: '用户纠错',
      required: '必填',
      'rule:loan_reader_missing': '自定义规则 loan_reader_missing',
    });
    expect(zh).toContain('<option value="codes" selected>代码标准</option>');
    expect(labelsOf(zh, 'table')).toEqual({
      legacy_staff: 'legacy_staff',
      library_loan: '图书借阅 (library_loan)',
      staff_basic: '教职工基本信息 (staff_basic)',
    });

    await agent.post('/locale').type('form').send({ _csrf: csrf, locale: 'en', next: '/' }).expect(302);
    const en = (await agent.get('/tickets?table=staff_basic').expect(200)).text;
    expect(labelsOf(en, 'check')).toEqual({
      codes: 'Code list',
      deadline: 'Deadline',
      report: 'User report',
      required: 'Required',
      'rule:loan_reader_missing': 'Custom rule loan_reader_missing',
    });
    expect(en).toContain('<option value="staff_basic" selected>教职工基本信息 (staff_basic)</option>');
  });

  it('names the departments in the department column, for the IT office and for a steward', async () => {
    const steward = await buildUser(t.db.knex, { department: 'LIB', roles: ['steward'] });
    for (const who of [office, steward]) {
      const { agent } = await signIn(t.app, who.login, who.password);
      const page = (await agent.get('/tickets').expect(200)).text;
      expect(page).toContain('<td title="LIB">图书馆</td>');
      expect(page).not.toContain('<td>LIB</td>');
    }
    const { agent } = await signIn(t.app, office.login, office.password);
    expect((await agent.get('/tickets').expect(200)).text).toContain('<td title="HR">人事处</td>');
  });
});

describe('ticket queue: totals kept while nothing changed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await seedCatalogDepartments(t.db.knex, catalog);
    await buildTicket(t.db.knex, catalog, T0, { field: 'staff_no' });
    await buildTicket(t.db.knex, catalog, T0, {
      table: 'student_status',
      field: 'id_card',
      department: 'STU',
      check: 'validate',
    });
  });
  afterAll(() => t.close());

  /** The statements a call sends. */
  async function statementsOf<T>(fn: () => Promise<T>): Promise<{ value: T; statements: string[] }> {
    const statements: string[] = [];
    const listen = (q: { sql: string }) => statements.push(q.sql);
    t.db.knex.on('query', listen);
    try {
      return { value: await fn(), statements };
    } finally {
      t.db.knex.removeListener('query', listen);
    }
  }

  it('counts once, then reuses the total until a ticket is filed or changes status', async () => {
    const db = t.db.knex;
    const open = () => listTickets(db, { status: 'open' }, { limit: 1, offset: 0 });
    const first = await statementsOf(open);
    expect(first.value.total).toBe(2);
    expect(first.statements).toHaveLength(2);
    const again = await statementsOf(open);
    expect(again.value.total).toBe(2);
    expect(again.value.items).toHaveLength(1);
    expect(again.statements).toHaveLength(1);

    // A status change moves a ticket out of "open" and into "acknowledged": both totals follow at once.
    const user = await buildUser(db, { department: 'HR', roles: ['steward'] });
    const steward: CurrentUser = {
      id: user.id,
      login: user.login,
      name: user.name,
      department: 'HR',
      roles: ['steward'],
      locale: 'zh-CN',
    };
    const [hr] = (await listTickets(db, { status: 'open', department: 'HR' })).items;
    await transitionTicket(db, { ticketId: hr.id, to: 'acknowledged', actor: steward, now: T0 });
    expect((await open()).total).toBe(1);
    expect((await listTickets(db, { status: 'acknowledged' })).total).toBe(1);

    // A newly filed ticket counts on the next view.
    await buildTicket(db, catalog, T0, { table: 'org_unit', field: 'unit_name', check: 'required', severity: 'medium' });
    expect((await open()).total).toBe(2);

    // The catalog's severity edited: the next run changes the ticket's severity alone, and it moves between filters.
    const high = () => listTickets(db, { status: 'open', severity: 'high' });
    const before = (await high()).total;
    await buildTicket(db, catalog, T0, { table: 'org_unit', field: 'unit_name', check: 'required', severity: 'high' });
    expect((await high()).total).toBe(before + 1);
  });
});

describe('session store: rolling expiry writes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const expiresAt = async (sid: string) =>
    new Date((await t.db.knex('sessions').where({ sid }).first('expires_at')).expires_at).getTime();
  const call = (fn: (cb: (err?: unknown) => void) => void) =>
    new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));
  const cookie = (expires: number) => ({ cookie: { originalMaxAge: 30 * 60_000, expires: new Date(expires) } }) as never;

  it('skips the write while the stored expiry is less than a minute behind, and writes once it is', async () => {
    const store = new KnexSessionStore(t.db.knex);
    const start = Date.now() + 30 * 60_000;
    await call((cb) => store.set('s1', cookie(start), cb));
    await call((cb) => store.get('s1', (err) => cb(err)));
    await call((cb) => store.touch('s1', cookie(start + 59_000), cb));
    expect(await expiresAt('s1')).toBe(start);
    await call((cb) => store.touch('s1', cookie(start + 61_000), cb));
    expect(await expiresAt('s1')).toBe(start + 61_000);
  });

  it('writes the touch of a session this instance has not read (another instance may hold it)', async () => {
    const other = new KnexSessionStore(t.db.knex);
    const start = Date.now() + 30 * 60_000;
    await call((cb) => other.set('s2', cookie(start), cb));
    const store = new KnexSessionStore(t.db.knex);
    await call((cb) => store.touch('s2', cookie(start + 1_000), cb));
    expect(await expiresAt('s2')).toBe(start + 1_000);
  });
});
