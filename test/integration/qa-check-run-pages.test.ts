import { checkRunnerDeps } from '../../server/services/checks/deps';
import { claimRun, runNow } from '../../server/services/checks/runs';
import { openPostgres } from '../../server/db/connect';
import { buildUser } from '../factories';
import { Session, signInAs, staffCatalog, startCheckPages } from '../factories/checks';
import { signIn, type TestApp } from '../helpers/app';

/**
 * The check-run pages as the IT office reads them: an empty runs list says why it is empty and what to do, and a
 * table a run could not check is explained in the reader's language (what the error means, what to do), not only
 * by its code and the hub's message. A steward sees on the table's page that it is not their data's problem.
 */
const CATALOG = staffCatalog({ office: true, absent: true });

describe('check-run pages for the IT office', () => {
  let t: TestApp;
  let office: Session;

  beforeAll(async () => {
    ({ t, session: office } = await startCheckPages({
      hub: { staff: { columns: ['staff_no'], rows: [{ staff_no: '1' }] } },
      catalog: CATALOG,
      as: 'office',
    }));
  });
  afterAll(() => t?.close());

  const english = (s: Session) =>
    s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'en', next: '/' }).expect(302);
  const chinese = (s: Session) =>
    s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'zh-CN', next: '/' }).expect(302);
  const emptyRow = (html: string) => /<tr><td colspan="7" class="muted">([\s\S]*?)<\/td><\/tr>/.exec(html)?.[1] ?? '';

  // First: before any run.
  it('an empty runs list tells the IT office it may run the checks now, and a leader that runs come on a schedule', async () => {
    const list = await office.agent.get('/runs').expect(200);
    expect(emptyRow(list.text)).toBe('暂无检查运行：检查按计划定时运行；也可以点击“立即检查”现在就检查。');
    const leader = await buildUser(t.db.knex, { department: 'ITC', roles: ['univ_leader'] });
    const { agent } = await signIn(t.app, leader.login, leader.password);
    const theirs = await agent.get('/runs').expect(200);
    expect(emptyRow(theirs.text)).toBe('暂无检查运行：检查按计划定时运行，运行后会列在这里。');
    expect(theirs.text).not.toContain('action="/runs"'); // no "run now" for a leader
  });

  it('a status filter that matches no run says so by the status, with a way back to every run', async () => {
    await runNow(checkRunnerDeps(t.ctx), { trigger: 'manual' });
    const list = await office.agent.get('/runs?status=failed').expect(200);
    expect(emptyRow(list.text)).toBe('没有状态为“失败”的检查运行。 <a href="/runs">查看全部运行</a>');
    expect(list.text).toMatch(/<option value="failed" selected>失败<\/option>/);
    expect(list.text).not.toContain('id="runs-chart"'); // no run to chart: no empty axes
    expect((await office.agent.get('/runs').expect(200)).text).toContain('id="runs-chart"');
    await english(office);
    const en = await office.agent.get('/runs?status=interrupted').expect(200);
    expect(emptyRow(en.text)).toBe('No check run has the status “Interrupted”. <a href="/runs">Show all runs</a>');
    await chinese(office);
  });

  it("explains a table the run could not check on the run's page, in the reader's language", async () => {
    const { runId } = await runNow(checkRunnerDeps(t.ctx), { trigger: 'manual' });
    const row = (html: string) => new RegExp(`<tr><td><a href="/catalog/tables/absent">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
    const page = await office.agent.get(`/runs/${runId}`).expect(200);
    expect(row(page.text)).toContain(
      '<p class="error-hint">中台中找不到这张表：核对数据目录中的表名（含 schema），并确认中台已建表、监测账号有读取权限。</p>',
    );
    expect(row(page.text)).toContain('<code>table_missing</code> 中台中不存在表 absent');
    await english(office);
    const en = await office.agent.get(`/runs/${runId}`).expect(200);
    expect(row(en.text)).toContain(
      '<p class="error-hint">The hub has no such table: check the table&#x27;s name in the catalog (with its schema)',
    );
    await chinese(office);
  });

  it("says on the table's page what the error means for the IT office, and a steward that it is not their data's problem", async () => {
    const panel = (html: string) => /<section class="panel" id="latest-check-results">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    const forOffice = panel((await office.agent.get('/catalog/tables/absent').expect(200)).text);
    expect(forOffice).toContain('最近一次无法检查此表： 中台中找不到这张表：核对数据目录中的表名');
    expect(forOffice).toContain('<code>table_missing</code> 中台中不存在表 absent');
    const steward = await signInAs(t, 'steward');
    const forSteward = panel((await steward.agent.get('/catalog/tables/absent').expect(200)).text);
    expect(forSteward).toContain('最近一次无法检查此表： 这是检查运行的问题，不是本表数据的问题：信息办已收到通知');
    expect(forSteward).not.toContain('核对数据目录中的表名');
    // The table was never checked: no "results of the last check before it" above 尚未检查.
    expect(forSteward).not.toContain('下表是此前最近一次检查的结果');
    expect(forSteward).toContain('尚未检查');
    // The code and the hub's message tell the hub's internals: the IT office's, not a steward's.
    expect(forSteward).not.toContain('table_missing');
    expect(forSteward).not.toContain('中台中不存在表');
  });

  it("the IT office's notice of the table says what the error means, in both languages", async () => {
    const notice = await t.db
      .knex('notifications')
      .where({ kind: 'check.table_error' })
      .orderBy('id', 'desc')
      .first('body', 'body_en');
    // The runner's sentence in each notice's own language, not both in each.
    expect(notice.body).toContain('）：中台中不存在表 absent。中台中找不到这张表：');
    expect(notice.body).toContain('监测账号有读取权限。这是运行问题，不会向责任部门派发工单。');
    expect(notice.body_en).toContain('hub table absent does not exist. The hub has no such table: ');
    expect(notice.body_en).not.toContain('中台中不存在表');
  });

  it('charts runs of every table only: a run of one table found its failures alone, not fewer overall', async () => {
    const full = await runNow(checkRunnerDeps(t.ctx), { trigger: 'manual' });
    const one = await runNow(checkRunnerDeps(t.ctx), { trigger: 'manual', scope: ['staff'] });
    const page = (await office.agent.get('/runs').expect(200)).text;
    const chart = JSON.parse(/<script type="application\/json" id="runs-data">([\s\S]*?)<\/script>/.exec(page)![1]) as {
      id: number;
    }[];
    expect(chart.map((r) => r.id)).toContain(full.runId);
    expect(chart.map((r) => r.id)).not.toContain(one.runId);
    // The list beside it still has both, the one-table run naming its table.
    expect(page).toContain(`<a href="/runs/${one.runId}">${one.runId}</a>`);
    expect(page).toContain('最近运行（全部表）的耗时与未通过检查数');
  });

  it('charts a run that could check no table as a gap in the failures line, not as 0 failures', async () => {
    const checked = await runNow(checkRunnerDeps(t.ctx), { trigger: 'manual' });
    const down = openPostgres({ url: 'postgres://nobody@127.0.0.1:1/none', poolMax: 1 });
    let outage: number;
    try {
      outage = (await runNow(checkRunnerDeps(t.ctx, { hub: { ...t.ctx.hub, knex: down.knex } }), { trigger: 'manual' })).runId;
    } finally {
      await down.close();
    }
    const page = (await office.agent.get('/runs').expect(200)).text;
    const chart = JSON.parse(/<script type="application\/json" id="runs-data">([\s\S]*?)<\/script>/.exec(page)![1]) as {
      id: number;
      failed: number | null;
    }[];
    // The first run checked staff (one table missing): its failures counted; the outage's none. (After the notice
    // test: the outage's notice would be the newest.)
    expect(chart.find((r) => r.id === checked.runId)?.failed).toEqual(expect.any(Number));
    expect(chart.find((r) => r.id === outage)?.failed).toBeNull();
    // The table beside it says the same: neither table checked, and no count of failed checks (it read 表 2 / 2,
    // 未通过检查 0, a perfect run). The first run checked one table of two (absent is missing from the hub).
    const row = (id: number) => new RegExp(`<td><a href="/runs/${id}">${id}</a></td>[\\s\\S]*?</tr>`).exec(page)?.[0] ?? '';
    expect(row(outage)).toContain('<span class="badge failed">失败</span> <span class="badge error">2 张表无法检查</span>');
    expect(row(outage)).toMatch(/<td class="num">0 \/ 2<\/td>\s*<td class="num">—<\/td>/);
    expect(row(checked.runId)).toMatch(/<td class="num">1 \/ 2<\/td>\s*<td class="num">\d+<\/td>/);

    // The outage's own page: the table that found the hub gone took its time; the one after it was never tried,
    // and says so where its duration would be (it read 0 毫秒, as if checked in no time).
    const durations = async () => {
      const html = (await office.agent.get(`/runs/${outage}`).expect(200)).text;
      const tables = html.split('<div id="run-results">')[1].split('<h2>')[1]; // 各表, before 未通过的检查
      return [...tables.matchAll(/<tr><td>[\s\S]*?<td class="num">[^<]*<\/td><td class="num">([^<]*)<\/td>/g)].map((m) => m[1]);
    };
    const zh = await durations();
    expect(zh).toHaveLength(2);
    expect(zh[0]).toMatch(/^[\d,]+ 毫秒$|^[\d.]+ 秒$/);
    expect(zh[1]).toBe('未检查');
    await english(office);
    expect((await durations())[1]).toBe('Not checked');
    await chinese(office);
  });
  /** Waits for the run a "run now" started (after the response) to end, so none is left running when the file ends. */
  const settled = async (location: string) => {
    const id = Number(location.replace('/runs/', ''));
    for (let i = 0; i < 200; i++) {
      const run = await t.db.knex('check_runs').where({ id }).first('status');
      if (run.status !== 'running') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`run ${id} still running`);
  };

  it('"run now" while a run is checking the same tables opens that run instead of starting a second one', async () => {
    const going = (await claimRun(t.db.knex, { trigger: 'schedule' }))!;
    const count = async () => Number((await t.db.knex('check_runs').count({ n: '*' }).first())!.n);
    const before = await count();
    for (const body of [{ _csrf: office.csrf }, { _csrf: office.csrf, table: 'staff' }]) {
      const res = await office.agent.post('/runs').type('form').send(body).expect(302);
      expect(res.headers.location).toBe(`/runs/${going}`);
    }
    expect(await count()).toBe(before);
    const page = await office.agent.get(`/runs/${going}`).expect(200);
    expect(page.text).toContain(`检查运行 #${going} 正在检查这些表：已为您打开它，未另行开始检查。`);
    // A table that run has already checked is checked anew: the press wants today's data, not the run's past read.
    await t.db
      .knex('check_run_tables')
      .insert({ run_id: going, table_name: 'staff', status: 'ok', duration_ms: 1, row_count: 1 });
    const again = await office.agent.post('/runs').type('form').send({ _csrf: office.csrf, table: 'staff' }).expect(302);
    expect(again.headers.location).not.toBe(`/runs/${going}`);
    expect(await count()).toBe(before + 1);
    await settled(again.headers.location);
    await t.db.knex('check_run_tables').where({ run_id: going }).delete();
    // A run whose instance stopped heart-beating is checking nothing: it does not hold the button.
    await t.db
      .knex('check_runs')
      .where({ id: going })
      .update({ heartbeat_at: new Date(Date.now() - 10 * 60_000) });
    const fresh = await office.agent.post('/runs').type('form').send({ _csrf: office.csrf }).expect(302);
    expect(fresh.headers.location).not.toBe(`/runs/${going}`);
    expect(await count()).toBe(before + 2);
    await settled(fresh.headers.location);
    await t.db.knex('check_runs').where({ id: going }).update({ status: 'interrupted', finished_at: new Date() });
  });
  it('a second press from the same page after the first press’s run has ended opens that run (the embedded hub reads it only then)', async () => {
    const count = async () => Number((await t.db.knex('check_runs').count({ n: '*' }).first())!.n);
    // The list's form carries the newest run it knew of.
    const list = (await office.agent.get('/runs').expect(200)).text;
    const seen = /<input type="hidden" name="seen" value="(\d+)">/.exec(list)![1];
    expect(Number(seen)).toBe(Number((await t.db.knex('check_runs').max({ id: 'id' }).first())!.id));
    const before = await count();
    const first = await office.agent.post('/runs').type('form').send({ _csrf: office.csrf, seen }).expect(302);
    await settled(first.headers.location);
    // The second click of the same page, read once the first click's run has ended: no second run.
    const second = await office.agent.post('/runs').type('form').send({ _csrf: office.csrf, seen }).expect(302);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await count()).toBe(before + 1);
    const page = (await office.agent.get(first.headers.location).expect(200)).text;
    expect(page).toContain(`检查运行 ${first.headers.location.replace('/runs/', '#')} 在您打开上一页之后已检查了这些表`);
    // The same for one table's button on its page: that run checked every table, this one's too.
    const table = await office.agent.post('/runs').type('form').send({ _csrf: office.csrf, seen, table: 'staff' }).expect(302);
    expect(table.headers.location).toBe(first.headers.location);
    // A page shown after that run knows of it: its press starts a new run.
    const fresh = /<input type="hidden" name="seen" value="(\d+)">/.exec((await office.agent.get('/runs').expect(200)).text)![1];
    const again = await office.agent.post('/runs').type('form').send({ _csrf: office.csrf, seen: fresh }).expect(302);
    expect(again.headers.location).not.toBe(first.headers.location);
    expect(await count()).toBe(before + 2);
    await settled(again.headers.location);
  });
  it('links an interrupted run to its re-run, and the re-run back to it', async () => {
    const broken = (await claimRun(t.db.knex, { trigger: 'schedule' }))!;
    await t.db.knex('check_runs').where({ id: broken }).update({ status: 'interrupted', finished_at: new Date() });
    const rerun = (await claimRun(t.db.knex, { trigger: 'rerun', scope: ['staff'], rerunOf: broken }))!;
    await t.db.knex('check_runs').where({ id: rerun }).update({ status: 'completed', finished_at: new Date() });
    const before = (await office.agent.get(`/runs/${broken}`).expect(200)).text;
    expect(before).toContain(`<p class="run-link">未完成的表由此接续检查：<a href="/runs/${rerun}">检查运行 #${rerun}</a></p>`);
    const after = (await office.agent.get(`/runs/${rerun}`).expect(200)).text;
    expect(after).toContain(
      `<p class="run-link">接续被中断的运行，检查它未完成的表：<a href="/runs/${broken}">检查运行 #${broken}</a></p>`,
    );
  });
});
