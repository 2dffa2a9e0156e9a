import request from 'supertest';
import ExcelJS from 'exceljs';
import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { buildUser } from '../factories';
import { buildCheckRun, createScorecardTestApp } from '../factories/scorecards';
import { claimRun } from '../../server/services/checks/runs';
import { signIn, TestApp } from '../helpers/app';

/**
 * Two days of hand-made results: on 2026-11-20 HR has freshness 1/2 and completeness 0.9; ORG has
 * validity 0.8. On 2026-11-21 HR has freshness 2/2. "Today" is 2026-11-22 (Beijing time).
 *
 * HR 11-20: (20·0.5 + 15·0.9 + 15·1) / 50 × 100 = 38.5 / 50 × 100 = 77.00 (tickets: none active → 1)
 * ORG 11-20: (20·0.8 + 15·1) / 35 × 100 = 31 / 35 × 100 = 88.57
 * HR 11-21: (20·1 + 15·1) / 35 × 100 = 100.00 (no completeness result that day)
 */
describe('scorecard pages, periods, weights, exports and API', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof buildUser>>;
  let hrSteward: Awaited<ReturnType<typeof buildUser>>;
  let hrLeader: Awaited<ReturnType<typeof buildUser>>;
  const bodyOf = async (path: string, agent: Awaited<ReturnType<typeof signIn>>['agent']) =>
    (await agent.get(path).expect(200)).text;

  beforeAll(async () => {
    t = await createScorecardTestApp();
    office = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'], name: '信息办王老师' });
    hrSteward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'], name: '人事处李专员' });
    hrLeader = await buildUser(t.db.knex, { department: 'HR', roles: ['dept_leader'], name: '人事处张处长' });
    await buildCheckRun(
      t.db.knex,
      '2026-11-20T10:00:00+08:00',
      [
        { table: 'staff', check: 'freshness', department: 'HR', passed: true },
        { table: 'payroll', check: 'freshness', department: 'HR', passed: false },
        { table: 'staff', field: 'staff_no', check: 'required', department: 'HR', violations: 10, checked: 100 },
        { table: 'staff', field: 'political_status', check: 'codes', department: 'ORG', violations: 10, checked: 50 },
      ],
      { staff: 3, payroll: 60 },
    );
    await buildCheckRun(t.db.knex, '2026-11-21T10:00:00+08:00', [
      { table: 'staff', check: 'freshness', department: 'HR', passed: true },
      { table: 'payroll', check: 'freshness', department: 'HR', passed: true },
    ]);
    await snapshotJob(t.ctx, { day: '2026-11-20' });
    await snapshotJob(t.ctx, { day: '2026-11-21' });
  });
  afterAll(() => t.close());

  it('keeps the period asked for through the nav entry, and takes a department code in any case', async () => {
    const it = await signIn(t.app, office.login, office.password);
    expect((await it.agent.get('/scorecards?period=month').expect(302)).headers.location).toBe('/dashboard?period=month');
    expect((await it.agent.get('/scorecards?from=2026-11-20&to=2026-11-21').expect(302)).headers.location).toBe(
      '/dashboard?from=2026-11-20&to=2026-11-21',
    );
    const hr = await signIn(t.app, hrSteward.login, hrSteward.password);
    expect((await hr.agent.get('/scorecards?from=2026-11-20&to=2026-11-20').expect(302)).headers.location).toBe(
      '/scorecards/HR?from=2026-11-20&to=2026-11-20',
    );
    // A code typed in another case is the department's (it was a 403 for its own steward, a 404 for the office).
    expect((await hr.agent.get('/scorecards/hr?from=2026-11-20&to=2026-11-20').expect(302)).headers.location).toBe(
      '/scorecards/HR?from=2026-11-20&to=2026-11-20',
    );
    await hr.agent.get('/scorecards/HR?from=2026-11-20&to=2026-11-20').expect(200);
    await hr.agent.get('/scorecards/org').expect(302);
    await hr.agent.get('/scorecards/ORG').expect(403);
    await it.agent.get('/scorecards/nosuch').expect(404);
    // Signed out, the code's spelling is not told: the sign-in page, as for any code.
    const anonymous = await request(t.app).get('/scorecards/hr').expect(302);
    expect(anonymous.headers.location).toMatch(/^\/login/);
    expect((await request(t.app).get('/departments/hr').expect(302)).headers.location).toMatch(/^\/login/);
  });

  it('answers the API with every department, its rank and components; 422 names a bad date', async () => {
    const { agent } = await signIn(t.app, office.login, office.password);
    const res = await agent.get('/api/v1/scorecards?from=2026-11-20&to=2026-11-20').expect(200);
    expect(res.body).toMatchObject({ from: '2026-11-20', to: '2026-11-20', closed: null });
    expect(res.body.items).toEqual([
      expect.objectContaining({
        department: 'ORG',
        name: '党委组织部',
        rank: 1,
        score: 88.57,
        validity: 0.8,
        freshness: null,
        tickets: 1,
        days: 1,
      }),
      expect.objectContaining({
        department: 'HR',
        rank: 2,
        score: 77,
        freshness: 0.5,
        completeness: 0.9,
        deadline: null,
        reports: null,
        sharing: null,
      }),
      expect.objectContaining({ department: 'STU', rank: null, score: null }),
    ]);
    // Over both days HR's mean is (77 + 100) / 2 = 88.5 < ORG's 88.57.
    const both = await agent.get('/api/v1/scorecards?from=2026-11-20&to=2026-11-21').expect(200);
    expect(
      both.body.items.map((i: { department: string; score: number; rank: number }) => [i.department, i.score, i.rank]),
    ).toEqual([
      ['ORG', 88.57, 1],
      ['HR', 88.5, 2],
      ['STU', null, null],
    ]);
    const bad = await agent.get('/api/v1/scorecards?from=2026-13-01&to=yesterday').expect(422);
    expect(Object.keys(bad.body.fields).sort()).toEqual(['from', 'to']);
    const reversed = await agent.get('/api/v1/scorecards?from=2026-11-21&to=2026-11-20').expect(422);
    expect(Object.keys(reversed.body.fields)).toEqual(['to']);
    // One department, in any case, ranked among all; an unknown code is a 422 naming it (every department came back).
    const hr = await agent.get('/api/v1/scorecards?from=2026-11-20&to=2026-11-20&department=hr').expect(200);
    expect(hr.body.items).toEqual([expect.objectContaining({ department: 'HR', rank: 2, score: 77 })]);
    const unknown = await agent.get('/api/v1/scorecards?from=2026-11-20&to=2026-11-20&department=XYZ').expect(422);
    expect(unknown.body.fields).toEqual({ department: '未知的单位代码：XYZ' });
    // A period (the pages' `?period=`) is named, not read as dates missing.
    const period = await agent.get('/api/v1/scorecards?period=abc').expect(422);
    expect(period.body.fields).toMatchObject({
      period: '此接口按起止日期（from、to，YYYY-MM-DD）取数，不接受 period：请改用 from 和 to',
    });
  });

  it('shows a steward only their own department (page and API)', async () => {
    const { agent } = await signIn(t.app, hrSteward.login, hrSteward.password);
    await agent.get('/scorecards').expect(302).expect('Location', '/scorecards/HR');
    const own = await bodyOf('/scorecards/HR?from=2026-11-20&to=2026-11-21', agent);
    expect(own).toContain('人事处数据质量评分');
    expect(own).toContain('88.5');
    // How the score is made from the table below it (the page gave only the numbers).
    expect(own).toContain('<p class="muted sc-formula">得分 &#x3D; 100 × Σ(权重 × 分项值) ÷ Σ(权重)，只计当日已测量的分项');
    // No report due in 30 days: not measured, said so as for the other components (a weight beside "—" read as counted).
    expect(own).toMatch(
      /<td>纠错按期答复<\/td><td class="num">—<\/td><td class="num">\d+<\/td><td>未测量（不计入得分）：近 30 天到期的 0 条纠错中 0 条按期答复/,
    );
    // In English the counts come first: "…: Reports due…" had a capital in mid-sentence.
    const english = (await agent.get('/scorecards/HR?from=2026-11-20&to=2026-11-21').set('Accept-Language', 'en')).text;
    expect(english).toMatch(
      /<td>Reports due in the last 30 days answered in time: 0 of 0; \d+ received that day — not measured \(left out of the score\)<\/td>/,
    );
    await agent.get('/scorecards/ORG').expect(403);
    await agent.get('/dashboard').expect(403);
    // Their export holds their own department's row only (scorecards-walkthrough.test.ts reads it).
    const exported = (await agent.get('/scorecards/export.csv?from=2026-11-20&to=2026-11-20').expect(200)).text;
    expect(exported).toContain(',HR,');
    expect(exported).not.toContain(',ORG,');
    const api = await agent.get('/api/v1/scorecards?from=2026-11-20&to=2026-11-20').expect(200);
    expect(api.body.items).toEqual([expect.objectContaining({ department: 'HR', rank: 2 })]);
    await agent.get('/api/v1/scorecards?from=2026-11-20&to=2026-11-20&department=HR').expect(200);
    await agent.get('/api/v1/scorecards?from=2026-11-20&to=2026-11-20&department=ORG').expect(403);
    const plainUser = await buildUser(t.db.knex, { department: 'HR', roles: ['user'] });
    const other = await signIn(t.app, plainUser.login, plainUser.password);
    await other.agent.get('/scorecards/HR').expect(403);
    await other.agent.get('/api/v1/scorecards?from=2026-11-20&to=2026-11-20').expect(403);
  });

  it('renders the dashboard with the ranking, heat map and trend data', async () => {
    const { agent } = await signIn(t.app, office.login, office.password);
    await agent.get('/scorecards').expect(302).expect('Location', '/dashboard');
    const html = await bodyOf('/dashboard?from=2026-11-20&to=2026-11-21', agent);
    expect(html).toContain('数据质量考核看板');
    expect(html).toContain('党委组织部');
    expect(html).toMatch(/sc-cell stale/); // payroll on 11-20
    // Heat map rows by the catalog's title, the table's name on hover.
    expect(html).toContain('<div class="sc-heat-table" title="payroll">工资发放 <small>HR</small></div>');
    // HR's row: the period's mean (77 + 100) / 2 and its latest day (11-21), both with two decimals.
    expect(html).toMatch(/人事处<\/a>[^]*?<td class="sc-score">88\.50<\/td>\s*<td>100\.00<\/td>/);
    expect(html).toContain('id="sc-trend-data"');
    const home = await bodyOf('/', agent);
    expect(home).toContain('href="/dashboard"');
  });

  // The runs list's badge: a completed run read 已完成 here however many tables it could not check.
  it('says beside the latest run how many tables it could not check, as the runs list does', async () => {
    const { agent, csrf } = await signIn(t.app, office.login, office.password);
    const stat = (html: string) =>
      /<a href="\/runs\/\d+">最近检查 #\d+<\/a>[^<]*(<span[\s\S]*?<\/span>)?<\/div>/.exec(html)?.[0] ?? '';
    expect(stat(await bodyOf('/dashboard', agent))).not.toContain('无法检查');
    const runId = (await claimRun(t.db.knex, { trigger: 'schedule' }))!;
    try {
      await t.db
        .knex('check_runs')
        .where({ id: runId })
        .update({ status: 'completed', tables_total: 5, tables_done: 5, tables_failed: 2, finished_at: new Date() });
      const html = await bodyOf('/dashboard', agent);
      expect(html).toContain('<span class="badge completed">已完成</span>');
      expect(stat(html)).toContain(`<a href="/runs/${runId}">最近检查 #${runId}</a>`);
      expect(stat(html)).toContain(' · <span class="sc-bad">2 张表无法检查</span>');
      await agent.post('/locale').type('form').send({ locale: 'en', next: '/', _csrf: csrf }).expect(302);
      expect(await bodyOf('/dashboard', agent)).toContain(' · <span class="sc-bad">2 tables could not be checked</span>');
    } finally {
      await agent.post('/locale').type('form').send({ locale: 'zh-CN', next: '/', _csrf: csrf }).expect(302);
      await t.db.knex('check_runs').where({ id: runId }).delete();
    }
  });

  it('says how many error reports wait for the IT office to route them, which 待处理纠错 does not count', async () => {
    const { agent } = await signIn(t.app, office.login, office.password);
    const note = (html: string) => /<p class="flash flash-info sc-triage">([\s\S]*?)<\/p>/.exec(html)?.[1] ?? null;
    expect(note(await bodyOf('/dashboard', agent))).toBeNull();
    const reporter = await buildUser(t.db.knex, { department: 'HR', roles: ['user'] });
    const [{ id }] = await t.db
      .knex('reports')
      .insert({
        reporter_id: reporter.id,
        status: 'triage',
        table_name: 'staff',
        field_name: 'staff_no',
        record_key: JSON.stringify({ staff_no: '1' }),
        department_code: 'HR',
        description: '职工号有误',
        created_at: new Date(),
      })
      .returning('id');
    try {
      expect(note(await bodyOf('/dashboard', agent))).toBe(
        '另有 1 条纠错报告等待信息化办公室分派，尚未计入“待处理纠错”。 <a href="/reports/triage">去分派</a>',
      );
      // A university leader reads it too, without a link to a queue that is not theirs.
      const leader = await buildUser(t.db.knex, { department: 'ORG', roles: ['univ_leader'] });
      const { agent: leaderAgent } = await signIn(t.app, leader.login, leader.password);
      expect(note(await bodyOf('/dashboard', leaderAgent))).toBe('另有 1 条纠错报告等待信息化办公室分派，尚未计入“待处理纠错”。');
      // A past period is what it was: nothing live is said of it.
      expect(note(await bodyOf('/dashboard?from=2026-11-20&to=2026-11-21', agent))).toBeNull();
    } finally {
      await t.db.knex('reports').where({ id }).delete();
    }
  });

  it('exports the period as an Excel file and as CSV, one row per department', async () => {
    const { agent } = await signIn(t.app, office.login, office.password);
    const xlsx = await agent
      .get('/scorecards/export.xlsx?from=2026-11-20&to=2026-11-20')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as Parameters<typeof workbook.xlsx.load>[0]);
    const sheet = workbook.worksheets[0];
    const rows = sheet
      .getSheetValues()
      .filter(Boolean)
      .map((r) => (r as unknown[]).slice(1));
    expect(rows[1].slice(0, 4)).toEqual(['排名', '部门代码', '部门', '得分']);
    // The counts after the components are the period's last day's (ticket counts, the median), or its sum (reports):
    // the headers say which — 待处理工单 3 read as the period's total in an annual assessment.
    expect(rows[1].slice(11)).toEqual([
      '计分天数',
      '期末待处理工单',
      '期末逾期工单',
      '期末已督办工单',
      '期末近 30 天解决时长中位数（小时）',
      '期内收到纠错',
    ]);
    // rank, code, name, score, freshness %, deadline, validity %, completeness %, tickets %…
    expect(rows[2].slice(0, 8)).toEqual([1, 'ORG', '党委组织部', 88.57, undefined, undefined, 80, undefined]);
    expect(rows[3].slice(0, 8)).toEqual([2, 'HR', '人事处', 77, 50, undefined, undefined, 90]);
    expect(rows).toHaveLength(5); // title, header, 3 departments
    // Numbers, shown as the pages show them: the score with two decimals, the components with one.
    expect(sheet.getRow(4).getCell(4).numFmt).toBe('0.00');
    expect(sheet.getRow(4).getCell(5).numFmt).toBe('0.0');
    // Every header fits its column (a Chinese character takes two): a fixed 12 cut the long ones.
    const clipped = (rows[1] as string[]).filter(
      (header, i) =>
        [...header].reduce((w, ch) => w + (/[\u2e80-\uffe6]/.test(ch) ? 2 : 1), 0) > (sheet.getColumn(i + 1).width ?? 0),
    );
    expect(clipped).toEqual([]);

    const csv = await agent.get('/scorecards/export.csv?from=2026-11-20&to=2026-11-20').expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(4);
    // The components are percentages, and their headers say so (in the Excel file too).
    expect(lines[0].startsWith('排名,部门代码,部门,得分,时效性 (%),按期维护 (%),规范性 (%),完整性 (%),工单按期 (%),')).toBe(true);
    expect(rows[1].slice(4, 6)).toEqual(['时效性 (%)', '按期维护 (%)']);
    expect(lines[1].startsWith('1,ORG,党委组织部,88.57,,,80.0,,100.0,')).toBe(true);
    expect(lines[2].startsWith('2,HR,人事处,77.00,50.0,,,90.0,100.0,')).toBe(true);
  });

  it("says in the Excel file's title up to which day a period still running is counted", async () => {
    const { agent, csrf } = await signIn(t.app, office.login, office.password);
    const titleOf = async (query: string) => {
      const xlsx = await agent
        .get(`/scorecards/export.xlsx?${query}`)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.body as unknown as Parameters<typeof book.xlsx.load>[0]);
      return book.worksheets[0].getCell('A1').value;
    };
    // Today is 2026-11-22; the last snapshot is of 11-21. This month's file covers 11-01 … 11-21 only: its title named
    // the whole month, as a finished month's would.
    expect(await titleOf('period=month')).toBe(
      '部门数据质量考核 2026-11-01 至 2026-11-30（本周期尚未结束，数据截至 2026-11-21）',
    );
    expect(await titleOf('from=2026-11-01&to=2026-12-31')).toBe(
      '部门数据质量考核 2026-11-01 至 2026-12-31（本周期尚未结束，数据截至 2026-11-21）',
    );
    // A period that is over says nothing more.
    expect(await titleOf('from=2026-11-20&to=2026-11-21')).toBe('部门数据质量考核 2026-11-20 至 2026-11-21');
    // A period with no snapshot in it, as the dashboard says: the file was a title over headers, no department in it.
    expect(await titleOf('from=2026-11-23&to=2026-11-30')).toBe(
      '部门数据质量考核 2026-11-23 至 2026-11-30（本周期尚未开始，没有评分快照）',
    );
    expect(await titleOf('from=2026-10-01&to=2026-10-31')).toBe(
      '部门数据质量考核 2026-10-01 至 2026-10-31（本周期内没有评分快照，因此没有得分和排名）',
    );
    await agent.post('/locale').type('form').send({ locale: 'en', next: '/', _csrf: csrf }).expect(302);
    try {
      expect(await titleOf('period=month')).toBe(
        'Department data-quality assessment 2026-11-01 to 2026-11-30 (the period is not over: figures up to 2026-11-21)',
      );
      expect(await titleOf('from=2026-10-01&to=2026-10-31')).toBe(
        'Department data-quality assessment 2026-10-01 to 2026-10-31 (no scorecard snapshot was taken in this period: no scores, no ranking)',
      );
    } finally {
      await agent.post('/locale').type('form').send({ locale: 'zh-CN', next: '/', _csrf: csrf }).expect(302);
    }
  });

  it('freezes a closed period: new runs and snapshots change nothing; appeals and answers are audited', async () => {
    const { agent, csrf } = await signIn(t.app, office.login, office.password);
    const closing = await agent
      .post('/scorecards/periods')
      .type('form')
      .send({ _csrf: csrf, from: '2026-11-20', to: '2026-11-20', label: '11月20日考核' })
      .expect(302);
    const periodPath = closing.headers.location as string;
    expect(periodPath).toMatch(/^\/scorecards\/periods\/\d+$/);
    const before = (await agent.get('/api/v1/scorecards?from=2026-11-20&to=2026-11-20').expect(200)).body;
    expect(before.closed).toMatchObject({ label: '11月20日考核' });

    // A late run on the closed day makes HR perfect, and the job runs again: nothing moves.
    await buildCheckRun(t.db.knex, '2026-11-20T22:00:00+08:00', [
      { table: 'payroll', check: 'freshness', department: 'HR', passed: true },
      { table: 'staff', field: 'staff_no', check: 'required', department: 'HR', violations: 0, checked: 100 },
    ]);
    expect((await snapshotJob(t.ctx, { day: '2026-11-20' })).skipped).toBe('closed');
    const hr = await t.db.knex('scorecard_snapshots').where({ department_code: 'HR', day: '2026-11-20' }).first();
    expect(hr.score).toBe(77);
    const after = (await agent.get('/api/v1/scorecards?from=2026-11-20&to=2026-11-20').expect(200)).body;
    expect(after.items).toEqual(before.items);
    // Closing the same period twice is refused; a period ending after today cannot be closed.
    // Said at the dates on the periods page, the form as typed.
    const twice = await agent
      .post('/scorecards/periods')
      .type('form')
      .send({ _csrf: csrf, from: '2026-11-20', to: '2026-11-20', label: '再关一次' })
      .expect(422);
    expect(twice.text).toContain('2026-11-20 至 2026-11-20 已关账');
    expect(twice.text).toContain('value="再关一次"');
    // A name over 200 characters is refused whole, not cut.
    const longName = await agent
      .post('/scorecards/periods')
      .type('form')
      .send({ _csrf: csrf, from: '2026-11-19', to: '2026-11-19', label: '长'.repeat(201) })
      .expect(422);
    expect(longName.text).toContain('名称最多 200 个字符');
    expect(await t.db.knex('assessment_periods').where({ from: '2026-11-19' }).first()).toBeUndefined();
    const future = await agent
      .post('/scorecards/periods')
      .type('form')
      .send({ _csrf: csrf, from: '2026-11-01', to: '2026-11-30' })
      .expect(422);
    expect(future.text).toContain('结束日期须早于今天');

    // The HR steward appeals; the steward of another department cannot appeal for HR.
    const steward = await signIn(t.app, hrSteward.login, hrSteward.password);
    // Both use the English UI: notices still go out in Chinese, the university's language.
    await steward.agent.post('/locale').type('form').send({ _csrf: steward.csrf, locale: 'en', next: '/' }).expect(302);
    const periodId = Number(periodPath.split('/').pop());
    await steward.agent.post(`${periodPath}/appeals`).type('form').send({ _csrf: steward.csrf, comment: '' }).expect(422);
    await steward.agent
      .post(`${periodPath}/appeals`)
      .type('form')
      .send({ _csrf: steward.csrf, comment: '工资表 20 日凌晨已同步，检查时间早于同步。联系 13812345678' })
      .expect(302);
    // A second appeal: the period's page comes back with the reason (who appealed when), the text kept to be copied,
    // nothing written.
    const second = await steward.agent
      .post(`${periodPath}/appeals`)
      .type('form')
      .send({ _csrf: steward.csrf, comment: '再次申诉' })
      .expect(409);
    expect(second.text).toContain('flash-error');
    expect(second.text).toContain('Your department has already appealed this period (人事处李专员, 2026-11-22 10:00)');
    expect(second.text).toContain('readonly>再次申诉</textarea>');
    expect(await t.db.knex('scorecard_appeals').where({ comment: '再次申诉' }).first()).toBeUndefined();
    // The IT office hears of the appeal (once: the refused second one tells nobody).
    const notices = (userId: number) =>
      t.db
        .knex('notifications')
        .where({ user_id: userId })
        .whereLike('kind', 'scorecards.appeal%') // the appeal notices (closing sends its own, see scorecards-period-access)
        .orderBy('id')
        .select('kind', 'title', 'body', 'link');
    expect(await notices(office.id)).toEqual([
      {
        kind: 'scorecards.appeal',
        title: '【考核申诉】人事处对“11月20日考核”的考核结果提出申诉',
        // The number typed into the appeal is masked, in the notice as on the page.
        body: '工资表 20 日凌晨已同步，检查时间早于同步。联系 138****5678',
        link: periodPath,
      },
    ]);
    const stewardView = await bodyOf(periodPath, steward.agent);
    expect(stewardView).toContain('工资表 20 日凌晨已同步，检查时间早于同步。联系 138****5678');
    expect(stewardView).not.toContain('13812345678');
    expect(stewardView).not.toContain('党委组织部'); // only its own row
    await steward.agent
      .post(`/scorecards/appeals/1/answer`)
      .type('form')
      .send({ _csrf: steward.csrf, answer: '我自己答复' })
      .expect(403);

    const appeal = await t.db.knex('scorecard_appeals').where({ period_id: periodId }).first();
    await agent.post('/locale').type('form').send({ _csrf: csrf, locale: 'en', next: '/' }).expect(302);
    await agent
      .post(`/scorecards/appeals/${appeal.id}/answer`)
      .type('form')
      .send({ _csrf: csrf, answer: '经核实，维持原评分。' })
      .expect(302);
    await agent.post('/locale').type('form').send({ _csrf: csrf, locale: 'zh-CN', next: '/' }).expect(302);
    expect(await bodyOf(periodPath, steward.agent)).toContain('经核实，维持原评分。');
    // …and the department hears of the answer: its stewards and its leader.
    expect(await notices(hrLeader.id)).toEqual(await notices(hrSteward.id));
    expect(await notices(hrSteward.id)).toEqual([
      {
        kind: 'scorecards.appeal_answered',
        title: '【考核申诉】信息化办公室已答复本单位对“11月20日考核”的申诉',
        body: '经核实，维持原评分。',
        link: periodPath,
      },
    ]);
    const actions = (await t.db.knex('audit_log').whereLike('action', 'scorecards.%').orderBy('seq').pluck('action')) as string[];
    expect(actions).toEqual(['scorecards.close', 'scorecards.appeal', 'scorecards.answer']);
  });

  it('keeps the weights history; a change applies to later snapshots only', async () => {
    const { agent, csrf } = await signIn(t.app, office.login, office.password);
    const weights = {
      'weights.freshness': '100',
      'weights.deadline': '0',
      'weights.validity': '0',
      'weights.completeness': '0',
      'weights.tickets': '0',
      'weights.reports': '0',
      'weights.sharing': '0',
    };
    const past = await agent
      .post('/scorecards/weights')
      .type('form')
      .send({ _csrf: csrf, ...weights, valid_from: '2026-11-21' })
      .expect(422);
    expect(past.text).toContain('生效日期不能早于今天');
    // Tied to its input for a screen reader, as the weights' messages are.
    expect(past.text).toContain(
      'name="valid_from" type="date" value="2026-11-21" aria-invalid="true" aria-describedby="valid_from-error">',
    );
    expect(past.text).toMatch(/<p class="field-error" role="alert" id="valid_from-error">生效日期不能早于今天/);
    // The history's first version is the migration's: its note says so in the reader's language, not "default".
    const history = (await agent.get('/scorecards/weights').expect(200)).text;
    expect(history).toMatch(/<td class="when">2000-01-01<\/td>[\s\S]*?<td>系统默认权重<\/td><\/tr>/);
    expect(history).not.toContain('<td>default</td>');
    const bad = await agent
      .post('/scorecards/weights')
      .type('form')
      .send({ _csrf: csrf, ...weights, 'weights.deadline': '-3', valid_from: '2026-11-22' })
      .expect(422);
    // The message names the weight, beside its input and tied to it for a screen reader.
    expect(bad.text).toContain(
      '<p class="field-error" role="alert" id="w-deadline-error">“按期维护”的权重应为 0 到 100 的整数，收到“-3”</p>',
    );
    expect(bad.text).toContain(
      'name="weights.deadline" type="number" min="0" max="100" step="1" value="-3" aria-invalid="true" aria-describedby="w-deadline-error">',
    );
    // An empty box (or spaces only) is asked for, not quoted back as 收到“”.
    for (const typed of ['', ' ']) {
      const empty = await agent
        .post('/scorecards/weights')
        .type('form')
        .send({ _csrf: csrf, ...weights, 'weights.deadline': typed, valid_from: '2026-11-22' })
        .expect(422);
      expect(empty.text).toContain(
        '<p class="field-error" role="alert" id="w-deadline-error">请填写“按期维护”的权重（0 到 100 的整数）</p>',
      );
    }
    // A blank start date (today) comes back as today, not empty.
    const blankDate = await agent
      .post('/scorecards/weights')
      .type('form')
      .send({ _csrf: csrf, ...weights, 'weights.deadline': 'x', valid_from: '' })
      .expect(422);
    expect(blankDate.text).toContain('id="valid_from" name="valid_from" type="date" value="2026-11-22"');
    // Whole numbers as digits: Number() would have read 1e1 as 10 and 0x10 as 16.
    for (const typed of ['1e1', '0x10', '5.0']) {
      const odd = await agent
        .post('/scorecards/weights')
        .type('form')
        .send({ _csrf: csrf, ...weights, 'weights.deadline': typed, valid_from: '2026-11-22' })
        .expect(422);
      expect(odd.text).toContain('权重应为 0 到 100 的整数');
    }
    // A note over 500 characters is refused naming it, not cut short.
    const long = await agent
      .post('/scorecards/weights')
      .type('form')
      .send({ _csrf: csrf, ...weights, valid_from: '2026-11-22', note: '说'.repeat(501) })
      .expect(422);
    expect(long.text).toContain('说明最多 500 个字符（现为 501 个）');
    expect(await t.db.knex('scorecard_weights').where('valid_from', '2026-11-22')).toEqual([]);
    await agent
      .post('/scorecards/weights')
      .type('form')
      .send({ _csrf: csrf, ...weights, 'weights.freshness': '１００', valid_from: '2026-11-22', note: '只看时效' })
      .expect(302);
    // Full-width digits (a Chinese input method's full-width mode) are the same numbers.
    expect((await t.db.knex('scorecard_weights').where('valid_from', '2026-11-22').first()).weights).toMatchObject({
      freshness: 100,
    });

    // A run today, then today's snapshot: it uses the new weights.
    await buildCheckRun(t.db.knex, '2026-11-22T09:00:00+08:00', [
      { table: 'staff', check: 'freshness', department: 'HR', passed: true },
      { table: 'payroll', check: 'freshness', department: 'HR', passed: false },
      { table: 'staff', field: 'staff_no', check: 'required', department: 'HR', violations: 10, checked: 100 },
    ]);
    await snapshotJob(t.ctx, {});
    const today = await t.db.knex('scorecard_snapshots').where({ department_code: 'HR', day: '2026-11-22' }).first();
    // Freshness alone weighs: 100 × 0.5 = 50 (completeness 0.9 and tickets 1 weigh 0 now).
    expect(today.score).toBe(50);
    // 11-21 re-snapshotted keeps the weights valid then: still 100 with the first version.
    await snapshotJob(t.ctx, { day: '2026-11-21' });
    const earlier = await t.db.knex('scorecard_snapshots').where({ department_code: 'HR', day: '2026-11-21' }).first();
    expect(earlier.score).toBe(100);
    expect(Number(earlier.weights_version_id)).not.toBe(Number(today.weights_version_id));

    const page = await bodyOf('/scorecards/weights', agent);
    expect(page).toContain('只看时效');
    expect(page).toContain('系统默认权重');
    const audit = await t.db.knex('audit_log').where({ action: 'scorecards.weights' });
    expect(audit).toHaveLength(1);
    // The audit row keeps why the weights changed.
    expect(audit[0].summary.note).toBe('只看时效');
  });

  it('says which weights are in force and which wait for their day; a change made before a scheduled one says where it ends', async () => {
    const { agent, csrf } = await signIn(t.app, office.login, office.password);
    const save = (validFrom: string, freshness: string) =>
      agent
        .post('/scorecards/weights')
        .type('form')
        .send({
          _csrf: csrf,
          'weights.freshness': freshness,
          'weights.deadline': '20',
          'weights.validity': '20',
          'weights.completeness': '20',
          'weights.tickets': '20',
          'weights.reports': '0',
          'weights.sharing': '5',
          valid_from: validFrom,
        })
        .expect(302);
    await save('2026-12-20', '20');
    const scheduled = Number((await t.db.knex('scorecard_weights').where('valid_from', '2026-12-20').first('id')).id);
    await save('2026-11-22', '40');
    const today = Number(
      (await t.db.knex('scorecard_weights').where('valid_from', '2026-11-22').orderBy('id', 'desc').first('id')).id,
    );
    const page = await bodyOf('/scorecards/weights', agent);
    // The flash of the second save: it applies until the version scheduled before it takes over.
    expect(page).toContain(
      `<div class="flash flash-info" role="status">权重已保存，自 2026-11-22 起生效；2026-12-20 起改用此前已排定的版本 #${scheduled}（生效日期最晚且不晚于当天的版本适用）</div>`,
    );
    const stateOf = (id: number) => new RegExp(`<tr><td>${id}</td><td class="when">[^<]*</td><td>([^]*?)</td>`).exec(page)?.[1];
    expect(stateOf(today)).toBe('<span class="badge ok">现行</span>');
    expect(stateOf(scheduled)).toBe('<span class="badge">待生效</span>');
    // The versions before today's: neither.
    const oldest = Number((await t.db.knex('scorecard_weights').orderBy('id').first('id')).id);
    expect(stateOf(oldest)).toBe('');
  });
});
