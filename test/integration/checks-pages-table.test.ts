import { checkRunnerDeps } from '../../server/services/checks/deps';
import { runNow } from '../../server/services/checks/runs';
import { importCheckCatalog, Session, signInAs, staffCatalog, startCheckPages } from '../factories/checks';
import type { TestApp } from '../helpers/app';

/**
 * A catalog table page's "latest check results" are the checks the table has now, as its last check
 * found them: a check the catalog no longer has (a rule or a field requirement removed by an import) is
 * history, not a current failure with a trend chart.
 */
/** A custom rule: fires while the table has fewer than 10 records (a whole-table verdict). */
const STAFF_TOO_FEW = `  - name: staff_too_few
    table: staff
    conditions:
      all:
        - { fact: row_count, operator: lessThan, value: 10 }
    event: { type: ticket, params: { severity: low, message: 教职工记录少于10条 } }`;

const catalog = (withRule: boolean) =>
  staffCatalog({
    fields: [{ name: 'phone', title: '办公电话', required: withRule }],
    rules: withRule
      ? `rules:
${STAFF_TOO_FEW}`
      : undefined,
  });

describe('check pages: a table page', () => {
  let t: TestApp;
  let steward: Session;

  beforeAll(async () => {
    // The catalog is each test's own: the first has the rule and the phone requirement, the second no longer.
    ({ t, session: steward } = await startCheckPages({
      hub: {
        staff: {
          columns: ['staff_no', 'phone'],
          rows: [
            { staff_no: '1', phone: null },
            { staff_no: null, phone: '0371-1' },
          ],
        },
      },
      as: 'steward',
    }));
  });
  afterAll(() => t?.close());

  const resultsOf = (html: string) =>
    /<section class="panel" id="latest-check-results">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';

  it('shows the failing checks the catalog has, with a trend each', async () => {
    await importCheckCatalog(t.db.knex, catalog(true));
    await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });
    const panel = resultsOf((await steward.agent.get('/catalog/tables/staff').expect(200)).text);
    expect(panel).toContain('办公电话');
    expect(panel).toContain('自定义规则 staff_too_few');
    expect(panel.match(/<canvas data-trend=/g)).toHaveLength(3);
    // A table-level check's chart is captioned by the check alone, not "check · —".
    expect(panel).toContain('<figcaption>自定义规则 staff_too_few</figcaption>');
    expect(panel).toContain('<figcaption>必填 · 职工号</figcaption>');
  });

  it('reads a whole-table verdict as such, not "1 / 1", and folds the trends of passing checks away until opened', async () => {
    await importCheckCatalog(
      t.db.knex,
      staffCatalog({
        rules: `rules:
${STAFF_TOO_FEW}
  - name: staff_none
    table: staff
    conditions:
      all:
        - { fact: row_count, operator: lessThan, value: 1 }
    event: { type: ticket, params: { severity: low, message: 没有教职工记录 } }`,
      }),
    );
    await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });
    const panel = resultsOf((await steward.agent.get('/catalog/tables/staff').expect(200)).text);
    const row = (label: string) => {
      const at = panel.indexOf(`>${label}</span>`);
      return panel.slice(at, panel.indexOf('</tr>', at));
    };
    // A rule judges the table: no row counts; a field check keeps its own.
    expect(row('自定义规则 staff_too_few')).toContain('<td class="num">整表判定</td>');
    expect(row('自定义规则 staff_none')).toContain('<td class="num">整表判定</td>');
    expect(row('必填')).toContain('<td class="num">1 / 2</td>');
    // The two failing checks' trends in sight; the passing rule's behind a <details> the page draws when opened.
    const [shown, folded] = panel.split('<details class="trends-folded">');
    expect(shown.match(/<canvas data-trend=/g)).toHaveLength(2);
    expect(folded).toContain('<summary>其余 1 项检查的趋势</summary>');
    expect(
      folded.match(/<canvas data-trend="[^"]*check(?:=|&#x3D;)rule%3Astaff_none[^"]*" data-label="未通过为 1，通过为 0"/g),
    ).toHaveLength(1);
  });

  it('lists failing record checks by their problem records first, the failed whole-table verdicts after them, as the scorecard does', async () => {
    // One office phone is no mobile number (validate: 1 record) and the table has fewer than 10 records (a rule's
    // verdict, stored as 1 of 1): the verdict is no count of records, so it does not sort among the 1-record checks.
    await importCheckCatalog(
      t.db.knex,
      staffCatalog({
        fields: [{ name: 'phone', title: '办公电话', validate: 'cn_mobile' }],
        rules: `rules:
${STAFF_TOO_FEW}`,
      }),
    );
    await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });
    const panel = resultsOf((await steward.agent.get('/catalog/tables/staff').expect(200)).text);
    const table = panel.slice(0, panel.indexOf('</table>'));
    const order = [...table.matchAll(/<tr>\s*<td><span class="badge [^"]*">([^<]+)<\/span>/g)].map((m) => m[1]);
    expect(order.slice(0, 3)).toEqual(['必填', '有效性', '自定义规则 staff_too_few']);
  });

  it('no longer shows checks an import removed once the table is checked again', async () => {
    await importCheckCatalog(t.db.knex, catalog(false));
    await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });
    const panel = resultsOf((await steward.agent.get('/catalog/tables/staff').expect(200)).text);
    expect(panel).toContain('职工号');
    expect(panel).not.toContain('办公电话');
    expect(panel).not.toContain('staff_too_few');
    expect(panel.match(/<canvas data-trend=/g)).toHaveLength(1);
  });

  it("links a run's tables to their catalog pages while the catalog has them", async () => {
    const run = await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });
    await t.db
      .knex('check_run_tables')
      .insert({ run_id: run.runId, table_name: 'dropped', status: 'ok', duration_ms: 3, row_count: 1 });
    const { agent } = await signInAs(t, 'office', 'HR');
    const page = (await agent.get(`/runs/${run.runId}`).expect(200)).text;
    expect(page).toContain('<a href="/catalog/tables/staff">教职工 <code>staff</code></a>');
    // A table an import removed since: named, without a link to a page that no longer exists.
    expect(page).toContain('<td><code>dropped</code></td>');
    expect(page).not.toContain('href="/catalog/tables/dropped"');
  });

  it('keeps the last results when the latest run could not check the table, under its error', async () => {
    await t.db.knex.schema.renameTable('staff', 'staff_moved');
    try {
      await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });
      const panel = resultsOf((await steward.agent.get('/catalog/tables/staff').expect(200)).text);
      expect(panel).toContain('最近一次无法检查此表');
      // A steward is told it is not their data's problem; the code and the hub's message are the IT office's.
      expect(panel).toContain('这是检查运行的问题，不是本表数据的问题：信息办已收到通知。 下表是此前最近一次检查的结果。');
      expect(panel).not.toContain('table_missing');
      expect(panel).toMatch(/必填<\/span><\/td>\s*<td>职工号<\/td>\s*<td><span class="badge failed">未通过/);
    } finally {
      await t.db.knex.schema.renameTable('staff_moved', 'staff');
    }
  });
});
