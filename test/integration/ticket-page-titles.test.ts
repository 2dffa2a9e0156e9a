import fs from 'node:fs';
import { translator } from '../../server/i18n';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { buildTicket, EXAMPLE_CATALOG, exampleCatalog } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * A ticket page names its table, field and sample-key columns as people know them — the catalog's titles, the
 * hub's names beside them — as the catalog and run pages do; before, it showed only `staff_basic · id_card`.
 */
let t: TestApp;
const zh = translator('zh-CN');

beforeAll(async () => {
  t = await createTestApp();
  const imported = await importCatalog(t.db.knex, fs.readFileSync(EXAMPLE_CATALOG, 'utf8'));
  expect(imported.ok).toBe(true);
});
afterAll(() => t.close());

it('shows the table, the field and the key columns by their titles, with their names', async () => {
  const ticket = await buildTicket(t.db.knex, exampleCatalog(), new Date('2026-11-20T02:00:00Z'), {
    check: 'validate',
    field: 'id_card',
    sampleKeys: [{ staff_no: '10000006' }],
  });
  const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
  const { agent } = await signIn(t.app, steward.login, steward.password);
  const html = (await agent.get(`/tickets/${ticket.id}`).expect(200)).text;
  // Linking the field's row of the catalog page, where its rule is written.
  expect(html).toContain(
    '<dd><a href="/catalog/tables/staff_basic#field-id_card">教职工基本信息 <code>staff_basic</code> · 身份证号 <code>id_card</code></a></dd>',
  );
  expect(html).toContain('<th>职工号 <small class="muted">staff_no</small></th>');
  expect(html).toContain('<code>10000006</code>');
  // The history's first step names the status the ticket was filed in, as a status, not as a bare word after the verb.
  const filed = /<ol class="ticket-history">\s*<li>([\s\S]*?)<\/li>/.exec(html)?.[1].replace(/\s+/g, ' ');
  expect(filed).toContain(`${zh('tickets.events.filed')} （${zh('tickets.status.open')}）`);
});

it('says a whole-table verdict (freshness, a catalog rule) is one, instead of "1 / 1" records', async () => {
  const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
  const { agent } = await signIn(t.app, steward.login, steward.password);
  const facts = (html: string) => /<dl class="ticket-facts">([\s\S]*?)<\/dl>/.exec(html)?.[1] ?? '';
  const violationsRow = `<dt>${zh('tickets.fields.violations')}</dt>`;
  for (const check of ['freshness', 'rule:staff_rows_dropped'] as const) {
    const ticket = await buildTicket(t.db.knex, exampleCatalog(), new Date('2026-11-20T02:00:00Z'), {
      check,
      field: null,
      violations: 1,
      checkedRows: 1,
      sampleKeys: [],
    });
    const html = facts((await agent.get(`/tickets/${ticket.id}`).expect(200)).text);
    expect({ check, row: html.includes(`${violationsRow}<dd>${zh('tickets.show.tableVerdict')}</dd>`) }).toEqual({
      check,
      row: true,
    });
    expect(html).not.toContain('1 / 1');
    // The check by its name, a catalog rule's too (not its stored code rule:…).
    const kind = check === 'freshness' ? zh('checks.kinds.freshness') : '自定义规则 staff_rows_dropped';
    expect(html).toContain(`<dt>${zh('tickets.fields.check')}</dt><dd>${kind}</dd>`);
  }
  // A field's check still counts its records.
  const counted = await buildTicket(t.db.knex, exampleCatalog(), new Date('2026-11-20T02:00:00Z'), {
    check: 'required',
    field: 'title_rank',
    violations: 3,
    checkedRows: 120,
  });
  expect(facts((await agent.get(`/tickets/${counted.id}`).expect(200)).text)).toContain(`${violationsRow}<dd>3 / 120</dd>`);
});

it('shows the blanks at a sample key’s ends, so two keys the uniqueness check counts as one can be told apart', async () => {
  const ticket = await buildTicket(t.db.knex, exampleCatalog(), new Date('2026-11-20T02:00:00Z'), {
    check: 'unique',
    field: 'staff_no',
    sampleKeys: [{ staff_no: 'B02' }, { staff_no: 'B02 ' }, { staff_no: '\u3000B 02' }],
  });
  const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
  const { agent } = await signIn(t.app, steward.login, steward.password);
  const html = (await agent.get(`/tickets/${ticket.id}`).expect(200)).text;
  const cells = [...html.matchAll(/<td><code>([^<]*)<\/code><\/td>/g)].map((m) => m[1]);
  expect(cells).toEqual(['B02', 'B02␣', '␣B 02']);
});
