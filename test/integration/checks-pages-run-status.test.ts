import { checkRunnerDeps } from '../../server/services/checks/deps';
import { claimRun, runNow } from '../../server/services/checks/runs';
import { buildUser } from '../factories';
import { Session, staffCatalog, startCheckPages } from '../factories/checks';
import type { TestApp } from '../helpers/app';

/**
 * A run's page says "every check passed" only of a run that checked its tables and found nothing: not of
 * a run that checked no table (each busy in another run, or no catalog), nor of one still running.
 */
const CATALOG = staffCatalog({ absent: true });

describe('check pages: what a run found', () => {
  let t: TestApp;
  let office: Session;

  beforeAll(async () => {
    ({ t, session: office } = await startCheckPages({
      hub: { staff: { columns: ['staff_no'], rows: [{ staff_no: '1' }, { staff_no: '2' }] } },
      catalog: CATALOG,
      as: 'office',
    }));
  });
  afterAll(() => t?.close());

  const failuresOf = (html: string) => /<h2>未通过的检查<\/h2>[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
  const tablesOf = (html: string) => /<h2>各表<\/h2>[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';

  it('a run whose tables were all being checked by another run says it checked no table', async () => {
    const other = (await claimRun(t.db.knex, { trigger: 'schedule' }))!;
    await t.db.knex('check_table_leases').insert(
      ['staff', 'absent'].map((table_name) => ({
        table_name,
        run_id: other,
        instance_id: 'elsewhere',
        expires_at: new Date(Date.now() + 60_000),
      })),
    );
    const { runId, status } = await runNow(checkRunnerDeps(t.ctx), { trigger: 'manual' });
    expect(status).toBe('completed');
    await t.db.knex('check_table_leases').where({ run_id: other }).delete();
    await t.db.knex('check_runs').where({ id: other }).update({ status: 'completed', finished_at: new Date() });

    const page = await office.agent.get(`/runs/${runId}`).expect(200);
    // …and which run it left each table to, linked.
    expect(page.text).toContain(
      `<p class="muted skipped-tables">另一次运行正在检查、本次未重复检查的表：<code>staff</code> <a href="/runs/${other}">由运行 #${other} 检查</a>、<code>absent</code> <a href="/runs/${other}">由运行 #${other} 检查</a></p>`,
    );
    expect(tablesOf(page.text)).toContain('本次运行没有检查任何表');
    expect(failuresOf(page.text)).toContain('本次运行没有检查任何表');
    expect(page.text).not.toContain('全部检查通过');
  });

  it('a run that left one of its tables to another run says how many it checked, not that every check passed', async () => {
    const other = (await claimRun(t.db.knex, { trigger: 'schedule' }))!;
    await t.db
      .knex('check_table_leases')
      .insert({ table_name: 'absent', run_id: other, instance_id: 'elsewhere', expires_at: new Date(Date.now() + 60_000) });
    const { runId } = await runNow(checkRunnerDeps(t.ctx), { trigger: 'manual', scope: ['staff', 'absent'] });
    await t.db.knex('check_table_leases').where({ run_id: other }).delete();
    await t.db.knex('check_runs').where({ id: other }).update({ status: 'completed', finished_at: new Date() });
    const page = await office.agent.get(`/runs/${runId}`).expect(200);
    expect(page.text).toContain('<code>absent</code>');
    expect(failuresOf(page.text)).toContain('已检查的 1 张表全部检查通过');
    expect(page.text).not.toContain('>全部检查通过<');
    // The runs list counts the table it checked of those it took (1 / 1), and says one was left to another run.
    const list = (await office.agent.get('/runs').expect(200)).text;
    const row = new RegExp(`<td><a href="/runs/${runId}">${runId}</a></td>[\\s\\S]*?</tr>`).exec(list)![0];
    expect(row).toContain('<span class="badge info">1 张表由另一次运行检查</span>');
  });

  it('a run that failed before checking any table does not say every check passed', async () => {
    const runId = (await claimRun(t.db.knex, { trigger: 'manual' }))!;
    await t.db
      .knex('check_runs')
      .where({ id: runId })
      .update({ status: 'failed', error: 'no catalog imported yet / 尚未导入数据目录', finished_at: new Date() });
    const page = await office.agent.get(`/runs/${runId}`).expect(200);
    expect(page.text).toContain('尚未导入数据目录');
    expect(failuresOf(page.text)).toContain('本次运行没有检查任何表');
    expect(page.text).not.toContain('全部检查通过');
  });

  it('a running run says what it has found so far, with a labelled progress bar', async () => {
    const runId = (await claimRun(t.db.knex, { trigger: 'manual' }))!;
    await t.db.knex('check_runs').where({ id: runId }).update({ tables_total: 2 });
    const page = await office.agent.get(`/runs/${runId}`).expect(200);
    expect(tablesOf(page.text)).toContain('尚无检查完毕的表');
    expect(failuresOf(page.text)).toContain('目前没有未通过的检查');
    expect(page.text).toMatch(/<progress id="run-progress-bar" aria-labelledby="run-progress-text"/);
    // The sentence the page updates while it polls, in the reader's language (it was bare "1 / 2"), a live
    // region (role=status) so a screen reader hears the progress without leaving its place.
    expect(page.text).toContain(
      '<span id="run-progress-text" role="status" data-template="已完成 {done} / {total} 张表" data-preparing="正在准备：读取数据目录中要检查的表…">已完成 0 / 2 张表</span>',
    );
    expect(page.text).not.toContain('全部检查通过');
    await t.db.knex('check_runs').where({ id: runId }).update({ status: 'interrupted', finished_at: new Date() });
  });

  it('a run that has not yet read the catalog says it is preparing, with a bar that moves, not 已完成 0 / 0', async () => {
    const runId = (await claimRun(t.db.knex, { trigger: 'manual' }))!;
    const page = await office.agent.get(`/runs/${runId}`).expect(200);
    expect(page.text).toContain('<progress id="run-progress-bar" aria-labelledby="run-progress-text"></progress>');
    expect(page.text).toMatch(/<span id="run-progress-text" role="status" [^>]*>正在准备：读取数据目录中要检查的表…<\/span>/);
    expect(page.text).not.toContain('已完成 0 / 0');
    await t.db.knex('check_runs').where({ id: runId }).update({ status: 'interrupted', finished_at: new Date() });
  });

  it('counts the tables checked when another could not be checked, and says every check passed when all were', async () => {
    await t.db.knex('staff').where({ staff_no: '2' }).update({ staff_no: '3' });
    const both = await runNow(checkRunnerDeps(t.ctx), { trigger: 'manual' });
    const page = await office.agent.get(`/runs/${both.runId}`).expect(200);
    expect(tablesOf(page.text)).toContain('无法检查');
    expect(failuresOf(page.text)).toContain('已检查的 1 张表全部检查通过');

    const one = await runNow(checkRunnerDeps(t.ctx), { trigger: 'manual', scope: ['staff'] });
    const clean = await office.agent.get(`/runs/${one.runId}`).expect(200);
    expect(failuresOf(clean.text)).toContain('全部检查通过');

    await office.agent.post('/locale').type('form').send({ locale: 'en', next: '/', _csrf: office.csrf }).expect(302);
    const en = await office.agent.get(`/runs/${both.runId}`).expect(200);
    expect(en.text).toContain('Every check passed on the 1 table checked');
    await office.agent.post('/locale').type('form').send({ locale: 'zh-CN', next: '/', _csrf: office.csrf }).expect(302);
  });

  it('lists runs with their counts grouped by thousands, as the run page shows them', async () => {
    const runId = (await claimRun(t.db.knex, { trigger: 'schedule' }))!;
    await t.db
      .knex('check_runs')
      .where({ id: runId })
      .update({ status: 'completed', tables_total: 1200, tables_done: 1200, checks_failed: 4321, finished_at: new Date() });
    const list = await office.agent.get('/runs?status=completed').expect(200);
    const row = new RegExp(`<td><a href="/runs/${runId}">${runId}</a></td>[\\s\\S]*?</tr>`).exec(list.text)?.[0];
    expect(row).toContain('<td class="num">1,200 / 1,200</td>');
    expect(row).toContain('<td class="num">4,321</td>');
  });

  it('finds the runs in which a table could not be checked, and says when none matches', async () => {
    const broken = (await claimRun(t.db.knex, { trigger: 'schedule' }))!;
    await t.db
      .knex('check_runs')
      .where({ id: broken })
      .update({ status: 'completed', tables_total: 2, tables_done: 2, tables_failed: 1, finished_at: new Date() });
    const clean = (await claimRun(t.db.knex, { trigger: 'schedule' }))!;
    await t.db
      .knex('check_runs')
      .where({ id: clean })
      .update({ status: 'completed', tables_total: 2, tables_done: 2, tables_failed: 0, finished_at: new Date() });

    const list = await office.agent.get('/runs?status=completed&table_errors=1').expect(200);
    expect(list.text).toContain(`<a href="/runs/${broken}">${broken}</a>`);
    // The tables it checked, out of its two: not 2 / 2 beside its badge.
    const row = new RegExp(`<td><a href="/runs/${broken}">${broken}</a></td>[\\s\\S]*?</tr>`).exec(list.text)?.[0];
    expect(row).toContain('<span class="badge error">1 张表无法检查</span>');
    expect(row).toContain('<td class="num">1 / 2</td>');
    expect(list.text).not.toContain(`<a href="/runs/${clean}">${clean}</a>`);
    expect(list.text).toContain('name="table_errors" value="1" checked');
    const ids = [...list.text.matchAll(/<td><a href="\/runs\/(\d+)">/g)].map((m) => Number(m[1]));
    const failedCounts = await t.db.knex('check_runs').whereIn('id', ids).pluck('tables_failed');
    expect(failedCounts.every((n: number) => Number(n) > 0)).toBe(true);

    const none = await office.agent.get('/runs?status=failed&table_errors=1').expect(200);
    expect(none.text).toContain('没有符合筛选条件的检查运行。');
  });

  it('filters runs by how they were started and by table, and names the tables and the person of a run of some', async () => {
    const asker = await buildUser(t.db.knex, { name: '信息办专员甲', department: 'ITC', roles: ['it_office'] });
    const finish = (id: number) =>
      t.db.knex('check_runs').where({ id }).update({ status: 'completed', tables_total: 1, finished_at: new Date() });
    const manual = (await claimRun(t.db.knex, { trigger: 'manual', scope: ['staff'], requestedBy: asker.id }))!;
    await finish(manual);
    // A scheduled run of every table, which checked `absent` (its row in check_run_tables), not `staff`.
    const scheduled = (await claimRun(t.db.knex, { trigger: 'schedule' }))!;
    await finish(scheduled);
    await t.db
      .knex('check_run_tables')
      .insert({ run_id: scheduled, table_name: 'absent', status: 'error', error_code: 'table_missing', duration_ms: 3 });
    const idsOf = (html: string) => [...html.matchAll(/<td><a href="\/runs\/(\d+)">/g)].map((m) => Number(m[1]));
    const rowOf = (html: string, id: number) =>
      new RegExp(`<td><a href="/runs/${id}">${id}</a></td>[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';

    const all = (await office.agent.get('/runs').expect(200)).text;
    expect(rowOf(all, manual)).toContain(
      '<td>手动 <span class="run-scope"><code>staff</code></span> <span class="muted run-by">信息办专员甲 发起</span></td>',
    );
    expect(rowOf(all, scheduled)).toContain('<td>定时</td>');
    // Its page says the same under its title.
    expect((await office.agent.get(`/runs/${manual}`).expect(200)).text).toContain(
      '<p class="muted">手动 <span class="run-scope"><code>staff</code></span> · 信息办专员甲 发起 · ',
    );
    expect(all).toContain('<option value="staff" >教职工 (staff)</option>');

    const manualOnly = (await office.agent.get('/runs?trigger=manual').expect(200)).text;
    expect(idsOf(manualOnly)).toContain(manual);
    expect(idsOf(manualOnly)).not.toContain(scheduled);
    expect(manualOnly).toContain('<option value="manual" selected>手动</option>');
    const staffRuns = idsOf((await office.agent.get('/runs?table=staff').expect(200)).text);
    expect(staffRuns).toContain(manual);
    expect(staffRuns).not.toContain(scheduled);
    const absentRuns = idsOf((await office.agent.get('/runs?table=ABSENT').expect(200)).text);
    expect(absentRuns).toContain(scheduled);
    expect(absentRuns).not.toContain(manual);
    const none = (await office.agent.get('/runs?trigger=cli&table=staff').expect(200)).text;
    expect(idsOf(none)).toEqual([]);
    expect(none).toContain('没有符合筛选条件的检查运行。');
    // A value the filter does not offer is no filter, as a bad status: every run.
    const stale = (await office.agent.get('/runs?trigger=nightly&table=gone').expect(200)).text;
    expect(idsOf(stale)).toEqual(idsOf(all));
  });

  it("gives a long run's duration in minutes and seconds, in the list, on its page and in the chart", async () => {
    const runId = (await claimRun(t.db.knex, { trigger: 'schedule' }))!;
    const started = new Date(Date.now() - 144_235);
    await t.db
      .knex('check_runs')
      .where({ id: runId })
      .update({ status: 'completed', started_at: started, finished_at: new Date(started.getTime() + 144_235) });
    const list = await office.agent.get('/runs?status=completed').expect(200);
    const row = new RegExp(`<td><a href="/runs/${runId}">${runId}</a></td>[\\s\\S]*?</tr>`).exec(list.text)?.[0];
    expect(row).toContain('<td class="num">2 分 24 秒</td>');
    const chart = JSON.parse(/<script type="application\/json" id="runs-data">([^<]*)<\/script>/.exec(list.text)![1]);
    expect(chart).toContainEqual(expect.objectContaining({ id: runId, seconds: 144.2 }));
    expect(list.text).toContain('耗时（秒）');
    const page = await office.agent.get(`/runs/${runId}`).expect(200);
    expect(page.text).toContain(' · 2 分 24 秒');
  });

  it('charts a run under a second by its milliseconds, as the list gives them (788 ms was plotted 0.7, 81 ms at 0)', async () => {
    const ids: number[] = [];
    for (const ms of [788, 81]) {
      const runId = (await claimRun(t.db.knex, { trigger: 'schedule' }))!;
      const started = new Date(Date.now() - 1000);
      await t.db
        .knex('check_runs')
        .where({ id: runId })
        .update({ status: 'completed', started_at: started, finished_at: new Date(started.getTime() + ms) });
      ids.push(runId);
    }
    const list = await office.agent.get('/runs?status=completed').expect(200);
    const row = (id: number) => new RegExp(`<td><a href="/runs/${id}">${id}</a></td>[\\s\\S]*?</tr>`).exec(list.text)?.[0];
    expect(row(ids[0])).toContain('<td class="num">788 毫秒</td>');
    expect(row(ids[1])).toContain('<td class="num">81 毫秒</td>');
    const chart = JSON.parse(/<script type="application\/json" id="runs-data">([^<]*)<\/script>/.exec(list.text)![1]);
    expect(chart).toContainEqual(expect.objectContaining({ id: ids[0], seconds: 0.788 }));
    expect(chart).toContainEqual(expect.objectContaining({ id: ids[1], seconds: 0.081 }));
  });
});
