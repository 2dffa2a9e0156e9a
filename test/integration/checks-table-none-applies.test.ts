import { checkRunnerDeps } from '../../server/services/checks/deps';
import { runNow } from '../../server/services/checks/runs';
import { importCheckCatalog, Session, startCheckPages } from '../factories/checks';
import type { TestApp } from '../helpers/app';

/**
 * A table whose only check applies in some months (freshness, maintained_in July–September), checked in December:
 * the run checks it and stores no result. Its page said 尚未检查 / Not checked yet though every run had checked it.
 */
const CATALOG = `
calendar: { timezone: Asia/Shanghai }
departments:
  - { code: ADM, name: 招生办 }
  - { code: ITC, name: 信息化办公室 }
tables:
  - name: freshman_admission
    title: 新生招生信息
    department: ADM
    sharing: conditional
    key: [exam_no]
    updated_at: update_time
    freshness: 24h
    maintained_in: [7, 8, 9]
  - name: never_checked
    title: 未检查的表
    department: ADM
    sharing: conditional
    key: [exam_no]
    updated_at: update_time
    freshness: 24h
`;

describe('a table page when no check applies to the table now', () => {
  let t: TestApp;
  let office: Session;

  beforeAll(async () => {
    ({ t, session: office } = await startCheckPages({ hub: {}, as: 'office' }));
    for (const name of ['freshman_admission', 'never_checked'])
      await t.db.knex.schema.createTable(name, (b) => {
        b.string('exam_no');
        b.timestamp('update_time', { useTz: true });
      });
    await importCheckCatalog(t.db.knex, CATALOG);
    t.ctx.now = () => new Date('2026-12-06T10:00:00+08:00');
    const run = await runNow(checkRunnerDeps(t.ctx), { trigger: 'manual', scope: ['freshman_admission'] });
    expect(run.status).toBe('completed');
    // The run checked it, with a finishing time, and found no check to run.
    const [outcome] = await t.db.knex('check_run_tables').where({ run_id: run.runId, table_name: 'freshman_admission' });
    expect(outcome.status).toBe('ok');
    await t.db
      .knex('check_run_tables')
      .where({ run_id: run.runId })
      .update({ finished_at: new Date('2026-12-06T02:00:05Z') });
    expect(await t.db.knex('check_results').where({ run_id: run.runId })).toEqual([]);
  });
  afterAll(() => t?.close());

  it('says when it was checked and that no check applies now, in Chinese and in English', async () => {
    const zh = (await office.agent.get('/catalog/tables/freshman_admission').expect(200)).text;
    expect(zh).not.toContain('尚未检查');
    expect(zh).toMatch(
      /<p class="muted">最近一次检查于 2026-12-06 10:00(?::05)?：目前没有适用于此表的检查（例如只在特定月份进行的检查），因此没有结果。<\/p>/,
    );
    // A table no run has checked is still "not checked yet".
    expect((await office.agent.get('/catalog/tables/never_checked').expect(200)).text).toContain('尚未检查');

    await office.agent.post('/locale').type('form').send({ locale: 'en', next: '/', _csrf: office.csrf }).expect(302);
    const en = (await office.agent.get('/catalog/tables/freshman_admission').expect(200)).text;
    expect(en).not.toContain('Not checked yet');
    expect(en).toMatch(/<p class="muted">Last checked 2026-12-06 10:00(?::05)?: no check applies to this table now \(/);
  });
});
