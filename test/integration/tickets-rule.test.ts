import fs from 'node:fs';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { buildTicket, EXAMPLE_CATALOG, exampleCatalog } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * A ticket says what the catalog requires of the data it flags — the reader fixing 职工号 reads 格式 ^[0-9]{8}$ on the
 * ticket, not only "值不符合规定格式" — and links to the field's row of the catalog page, where the rule is written.
 */
const catalog = exampleCatalog();
const T0 = new Date('2026-09-30T02:00:00Z');
let t: TestApp;
let reader: Awaited<ReturnType<typeof buildUser>>;

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => new Date('2026-10-01T02:00:00Z');
  const imported = await importCatalog(t.db.knex, fs.readFileSync(EXAMPLE_CATALOG, 'utf8'));
  if (!imported.ok) throw new Error(JSON.stringify(imported.problems));
  // The IT office reads every department's tickets (a reader, their own; the rule is on the page for both).
  reader = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
});
afterAll(() => t.close());

async function ruleOf(over: Parameters<typeof buildTicket>[3], locale: 'zh-CN' | 'en' = 'zh-CN') {
  const ticket = await buildTicket(t.db.knex, catalog, T0, over);
  const { agent } = await signIn(t.app, reader.login, reader.password);
  const html = (await agent.get(`/tickets/${ticket.id}`).set('Accept-Language', locale).expect(200)).text;
  return {
    html,
    rule: /<dd class="ticket-rule">([^<]*)<\/dd>/.exec(html)?.[1] ?? null,
  };
}

it('says the pattern, and links the table and field to the field’s row of the catalog page', async () => {
  const { html, rule } = await ruleOf({ check: 'pattern', field: 'staff_no' });
  expect(rule).toBe('格式 ^[0-9]{8}$');
  expect(html).toContain('<a href="/catalog/tables/staff_basic#field-staff_no">教职工基本信息 <code>staff_basic</code>');
});

it('spells out a short national code list (性别), and names a long one', async () => {
  expect((await ruleOf({ check: 'codes', field: 'gender' })).rule).toBe(
    '代码：GB/T 2261.1 人的性别代码（0 未知的性别、1 男、2 女、9 未说明的性别）',
  );
  expect((await ruleOf({ check: 'codes', field: 'political_status', department: 'ORG' })).rule).toBe(
    '代码：GB/T 4762 政治面貌代码',
  );
});

it('says the validator, the deadline in words and the freshness bound, in the reader’s language', async () => {
  expect((await ruleOf({ check: 'validate', field: 'id_card', severity: 'high' })).rule).toBe('校验：身份证号（GB 11643）');
  expect((await ruleOf({ check: 'deadline', field: 'name' })).rule).toBe('教师报到后7天内');
  expect((await ruleOf({ check: 'freshness', field: undefined })).rule).toBe('最新数据不超过 24小时');
  expect((await ruleOf({ check: 'pattern', field: 'staff_no' }, 'en')).rule).toBe('pattern ^[0-9]{8}$');
});

it('says nothing for an error report or a custom rule, which have no catalog rule to quote', async () => {
  expect(
    (await ruleOf({ check: 'rule:loan_reader_missing', table: 'library_loan', field: undefined, department: 'LIB' })).rule,
  ).toBeNull();
});

it('draws a custom rule’s trend from the rule’s own results, whatever its name holds (& # and spaces)', async () => {
  const check = 'rule:借阅 & 归还 #1';
  const { html } = await ruleOf({ check, table: 'library_loan', field: undefined, department: 'LIB' });
  const canvas = /<canvas data-trend="([^"]*)" data-label="([^"]*)"/.exec(html);
  const url = new URL(canvas![1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '='), 'http://x');
  expect(url.pathname).toBe('/checks/trend');
  expect(Object.fromEntries(url.searchParams)).toEqual({ table: 'library_loan', check });
  // A custom rule judges the whole table: its chart plots 1 for failed, 0 for passed.
  expect(canvas![2]).toBe('未通过为 1，通过为 0');
  // …and the chart gets the words for them, so its axis and tooltip read 未通过 / 通过, as on the table page.
  expect(html).toContain('data-failed="未通过" data-passed="通过"');
});
