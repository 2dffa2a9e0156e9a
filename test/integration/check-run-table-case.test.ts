import { Session, staffCatalog, startCheckPages } from '../factories/checks';
import type { TestApp } from '../helpers/app';

/**
 * "Run checks now" for one table reads its name ignoring case, as the table's page (/catalog/tables/STAFF redirects to
 * staff) and `check run --table` do: POST /runs with table=STAFF said the catalog had no table "STAFF" and started
 * nothing. The run starts for the catalog's spelling.
 */
let t: TestApp;
let office: Session;

beforeAll(async () => {
  ({ t, session: office } = await startCheckPages({
    hub: { staff: { columns: ['staff_no'], rows: [{ staff_no: '1' }] } },
    catalog: staffCatalog({ office: true }),
    as: 'office',
  }));
});
afterAll(() => t?.close());

const settled = async (id: number) => {
  for (let i = 0; i < 200; i++) {
    if ((await t.db.knex('check_runs').where({ id }).first('status')).status !== 'running') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`run ${id} still running`);
};

it('a table named in another case is run by the catalog’s spelling', async () => {
  const res = await office.agent.post('/runs').type('form').send({ _csrf: office.csrf, table: 'STAFF' }).expect(302);
  expect(res.headers.location).toMatch(/^\/runs\/\d+$/);
  const id = Number(res.headers.location.replace('/runs/', ''));
  await settled(id);
  const run = await t.db.knex('check_runs').where({ id }).first('scope');
  expect(run.scope).toEqual(['staff']);
  expect(await t.db.knex('check_run_tables').where({ run_id: id }).pluck('table_name')).toEqual(['staff']);
  const audit = await t.db
    .knex('audit_log')
    .where({ action: 'check.run_now', object_id: String(id) })
    .first('summary');
  expect(audit.summary).toEqual({ table: 'staff' });
  const page = (await office.agent.get(res.headers.location).expect(200)).text;
  expect(page).not.toContain('没有数据表');
});

it('a name the catalog lacks in any case is still refused, starting nothing', async () => {
  const before = Number((await t.db.knex('check_runs').count({ n: '*' }).first())!.n);
  const res = await office.agent.post('/runs').type('form').send({ _csrf: office.csrf, table: 'STAFFS' }).expect(302);
  expect(res.headers.location).toBe('/runs');
  expect((await office.agent.get('/runs').expect(200)).text).toContain('STAFFS');
  expect(Number((await t.db.knex('check_runs').count({ n: '*' }).first())!.n)).toBe(before);
});
