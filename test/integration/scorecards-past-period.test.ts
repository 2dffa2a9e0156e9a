import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { translator } from '../../server/i18n';
import { buildUser } from '../factories';
import { buildCheckRun, createScorecardTestApp } from '../factories/scorecards';
import { signIn, TestApp } from '../helpers/app';

/**
 * A past period's dashboard and scorecard show the hub as it stood when the period ended: stat cards, trend, heat map
 * and worst tables from the newest snapshot on or before the period's end. They showed today's beside the period's
 * ranking, so 11 月上旬's page listed problems found after it. "Today" is 2026-11-22 in Beijing: on 11-10 staff failed
 * two checks, on 11-21 payroll failed one and staff passed.
 */
const zh = translator('zh-CN');
const en = translator('en');

/** The rows of the dashboard's worst tables, as their table names. */
const worstTables = (html: string) => {
  const at = html.indexOf(`<h2>${zh('scorecards.dashboard.worstTables')}</h2>`);
  if (at < 0) return [];
  const table = html.slice(at, html.indexOf('</table>', at));
  return [...table.matchAll(/<small class="muted">([a-z_]+)<\/small>/g)].map((m) => m[1]);
};
/** The heat map's days. */
const heatDays = (html: string) => [...html.matchAll(/<div class="sc-heat-day" title="([\d-]+)">/g)].map((m) => m[1]);

