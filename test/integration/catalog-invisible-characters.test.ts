import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * /catalog?q=%00 (or U+202E) is refused with a 422 page naming the field — it said "q", not the search box. And
 * /catalog/tables/staff_basic%00 said 数据目录中没有数据表“staff_basic”: the invisible NUL made it read as if an
 * existing table were missing. The name is now shown with the character written out, and said to hold one.
 */
const CATALOG = `
departments:
  - { code: HR, name: 人事处 }
tables:
  - name: staff_basic
    title: 教职工基本信息
    department: HR
    sharing: none
    key: [staff_no]
    fields:
      - { name: staff_no, title: 职工号 }
`;

let t: TestApp;
let user: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  t = await createTestApp();
  const result = await importCatalog(t.db.knex, CATALOG);
  expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  const u = await buildUser(t.db.knex, { department: 'HR', roles: ['user'] });
  user = await signIn(t.app, u.login, u.password);
});
afterAll(() => t.close());

const get = (url: string, locale: 'zh-CN' | 'en', status: number) =>
  user.agent.get(url).set('Accept-Language', locale).expect(status);

describe('the catalog search box given an invisible control character', () => {
  it.each([
    ['%00', 'zh-CN', '搜索框'],
    ['%E2%80%AE', 'zh-CN', '搜索框'],
    ['%00', 'en', 'Search box'],
  ] as const)('q=%s: the 422 page names the search box (%s)', async (q, locale, label) => {
    const res = await get(`/catalog?q=staff${q}`, locale, 422);
    expect(res.text).toMatch(new RegExp(`>${label}</`));
    expect(res.text).not.toMatch(/>q</);
    // …and leads back to the catalog without the search, not only to the home page.
    expect(res.text).toContain(
      `<a href="/catalog">${locale === 'en' ? 'Open this page without these filters' : '不带这些筛选条件重新打开此页'}</a>`,
    );
  });

  it('offers no way "back" to a path that would lead to another site', async () => {
    const res = await get('//example.com/catalog?q=%00', 'zh-CN', 422);
    expect(res.text).not.toContain('不带这些筛选条件');
    expect(res.text).not.toContain('href="//example.com');
  });
});

describe('a table page whose name holds an invisible character', () => {
  it('names it with the character written out, in Chinese and in English', async () => {
    const zh = await get('/catalog/tables/staff_basic%00', 'zh-CN', 404);
    expect(zh.text).toContain('数据目录中没有数据表“staff_basic\\u0000”（名称中含不可见字符，此处以 \\uXXXX 显示）');
    expect(zh.text).not.toContain('没有数据表“staff_basic”');
    const en = await get('/catalog/tables/staff_basic%E2%80%AE', 'en', 404);
    expect(en.text).toContain(
      'The catalog has no table “staff_basic\\u202E” (the name holds invisible characters, shown here as \\uXXXX)',
    );
  });

  it('a name without one is said as before', async () => {
    expect((await get('/catalog/tables/staff_basics', 'zh-CN', 404)).text).toContain('数据目录中没有数据表“staff_basics”');
  });
});
