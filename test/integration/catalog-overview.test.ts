import { importCatalog } from '../../server/services/catalog/repository';
import { translator } from '../../server/i18n';
import { buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * /catalog rendered every field of every table on one page. It now pages by entry (a table under its
 * owner, or a field a department owns in another's table), 25 a page, keeping the `q` filter, and
 * lists a table's fields by count (fields another department owns, and with a query the matching
 * fields, still by name).
 */
const zh = translator('zh-CN');
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/=/g, '&#x3D;');

const n2 = (i: number) => String(i).padStart(2, '0');
/** 30 HR tables t01…t30 (t07 has a field 政治面貌 owned by ORG), each with three fields f1…f3. */
const CATALOG = `
departments:
  - { code: HR, name: 人事处 }
  - { code: ORG, name: 党委组织部 }
  - { code: LIB, name: 图书馆 }
tables:
${Array.from({ length: 30 }, (_, k) => {
  const i = k + 1;
  const extra = i === 7 ? '\n      - { name: political_status, title: 政治面貌, department: ORG }' : '';
  return `  - name: t${n2(i)}
    title: 表${n2(i)}
    department: HR
    sharing: none
    key: [f1]
    fields:
      - { name: f1, title: 字段一${n2(i)} }
      - { name: f2, title: 字段二 }
      - { name: f3, title: 字段三 }${extra}`;
}).join('\n')}
`;

describe('/catalog overview', () => {
  let t: TestApp;
  let user: Awaited<ReturnType<typeof signIn>>;
  /** Tables listed on a page, in order. */
  const tablesOf = (page: string) => [...page.matchAll(/<a href="\/catalog\/tables\/(t\d\d)"><strong>/g)].map((m) => m[1]);

  beforeAll(async () => {
    t = await createTestApp();
    const result = await importCatalog(t.db.knex, CATALOG);
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const u = await buildUser(t.db.knex, { department: 'LIB', roles: ['user'] });
    user = await signIn(t.app, u.login, u.password);
  });
  afterAll(() => t.close());

  it("links a department's name to its page for those who may open it, and only for them", async () => {
    const headingOf = (page: string, code: string) => /<h2>(.*?)<\/h2>/s.exec(page.slice(page.indexOf(`id="dept-${code}"`)))?.[1];
    const office = await buildUser(t.db.knex, { department: 'LIB', roles: ['it_office'] });
    const asOffice = (await (await signIn(t.app, office.login, office.password)).agent.get('/catalog?q=表07').expect(200)).text;
    expect(headingOf(asOffice, 'HR')).toBe('<a href="/departments/HR">人事处</a> <small class="muted">HR</small>');
    expect(headingOf(asOffice, 'ORG')).toBe('<a href="/departments/ORG">党委组织部</a> <small class="muted">ORG</small>');
    // A steward opens only their own department's page; a plain user none.
    const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    const asSteward = (await (await signIn(t.app, steward.login, steward.password)).agent.get('/catalog?q=表07').expect(200))
      .text;
    expect(headingOf(asSteward, 'HR')).toBe('<a href="/departments/HR">人事处</a> <small class="muted">HR</small>');
    expect(headingOf(asSteward, 'ORG')).toBe('党委组织部 <small class="muted">ORG</small>');
    const asUser = (await user.agent.get('/catalog?q=表07').expect(200)).text;
    expect(headingOf(asUser, 'HR')).toBe('人事处 <small class="muted">HR</small>');
    expect(asUser).not.toContain('href="/departments/');
  });

  it('pages by entry, 25 a page, tables by their field count', async () => {
    const first = (await user.agent.get('/catalog').expect(200)).text;
    expect(tablesOf(first)).toEqual(Array.from({ length: 25 }, (_, k) => `t${n2(k + 1)}`));
    expect(first).toContain(zh('catalog.table.fieldCount', { count: 3 }));
    expect(first).not.toContain('字段二'); // fields are counted, not listed
    expect(first).toContain('政治面貌 → ORG'); // but a field another department owns is named
    // 32 entries (30 tables, ORG's field in HR's table, LIB with neither) on two pages, counted as the reader counts: tables.
    expect(first).toContain('第 1 / 2 页，共 30 张表');
    expect(first).not.toContain('共 32 条');
    expect(first).toContain(`href="${html('/catalog?page=2')}"`);

    const second = (await user.agent.get('/catalog?page=2').expect(200)).text;
    expect(tablesOf(second)).toEqual(['t26', 't27', 't28', 't29', 't30']);
    expect(second).toContain('id="dept-HR"'); // HR continues on page 2
    expect(second).toContain('id="dept-ORG"');
    expect(second).toContain('表07</a> · 政治面貌');
    expect(second).toContain('id="dept-LIB"');
    // A department with neither is said to be so in a sentence (it was "（无）").
    expect(second).toContain('<p class="muted">本部门在数据目录中没有负责的表或字段。</p>');
  });

  it('keeps the q filter across pages and lists the matching fields', async () => {
    const first = (await user.agent.get('/catalog').query({ q: '字段一' }).expect(200)).text;
    expect(tablesOf(first)).toHaveLength(25);
    expect(first).toContain('字段一01');
    expect(first).not.toContain('字段二');
    expect(first).toContain(`href="${html('/catalog?q=字段一&page=2')}"`.replace('字段一', encodeURIComponent('字段一')));
    const second = (await user.agent.get('/catalog').query({ q: '字段一', page: '2' }).expect(200)).text;
    expect(tablesOf(second)).toEqual(['t26', 't27', 't28', 't29', 't30']);
    expect(second).not.toContain('id="dept-LIB"');

    const one = (await user.agent.get('/catalog').query({ q: 't07' }).expect(200)).text;
    expect(tablesOf(one)).toEqual(['t07']);
    expect(one).not.toContain('class="pager"');
  });

  it('searches the query trimmed: spaces only are no search', async () => {
    const spaced = (await user.agent.get('/catalog').query({ q: '  t07 ' }).expect(200)).text;
    expect(tablesOf(spaced)).toEqual(['t07']);
    expect(spaced).toContain('“t07”的搜索结果');
    expect(spaced).toContain('value="t07"');
    // It showed "“ ”的搜索结果" above the whole catalog.
    const blank = (await user.agent.get('/catalog').query({ q: '   ' }).expect(200)).text;
    expect(blank).not.toContain('的搜索结果');
    expect(tablesOf(blank)).toHaveLength(25);
  });

  it("opens a table by its name in any case (the catalog's spelling), and names an unknown one", async () => {
    const other = await user.agent.get('/catalog/tables/T07').expect(302);
    expect(other.headers.location).toBe('/catalog/tables/t07');
    await user.agent.get('/catalog/tables/t07').expect(200);
    const unknown = await user.agent.get('/catalog/tables/t99').expect(404);
    expect(unknown.text).toContain('数据目录中没有数据表“t99”');
  });
});
