import { checkRunnerDeps } from '../../server/services/checks/deps';
import { runNow } from '../../server/services/checks/runs';
import { importCatalog } from '../../server/services/catalog/repository';
import { createTestApp, TestApp } from '../helpers/app';
import { terminateBackendRunning, usingRealPostgres } from '../helpers/database';

/**
 * A check run whose connection is lost on one table (a DBA ends a slow query's session, a proxy drops it) while the
 * hub is up: that table fails on its own and the run checks the others — not an outage that skips every table left
 * and marks the run failed. PostgreSQL only: the test ends the backend reading the slow table (pg_terminate_backend).
 */
const CATALOG = `
departments: [{ code: HR, name: 人事处 }]
tables:
  - name: lost_midway
    title: 被中断的表
    department: HR
    sharing: universal
    key: [id]
    fields:
      - { name: v, title: 值, required: true }
  - name: after_it
    title: 之后的表
    department: HR
    sharing: universal
    key: [id]
`;

(usingRealPostgres() ? describe : describe.skip)('a check run that loses one connection', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.db.knex.raw(`CREATE VIEW lost_midway AS SELECT 1 AS id, CAST(pg_sleep(30) AS text) AS v`);
    await t.db.knex.raw(`CREATE TABLE after_it (id int)`);
    await t.db.knex.raw(`INSERT INTO after_it VALUES (1), (2)`);
    expect((await importCatalog(t.db.knex, CATALOG)).ok).toBe(true);
  });
  afterAll(() => t.close());

  it('fails that table as query_failed in the database words, checks the next one and completes', async () => {
    const running = runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });
    expect(await terminateBackendRunning(t.db.knex, '%FROM "lost_midway"%')).toBe(true);
    const run = await running;
    expect(run.status).toBe('completed');
    expect(run.tables.map((o) => [o.table, o.status, o.error ?? null])).toEqual([
      ['lost_midway', 'error', { code: 'query_failed', message: 'terminating connection due to administrator command' }],
      ['after_it', 'ok', null],
    ]);
    expect((await t.db.knex('check_runs').where({ id: run.runId }).first('status')).status).toBe('completed');
  });
});
