import { buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { listRoutes } from '../helpers/routes';

/** Row counts of every table but sessions: what a GET must leave unchanged. */
async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  const tables: string[] = (
    await t.db.knex.raw(
      `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not in ('sessions', 'knex_migrations', 'knex_migrations_lock') order by 1`,
    )
  ).rows.map((r: { table_name: string }) => r.table_name);
  const counts: Record<string, number> = {};
  for (const name of tables) counts[name] = Number((await t.db.knex(name).count({ n: '*' }))[0].n);
  return counts;
}

/** GETs that write their own audit row (an export of the audit log is worth recording). */
const RECORDED = ['/admin/audit/export.csv'];

describe('every route declares a policy, and GET changes nothing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('finds the routes, and none lacks authorize() or publicRoute()', () => {
    const routes = listRoutes(t.app);
    expect(routes.length).toBeGreaterThan(8);
    const unguarded = routes.filter(
      (r) => r.policy === null && !['/healthz', '/readyz', '/static/vendor/chart.umd.min.js'].includes(r.path),
    );
    expect(unguarded).toEqual([]);
  });

  it('leaves every table unchanged when an administrator GETs every page', async () => {
    const admin = await buildUser(t.db.knex, { roles: ['admin', 'it_office'] });
    const { agent } = await signIn(t.app, admin.login, admin.password);
    const before = await rowCounts(t);
    const paths = listRoutes(t.app)
      .filter((r) => r.method === 'GET')
      .map((r) => r.path.replace(/:[A-Za-z_]+/g, '1'));
    expect(paths.length).toBeGreaterThan(5);
    for (const path of paths) {
      const res = await agent.get(path);
      expect({ path, status: [200, 302, 304, 400, 404, 422].includes(res.status) ? 'ok' : res.status }).toEqual({
        path,
        status: 'ok',
      });
    }
    // The audit log's export records itself (one audit_log row, access-matrix's `audited`): nothing else is written.
    const recorded = paths.filter((p) => RECORDED.includes(p)).length;
    expect(recorded).toBe(RECORDED.length);
    expect(await rowCounts(t)).toEqual({ ...before, audit_log: before.audit_log + recorded });
  });
});
