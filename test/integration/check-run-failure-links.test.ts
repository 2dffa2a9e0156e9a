import { checkRunnerDeps } from '../../server/services/checks/deps';
import { runNow } from '../../server/services/checks/runs';
import { Session, staffCatalog, startCheckPages } from '../factories/checks';
import type { TestApp } from '../helpers/app';

/**
 * A run's page lists the checks that failed; each leads on: its table to the table's catalog page, and to the
 * ticket that tracks the problem now (the IT office's next step), or says there is none.
 */
const CATALOG = staffCatalog({ office: true, fields: [{ name: 'name', title: '姓名', required: true }] });

describe("a run's failed checks", () => {
  let t: TestApp;
  let office: Session;

  beforeAll(async () => {
    ({ t, session: office } = await startCheckPages({
      hub: { staff: { columns: ['staff_no', 'name'], rows: [{ staff_no: '1', name: null }] } },
      catalog: CATALOG,
      as: 'office',
    }));
  });
  afterAll(() => t?.close());

  it('link to the table and to the ticket that tracks each; a closed ticket is no longer offered', async () => {
    const { runId } = await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });
    const [ticket] = await t.db.knex('tickets').where({ table_name: 'staff', field_name: 'name' });
    expect(ticket).toBeDefined();
    const row = async () => {
      const html = (await office.agent.get(`/runs/${runId}`).expect(200)).text;
      const failures = html.slice(html.indexOf('未通过的检查'));
      return /<tr><td>([\s\S]*?)<\/tr>/.exec(failures)![1];
    };
    // An older ticket of the same check, filed when another department owned it (before a catalog change), is not
    // the one that tracks the problem now: the link follows the department the run found responsible.
    // Id 0: listed before the current ticket, as an older one is.
    const [older] = await t.db
      .knex('tickets')
      .insert({
        ...ticket,
        id: 0,
        sample_keys: JSON.stringify(ticket.sample_keys),
        record_key: ticket.record_key === null ? null : JSON.stringify(ticket.record_key),
        fingerprint_department: 'OLD',
        fingerprint: `${ticket.fingerprint}:before`,
      })
      .returning('id');
    const failed = await row();
    expect(failed).toContain('<a href="/catalog/tables/staff">教职工 <code>staff</code></a>');
    expect(failed).toContain(`<a href="/tickets/${ticket.id}">#${ticket.id}</a>`);
    await t.db
      .knex('tickets')
      .where({ id: Number(older.id ?? older) })
      .delete();
    await t.db.knex('tickets').where({ id: ticket.id }).update({ status: 'closed', closed_reason: '不予整改' });
    expect(await row()).not.toContain('/tickets/');
    expect(await row()).toMatch(/<td>—<\/td>$/);
  });

  it('a whole-table verdict (freshness) reads 整表判定 under 问题数, not "1 / 1"; a field check its records', async () => {
    const { runId } = await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });
    const [result] = await t.db.knex('check_results').where({ run_id: runId, field_name: 'name' }).select('*');
    await t.db.knex('check_results').insert({
      run_id: runId,
      checked_at: result.checked_at,
      table_name: 'staff',
      field_name: null,
      check_kind: 'freshness',
      department_code: result.department_code,
      passed: false,
      violations: 1,
      checked_rows: 1,
      severity: 'medium',
      sample_keys: '[]',
    });
    const html = (await office.agent.get(`/runs/${runId}`).expect(200)).text;
    const failures = html.slice(html.indexOf('未通过的检查'));
    const cells = [...failures.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1]);
    // The field check (one staff member of one without a name) and the freshness verdict.
    expect(cells.sort()).toEqual(['1 / 1', '整表判定'].sort());
  });
});
