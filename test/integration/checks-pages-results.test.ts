import { checkRunnerDeps } from '../../server/services/checks/deps';
import { runNow } from '../../server/services/checks/runs';
import { Session, startCheckPages } from '../factories/checks';
import type { TestApp } from '../helpers/app';

/**
 * What the check pages show of a run's results: the run page's sample records (personal data masked as on
 * tickets) and a table page's latest results (a rule's message only where the rule fired).
 */
const CATALOG = `
calendar: { timezone: Asia/Shanghai }
departments:
  - { code: ITC, name: 信息化办公室 }
  - { code: GRD, name: 研究生院 }
tables:
  - name: grad_people
    title: 研究生联系人
    department: GRD
    sharing: conditional
    key: [sfzh, mobile]
    fields:
      - { name: name, title: 姓名, required: true }
  - name: grad_empty
    title: 空表
    department: GRD
    sharing: conditional
    key: [id]
rules:
  - name: empty_too_few
    table: grad_empty
    conditions:
      all:
        - { fact: row_count, operator: lessThan, value: 1 }
    event: { type: ticket, params: { severity: high, message: 空表没有记录 } }
  - name: people_too_few
    table: grad_people
    conditions:
      all:
        - { fact: row_count, operator: lessThan, value: 1 }
    event: { type: ticket, params: { severity: high, message: 研究生联系人表为空 } }
`;

describe('check pages: results', () => {
  let t: TestApp;
  let office: Session;
  let runId: number;

  beforeAll(async () => {
    ({ t, session: office } = await startCheckPages({
      hub: {
        // The key columns are not catalog fields, but their names say what they hold: an ID number and a mobile.
        grad_people: {
          columns: ['sfzh', 'mobile', 'name'],
          rows: [
            { sfzh: '11010519491231002X', mobile: '13812345678', name: null },
            { sfzh: '110105194912310046', mobile: '13912345678', name: '乙' },
          ],
        },
        grad_empty: { columns: ['id'] },
      },
      catalog: CATALOG,
      as: 'office',
    }));
    runId = (await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' })).runId;
  });
  afterAll(() => t?.close());

  it("masks ID numbers and mobiles in a run's sample records, as the ticket does", async () => {
    const page = await office.agent.get(`/runs/${runId}`).expect(200);
    expect(page.text).toContain('sfzh 110105********002X · mobile 138****5678');
    expect(page.text).not.toContain('11010519491231002X');
    expect(page.text).not.toContain('13812345678');
    // The ticket filed from the same result shows the same masked key.
    const ticket = await t.db.knex('tickets').where({ table_name: 'grad_people', check_kind: 'required' }).first();
    expect(ticket.sample_keys).toEqual([{ sfzh: '110105********002X', mobile: '138****5678' }]);
    // And so are they stored with the run's results: the service database holds no raw key of a person.
    const stored = await t.db
      .knex('check_results')
      .where({ run_id: runId, table_name: 'grad_people', check_kind: 'required' })
      .first('sample_keys');
    expect(stored.sample_keys).toEqual([{ sfzh: '110105********002X', mobile: '138****5678' }]);
  });

  it("shows a custom rule's message only when the rule fired, not next to 'passed'", async () => {
    const page = await office.agent.get('/catalog/tables/grad_people').expect(200);
    const row = /<tr>\s*<td><span class="badge high">自定义规则 people_too_few<\/span><\/td>[\s\S]*?<\/tr>/.exec(page.text)?.[0];
    expect(row).toContain('通过');
    expect(row).not.toContain('研究生联系人表为空');
    // Where it fired, the message says what is wrong.
    const fired = await office.agent.get('/catalog/tables/grad_empty').expect(200);
    expect(fired.text).toMatch(/<span class="badge failed">未通过<\/span> <small>空表没有记录<\/small>/);
  });
});