describe('a past period on the dashboard and the scorecard', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    t = await createScorecardTestApp();
    const o = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'] });
    await buildCheckRun(
      t.db.knex,
      '2026-11-10T10:00:00+08:00',
      [
        { table: 'staff', field: 'staff_no', check: 'required', department: 'HR', violations: 4, checked: 10 },
        { table: 'staff', field: 'staff_no', check: 'pattern', department: 'HR', violations: 2, checked: 10 },
        { table: 'payroll', field: 'staff_no', check: 'required', department: 'HR', passed: true, checked: 10 },
      ],
      { staff: 2, payroll: 2 },
    );
    await snapshotJob(t.ctx, { day: '2026-11-10' });
    await buildCheckRun(
      t.db.knex,
      '2026-11-21T10:00:00+08:00',
      [
        { table: 'staff', field: 'staff_no', check: 'required', department: 'HR', passed: true, checked: 10 },
        { table: 'staff', field: 'staff_no', check: 'pattern', department: 'HR', passed: true, checked: 10 },
        { table: 'payroll', field: 'staff_no', check: 'required', department: 'HR', violations: 1, checked: 10 },
      ],
      { staff: 2, payroll: 2 },
    );
    await snapshotJob(t.ctx, { day: '2026-11-21' });
    office = await signIn(t.app, o.login, o.password);
  });
  afterAll(() => t.close());

  it('the dashboard of 11-01 – 11-15 shows the snapshot of 11-10, said as the period end’s', async () => {
    const html = (await office.agent.get('/dashboard?from=2026-11-01&to=2026-11-15').expect(200)).text;
    expect(html).toContain(zh('scorecards.dashboard.periodEndDay', { day: '2026-11-10' }));
    expect(html).not.toContain(zh('scorecards.dashboard.lastDay', { day: '2026-11-21' }));
    expect(worstTables(html)).toEqual(['staff']);
    // A worst table's department leads to its scorecard for the same period (it opened this month's beside it).
    const at = html.indexOf(`<h2>${zh('scorecards.dashboard.worstTables')}</h2>`);
    const worst = html.slice(at, html.indexOf('</table>', at));
    expect(worst).toContain(`<a href="/scorecards/HR?from&#x3D;2026-11-01&amp;to&#x3D;2026-11-15">`);
    expect(worst).not.toMatch(/<a href="\/scorecards\/[A-Z]+">/);
    expect(heatDays(html).at(-1)).toBe('2026-11-10');
    // Its overdue count is the period end's: no link to today's overdue list, which would show other tickets.
    expect(html).not.toContain('href="/tickets?view=overdue"');
    expect(html).not.toContain('href="/tickets?check=report');
  });

  it('a trend has every day on its axis, a day without a snapshot a gap (11-10, then 11-21: not two neighbouring points)', async () => {
    const island = (page: string, id: string) => JSON.parse(new RegExp(`id="${id}">([^<]*)</script>`).exec(page)![1]);
    const days = Array.from({ length: 12 }, (_, i) => `2026-11-${String(10 + i).padStart(2, '0')}`);
    const dashboard = island((await office.agent.get('/dashboard').expect(200)).text, 'sc-trend-data');
    expect(dashboard.labels).toEqual(days);
    expect(dashboard.mean.map((v: number | null) => v !== null)).toEqual(
      days.map((d) => d === '2026-11-10' || d === '2026-11-21'),
    );
    for (const s of dashboard.series) expect(s.scores).toHaveLength(12);
    const card = island((await office.agent.get('/scorecards/HR').expect(200)).text, 'sc-card-data');
    expect(card.labels).toEqual(days);
    expect(card.score.slice(1, 11)).toEqual(Array(10).fill(null));
    expect(card.score[0]).not.toBeNull();
    expect(card.components.validity.slice(1, 11)).toEqual(Array(10).fill(null));
  });

  it('the current period still shows the latest snapshot', async () => {
    const html = (await office.agent.get('/dashboard').expect(200)).text;
    expect(html).toContain(zh('scorecards.dashboard.lastDay', { day: '2026-11-21' }));
    expect(worstTables(html)).toEqual(['payroll']);
    expect(heatDays(html).at(-1)).toBe('2026-11-21');
    expect(html).toContain(`<a href="/tickets?view=overdue">${zh('scorecards.dashboard.overdue')}</a>`);
    // 待处理纠错 leads to the report tickets it counts, as 逾期工单 leads to the overdue ones (it was plain text).
    expect(html).toContain(`<a href="/tickets?check=report&amp;status=active">${zh('scorecards.dashboard.openReports')}</a>`);
  });

  it("a department's scorecard of a past period: its breakdown is of the period end's snapshot", async () => {
    const html = (await office.agent.get('/scorecards/HR?from=2026-11-01&to=2026-11-15').expect(200)).text;
    expect(html).toContain(zh('scorecards.scorecard.breakdown', { day: '2026-11-10' }));
    expect(html).toContain(zh('scorecards.dashboard.periodEndDay', { day: '2026-11-10' }));
    const now = (await office.agent.get('/scorecards/HR').expect(200)).text;
    expect(now).toContain(zh('scorecards.scorecard.breakdown', { day: '2026-11-21' }));
  });

  it('a period with no snapshot inside it says so, and does not show the one before it (11-10) as its own', async () => {
    for (const path of ['/dashboard', '/scorecards/HR']) {
      const html = (await office.agent.get(`${path}?from=2026-11-12&to=2026-11-18`).expect(200)).text;
      expect({
        path,
        empty: html.includes(zh('scorecards.dashboard.emptyIn', { from: '2026-11-12', to: '2026-11-18' })),
      }).toEqual({
        path,
        empty: true,
      });
      expect({ path, html }).toEqual({ path, html: expect.not.stringContaining('2026-11-10') });
    }
  });

  it('a period that ended before the first snapshot says so, in both languages', async () => {
    const html = (await office.agent.get('/dashboard?from=2026-10-01&to=2026-10-31').expect(200)).text;
    expect(html).toContain(zh('scorecards.dashboard.emptyIn', { from: '2026-10-01', to: '2026-10-31' }));
    expect(html).not.toContain(zh('scorecards.dashboard.empty'));
    expect(worstTables(html)).toEqual([]);
    await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'en', next: '/' }).expect(302);
    try {
      const page = (await office.agent.get('/scorecards/HR?from=2026-10-01&to=2026-10-31').expect(200)).text;
      expect(page).toContain(
        en('scorecards.dashboard.emptyIn', { from: '2026-10-01', to: '2026-10-31' }).replace(/'/g, '&#x27;'),
      );
    } finally {
      await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    }
  });

  it('a period that has not begun says so, on the dashboard and the scorecard, and tells nothing live of it', async () => {
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
      // Today is 2026-11-22: December has not begun. It read 尚无评分快照：快照每小时生成一次…, as if none had been taken
      // yet, with the note of reports waiting to be routed as if December held them.
      for (const path of ['/dashboard', '/scorecards/HR']) {
        const html = (await office.agent.get(`${path}?from=2026-12-01&to=2026-12-31`).expect(200)).text;
        expect({
          path,
          notStarted: html.includes(zh('scorecards.dashboard.notStarted', { from: '2026-12-01', to: '2026-12-31' })),
        }).toEqual({
          path,
          notStarted: true,
        });
        expect({ path, html }).toEqual({ path, html: expect.not.stringContaining(zh('scorecards.dashboard.empty')) });
        expect({ path, html }).toEqual({ path, html: expect.not.stringContaining('sc-triage') });
      }
      // This month still says how many wait.
      expect((await office.agent.get('/dashboard').expect(200)).text).toContain('sc-triage');
      await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'en', next: '/' }).expect(302);
      try {
        const page = (await office.agent.get('/dashboard?from=2026-12-01&to=2026-12-31').expect(200)).text;
        expect(page).toContain('2026-12-01 to 2026-12-31 has not begun, so there is no scorecard snapshot yet');
      } finally {
        await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'zh-CN', next: '/' }).expect(302);
      }
    } finally {
      await t.db.knex('reports').where({ id }).delete();
    }
  });
});
