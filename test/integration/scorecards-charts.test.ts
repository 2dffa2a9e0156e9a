import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { buildUser } from '../factories';
import { buildCheckRun, createScorecardTestApp } from '../factories/scorecards';
import { signIn, TestApp } from '../helpers/app';

/**
 * The comparison of departments' period scores is a horizontal bar chart (chart.js, as the dashboard's
 * trend) on the dashboard and on a closed period's page, with the ranking table kept under it as the
 * accessible fallback. The chart's data is worked out by hand (as in scorecards-http.test.ts):
 * on 2026-11-20 ORG scores 88.57 (validity 0.8, tickets 1), HR 77 (freshness 0.5, completeness 0.9,
 * tickets 1); STU has no score and gets no bar.
 */
const EXPECTED = {
  labels: ['党委组织部', '人事处'],
  score: [88.57, 77],
  scoreLabel: '得分',
  components: [
    { key: 'freshness', label: '时效性 (%)', name: '时效性', values: [null, 50] },
    { key: 'validity', label: '规范性 (%)', name: '规范性', values: [80, null] },
    { key: 'completeness', label: '完整性 (%)', name: '完整性', values: [null, 90] },
    { key: 'tickets', label: '工单按期 (%)', name: '工单按期', values: [100, 100] },
  ],
};

/** The chart's JSON data island and whether the canvas and the table are on the page. */
function chartOf(page: string) {
  const json = /<script type="application\/json" id="sc-ranking-data">([^<]*)<\/script>/.exec(page);
  return {
    data: json ? JSON.parse(json[1]) : null,
    canvas: /<canvas id="sc-ranking-bars" role="img" aria-label="[^"]+"><\/canvas>/.test(page),
    table: page.includes('<table class="table sc-ranking">'),
    script:
      page.includes('<script src="/static/vendor/chart.umd.min.js" defer></script>') && page.includes('/static/js/scorecards.js'),
  };
}

describe("departments' period scores as a bar chart", () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    t = await createScorecardTestApp();
    const o = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'] });
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
    await snapshotJob(t.ctx, { day: '2026-11-20' });
    office = await signIn(t.app, o.login, o.password);
  });
  afterAll(() => t.close());

  it('on the dashboard, above the ranking table', async () => {
    const page = (await office.agent.get('/dashboard?from=2026-11-20&to=2026-11-20').expect(200)).text;
    expect(chartOf(page)).toEqual({ data: EXPECTED, canvas: true, table: true, script: true });
    expect(page.indexOf('id="sc-ranking-bars"')).toBeLessThan(page.indexOf('<table class="table sc-ranking">'));
  });

  it("on a closed period's page", async () => {
    const closing = await office.agent
      .post('/scorecards/periods')
      .type('form')
      .send({ _csrf: office.csrf, from: '2026-11-20', to: '2026-11-20', label: '11月20日' })
      .expect(302);
    const page = (await office.agent.get(closing.headers.location).expect(200)).text;
    expect(chartOf(page)).toEqual({ data: EXPECTED, canvas: true, table: true, script: true });
  });

  it("no chart of departments on a closed period's page for a department, which reads its own row only", async () => {
    const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    const s = await signIn(t.app, steward.login, steward.password);
    const { id } = await t.db.knex('assessment_periods').where({ from: '2026-11-20', to: '2026-11-20' }).first('id');
    const page = (await s.agent.get(`/scorecards/periods/${id}`).expect(200)).text;
    // One bar, its own, under 各部门本周期得分 (every department's period score).
    expect(chartOf(page)).toMatchObject({ data: null, canvas: false, table: true });
    expect(page).not.toContain('各部门本周期得分');
    expect(page).toMatch(/<td class="num">2 \/ 2<\/td><td class="sc-name"><a href="\/scorecards\/HR\?period=\d+">人事处<\/a>/);
  });

  it('puts the single snapshot in the trend data of the dashboard and of a scorecard', async () => {
    // One snapshot (2026-11-20): each trend is one point — the mean (88.57 + 77) / 2 = 82.785 → 82.79,
    // and the ranked departments, lowest last. scorecards.js draws a series of one value as a dot
    // (test/e2e/scorecards-layout.test.ts checks the radius in Chromium).
    const island = (page: string, id: string) => JSON.parse(new RegExp(`id="${id}">([^<]*)</script>`).exec(page)![1]);
    const dashboard = (await office.agent.get('/dashboard?from=2026-11-20&to=2026-11-20').expect(200)).text;
    expect(island(dashboard, 'sc-trend-data')).toEqual({
      labels: ['2026-11-20'],
      mean: [82.79],
      meanLabel: '全校平均',
      series: [
        { department: 'ORG', name: '党委组织部', scores: [88.57] },
        { department: 'HR', name: '人事处', scores: [77] },
      ],
    });
    const card = island((await office.agent.get('/scorecards/HR').expect(200)).text, 'sc-card-data');
    expect(card).toMatchObject({ labels: ['2026-11-20'], score: [77], scoreLabel: '得分' });
    expect(card.components).toMatchObject({ freshness: [50], completeness: [90], validity: [null] });
  });

  it("gives each trend chart's figures as a table under it, components included (keyboard, screen readers)", async () => {
    // The same single snapshot as above, as rows of the <details> table: the mean and the departments as scores
    // with two decimals, a department's components as percentages (only those measured on some day).
    const trendTableOf = (page: string) => {
      const details = /<details class="trend-table">([\s\S]*?)<\/details>/.exec(page);
      if (!details) return null;
      const cells = (html: string, tag: string) =>
        [...html.matchAll(new RegExp(`<${tag}[^>]*>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]);
      const [head, body] = details[1].split('</thead>');
      return {
        summary: /<summary>([^<]*)<\/summary>/.exec(details[1])![1],
        columns: cells(head, 'th'),
        rows: body
          .split('</tr>')
          .slice(0, -1)
          .map((row) => cells(row, 'td')),
      };
    };
    const dashboard = (await office.agent.get('/dashboard?from=2026-11-20&to=2026-11-20').expect(200)).text;
    expect(trendTableOf(dashboard)).toEqual({
      summary: '以表格查看图中数据',
      columns: ['日期', '全校平均', '党委组织部', '人事处'],
      rows: [['2026-11-20', '82.79', '88.57', '77.00']],
    });
    const card = (await office.agent.get('/scorecards/HR').expect(200)).text;
    expect(trendTableOf(card)).toEqual({
      summary: '以表格查看图中数据',
      columns: ['日期', '得分', '时效性', '完整性', '工单按期'],
      rows: [['2026-11-20', '77.00', '50.0%', '90.0%', '100.0%']],
    });
    const english = (await office.agent.get('/scorecards/HR').set('Accept-Language', 'en').expect(200)).text;
    expect(trendTableOf(english)).toMatchObject({
      summary: 'Show the chart figures as a table',
      columns: ['Day', 'Score', 'Freshness', 'Completeness', 'Tickets on time'],
    });
  });

  it('no chart when no department has a score', async () => {
    const page = (await office.agent.get('/dashboard?from=2026-10-01&to=2026-10-02').expect(200)).text;
    expect(chartOf(page)).toMatchObject({ data: null, canvas: false, table: true });
    expect(page).not.toContain('class="trend-table"');
  });
});
