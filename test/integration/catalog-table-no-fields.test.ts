import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * A table that lists no fields says what is checked of it: its freshness when it has a bound, and the catalog's
 * custom rules on it. Every such page said "只检查时效 / only freshness is checked": the demo's library_loan said so
 * above its failed custom rule loan_reader_missing, and a table with no bound said so with nothing to check it by.
 */
const CATALOG = `
calendar: { timezone: Asia/Shanghai }
departments:
  - { code: LIB, name: 图书馆 }
tables:
  - { name: fresh_only, department: LIB, sharing: none, key: [id], updated_at: sync_time, freshness: 24h }
  - { name: fresh_ruled, department: LIB, sharing: none, key: [id], updated_at: sync_time, freshness: 24h }
  - { name: ruled_only, department: LIB, sharing: none, key: [id] }
  - { name: unchecked, department: LIB, sharing: none, key: [id] }
rules:
  - name: fresh_ruled_shrinks
    table: fresh_ruled
    conditions: { all: [{ fact: row_count_change, operator: lessThan, value: -0.2 }] }
    event: { type: ticket }
  - name: ruled_only_shrinks
    table: ruled_only
    conditions: { all: [{ fact: row_count_change, operator: lessThan, value: -0.2 }] }
    event: { type: ticket }
`;

let t: TestApp;
let user: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  t = await createTestApp();
  const result = await importCatalog(t.db.knex, CATALOG);
  expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  const u = await buildUser(t.db.knex, { department: 'LIB', roles: ['steward'] });
  user = await signIn(t.app, u.login, u.password);
});
afterAll(() => t.close());

/** The sentence under the page's 字段 heading. */
async function noFieldsLine(table: string, locale: 'zh-CN' | 'en'): Promise<string> {
  const page = (await user.agent.get(`/catalog/tables/${table}`).set('Accept-Language', locale).expect(200)).text;
  const match = /<\/small><\/h2>\s*<p class="muted">([^<]*)<\/p>/.exec(page);
  expect(match).not.toBeNull();
  return match![1];
}

it.each([
  ['fresh_only', '本表未列出字段，只检查时效。', 'No fields listed; only freshness is checked.'],
  [
    'fresh_ruled',
    '本表未列出字段，只检查时效和本表的自定义规则。',
    'No fields listed; only freshness and this table’s custom rules are checked.',
  ],
  [
    'ruled_only',
    '本表未列出字段，也没有时效要求，只检查本表的自定义规则。',
    'No fields listed and no freshness bound; only this table’s custom rules are checked.',
  ],
  [
    'unchecked',
    '本表未列出字段，也没有时效要求或自定义规则：不做任何检查。',
    'No fields listed, no freshness bound and no custom rules: nothing is checked.',
  ],
])('%s says what is checked of it without fields', async (table, zh, en) => {
  expect(await noFieldsLine(table, 'zh-CN')).toBe(zh);
  expect(await noFieldsLine(table, 'en')).toBe(en);
});

it('does not invite a report the form cannot take: only that reports go to the IT office', async () => {
  const page = (await user.agent.get('/catalog/tables/unchecked').set('Accept-Language', 'zh-CN').expect(200)).text;
  const slot = page.slice(page.indexOf('id="report-error"'));
  expect(slot).toContain('本表在数据目录中没有列出字段，暂不能在线报告错误');
  // It said 可直接报告给责任单位 first, then that it could not be reported.
  expect(slot).not.toContain('可直接报告');
});
