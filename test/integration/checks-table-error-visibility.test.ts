import { checkRunnerDeps } from '../../server/services/checks/deps';
import { runNow } from '../../server/services/checks/runs';
import { importCheckCatalog, Session, signInAs, startCheckPages } from '../factories/checks';
import { buildUser } from '../factories';
import { signIn, type TestApp } from '../helpers/app';

/**
 * A table the last run could not check: the hub's own message (PostgreSQL's, with a row's value in it) tells the
 * hub's internals and can carry personal numbers. Only the IT office, who can run the checks, sees it and its
 * code, with ID and mobile numbers masked; a steward is told it is not their data's problem, and no more.
 */
const CATALOG = `
calendar: { timezone: Asia/Shanghai }
departments:
  - { code: HR, name: 人事处 }
  - { code: ITC, name: 信息化办公室 }
tables:
  - name: staff
    title: 教职工
    department: HR
    sharing: conditional
    key: [staff_no]
    fields:
      - { name: staff_no, title: 职工号, required: true }
`;

const ID = '110101199003070016';
const MOBILE = '13912345678';

describe("check pages: a table's last hub error", () => {
  let t: TestApp;
  let office: Session;

  beforeAll(async () => {
    // The hub's staff is a view whose cast fails on one row: PostgreSQL's error names the row's value.
    ({ t, session: office } = await startCheckPages({
      hub: { staff_raw: { columns: ['staff_no'], rows: [{ staff_no: '1' }, { staff_no: `${ID}/${MOBILE}` }] } },
      as: 'office',
    }));
    await t.db.knex.raw('CREATE VIEW staff AS SELECT staff_no::bigint::text AS staff_no FROM staff_raw');
    await importCheckCatalog(t.db.knex, CATALOG);
    await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });
  });
  afterAll(() => t?.close());

  const panel = (html: string) => /<section class="panel" id="latest-check-results">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';

  it("the run stored the hub's message with the personal numbers masked", async () => {
    const row = await t.db.knex('check_run_tables').where({ table_name: 'staff' }).first('status', 'error_code', 'error_message');
    expect(row).toMatchObject({ status: 'error', error_code: 'query_failed' });
    expect(row.error_message).toContain('invalid input syntax for type bigint');
    expect(row.error_message).toContain('110101********0016/139****5678');
    expect(row.error_message).not.toContain(ID);
    expect(row.error_message).not.toContain(MOBILE);
  });

  it("the IT office's page has the code and the hub's message, personal numbers masked", async () => {
    const page = panel((await office.agent.get('/catalog/tables/staff').expect(200)).text);
    expect(page).toContain('最近一次无法检查此表');
    expect(page).toContain('<code>query_failed</code>');
    expect(page).toContain('invalid input syntax for type bigint');
    expect(page).toContain('110101********0016/139****5678');
    expect(page).not.toContain(ID);
    expect(page).not.toContain(MOBILE);
  });

  it("a steward's page says it is not their data's problem, without the code or the hub's message", async () => {
    const steward = await signInAs(t, 'steward');
    const page = panel((await steward.agent.get('/catalog/tables/staff').expect(200)).text);
    expect(page).toContain('最近一次无法检查此表： 这是检查运行的问题，不是本表数据的问题');
    expect(page).not.toContain('query_failed');
    expect(page).not.toContain('invalid input syntax');
    for (const s of [ID, MOBILE, '110101********0016', '139****5678']) expect(page).not.toContain(s);
  });

  /** The run page's row of the table. */
  const runRow = (html: string) => /<tr><td><a href="\/catalog\/tables\/staff">[\s\S]*?<\/tr>/.exec(html)?.[0] ?? '';

  it('the run page: the IT office reads the code and the masked message; a university leader the explanation only', async () => {
    const { id } = await t.db.knex('check_runs').orderBy('id', 'desc').first('id');
    const forOffice = runRow((await office.agent.get(`/runs/${id}`).expect(200)).text);
    expect(forOffice).toContain('<code>query_failed</code>');
    expect(forOffice).toContain('invalid input syntax for type bigint');
    expect(forOffice).toContain('110101********0016/139****5678');
    expect(forOffice).not.toContain(ID);

    const leader = await buildUser(t.db.knex, { department: 'ITC', roles: ['univ_leader'] });
    const { agent } = await signIn(t.app, leader.login, leader.password);
    const forLeader = runRow((await agent.get(`/runs/${id}`).expect(200)).text);
    expect(forLeader).toContain('无法检查此表：这是检查运行的问题');
    for (const s of ['query_failed', 'invalid input syntax', ID, MOBILE, '110101********0016'])
      expect(forLeader).not.toContain(s);
  });

  it('a run that fails stores its error with the personal numbers masked (the run page shows it to the IT office)', async () => {
    // The notice of the table's error cannot be filed: the run stops there, with that error as its own.
    const deps = checkRunnerDeps(t.ctx);
    const summary = await runNow(
      {
        ...deps,
        onTableError: async () => {
          throw new Error(`notice refused for ${ID} (${MOBILE})`);
        },
      },
      { trigger: 'cli' },
    );
    expect(summary.status).toBe('failed');
    const run = await t.db.knex('check_runs').where({ id: summary.runId }).first('status', 'error');
    expect(run).toEqual({ status: 'failed', error: 'notice refused for 110101********0016 (139****5678)' });
  });

  it("the IT office's notice of the table's error has the personal numbers masked (it is e-mailed too)", async () => {
    const notices = await t.db.knex('notifications').where({ kind: 'check.table_error' }).select('body', 'body_en');
    expect(notices.length).toBeGreaterThan(0);
    for (const n of notices) {
      expect(`${n.body} ${n.body_en}`).toContain('110101********0016/139****5678');
      expect(`${n.body} ${n.body_en}`).not.toContain(ID);
    }
  });
});
