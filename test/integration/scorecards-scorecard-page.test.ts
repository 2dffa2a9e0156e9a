import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { translator } from '../../server/i18n';
import { buildUser } from '../factories';
import { buildCheckRun, createScorecardTestApp, insertTicket, visibleText } from '../factories/scorecards';
import { signIn, TestApp } from '../helpers/app';

/**
 * A department's scorecard page as its steward reads it, in Chinese and in English: before the first
 * snapshot (nothing says "null"), then with failing checks (named as the check pages name them).
 * "Today" is 2026-11-22 in Beijing.
 */
const zh = translator('zh-CN');
const en = translator('en');

describe("a department's scorecard page", () => {
  let t: TestApp;
  /** The HR steward signed in twice: one session on the Chinese UI, one switched to English. */
  const sessions: Partial<Record<'zh-CN' | 'en', Awaited<ReturnType<typeof signIn>>>> = {};
  const page = async (path: string, locale: 'zh-CN' | 'en') => (await sessions[locale]!.agent.get(path).expect(200)).text;

  beforeAll(async () => {
    t = await createScorecardTestApp();
    const s = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    sessions['zh-CN'] = await signIn(t.app, s.login, s.password);
    const english = (sessions.en = await signIn(t.app, s.login, s.password));
    await english.agent.post('/locale').type('form').send({ _csrf: english.csrf, locale: 'en', next: '/' }).expect(302);
  });
  afterAll(() => t.close());

  it('says "—" and no "null" before the first snapshot, in both languages', async () => {
    const chinese = visibleText(await page('/scorecards/HR', 'zh-CN'));
    expect(chinese).not.toMatch(/null/i);
    expect(chinese).toContain(`— ${zh('scorecards.scorecard.latestScoreNone')}`);
    expect(chinese).toContain(zh('scorecards.dashboard.empty'));
    const english = visibleText(await page('/scorecards/HR', 'en'));
    expect(english).not.toMatch(/null/i);
    expect(english).toContain(`— ${en('scorecards.scorecard.latestScoreNone')}`);
    expect(english).not.toContain('Score on');
  });

  it('names the failing checks and the overdue tickets’ checks by their display names, not their kinds', async () => {
    await buildCheckRun(t.db.knex, '2026-11-21T10:00:00+08:00', [
      { table: 'staff', field: 'staff_no', check: 'validate', department: 'HR', violations: 7, checked: 100 },
      { table: 'payroll', field: 'staff_no', check: 'deadline', department: 'HR', violations: 3, checked: 40 },
    ]);
    await snapshotJob(t.ctx, { day: '2026-11-21' });
    await insertTicket(t.db.knex, {
      department: 'HR',
      check: 'unique',
      due: '2026-11-18',
      firstSeen: '2026-11-10T09:00:00+08:00',
    });
    /** The visible text between a heading and the next marker. */
    const section = (html: string, heading: string, end?: string) => {
      const from = html.indexOf(heading);
      expect(from).toBeGreaterThan(-1);
      return visibleText(html.slice(from, end ? html.indexOf(end, from) : undefined));
    };

    const chinese = await page('/scorecards/HR', 'zh-CN');
    // staff·staff_no has 7 violations, payroll·staff_no 3: the worst first, by the catalog's titles (names beside).
    const worstZh = section(chinese, zh('scorecards.scorecard.worstChecks'), 'class="trend-grid"');
    expect(zh('checks.kinds.validate')).toBe('有效性');
    expect(zh('checks.kinds.deadline')).toBe('维护时限');
    expect(worstZh).toContain('教职工基本信息 staff 职工号 staff_no 有效性 7 100');
    expect(worstZh).toContain('工资发放 payroll 职工号 staff_no 维护时限 3 40');
    expect(section(chinese, zh('scorecards.scorecard.overdueTickets'))).toContain(zh('checks.kinds.unique'));

    const english = await page('/scorecards/HR', 'en');
    const worstEn = section(english, en('scorecards.scorecard.worstChecks'), 'class="trend-grid"');
    expect(worstEn).toContain('教职工基本信息 staff 职工号 staff_no Validity 7 100');
    expect(worstEn).toContain('工资发放 payroll 职工号 staff_no Deadline 3 40');
    // The trend charts under it are captioned the same way.
    expect(section(english, 'class="trend-grid"', '</div>\n</div>')).toContain('教职工基本信息·职工号 · Validity');
    expect(section(english, en('scorecards.scorecard.overdueTickets'))).toContain('Uniqueness');
    // The components' counts follow their label, so a count of one reads as English too (it was "0 of 1 tables fresh",
    // "0 of 1 active tickets overdue").
    expect(visibleText(english)).toContain('Validity 93.0% 20 Rows with problems: 7 of 100');
    expect(visibleText(english)).toContain('Tickets on time 100.0% 15 Active tickets overdue: 0 of 0 (0 escalated)');

    // The kinds themselves are never shown as text (they stay in the trend links' query strings).
    for (const html of [chinese, english]) {
      expect(visibleText(html)).not.toMatch(/\b(validate|deadline|unique)\b/);
    }
  });

  it("the dashboard's tables with the most problems name their department as the ranking does, linking its scorecard", async () => {
    // After the previous test's run of 11-21 (staff and payroll failing, both HR's).
    const office = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'] });
    const { agent } = await signIn(t.app, office.login, office.password);
    const html = (await agent.get('/dashboard').expect(200)).text;
    const at = html.indexOf(`<h2>${zh('scorecards.dashboard.worstTables')}</h2>`);
    expect(at).toBeGreaterThan(-1);
    const worst = html.slice(at, html.indexOf('</table>', at));
    expect(worst).toContain(`<th>${zh('scorecards.columns.name')}</th>`);
    expect(worst).toMatch(/教职工基本信息<\/a>[^]*?<td><a href="\/scorecards\/HR\?period&#x3D;month">人事处<\/a><\/td>/);
  });

  it("says its overdue-ticket list is today's, also on a past period's scorecard (its 逾期工单 figure is the period's)", async () => {
    expect(await page('/scorecards/HR?period=previous_month', 'zh-CN')).toContain('<h2>当前逾期工单</h2>');
    expect(await page('/scorecards/HR?period=previous_month', 'en')).toContain('<h2>Overdue tickets now</h2>');
  });

  it('gives the median time to resolve in the page language’s unit (36.5 小时, 36.5 h)', async () => {
    await snapshotJob(t.ctx, { day: '2026-11-21' });
    await t.db
      .knex('scorecard_snapshots')
      .where({ department_code: 'HR', day: '2026-11-21' })
      .update({ median_resolve_hours: 36.5 });
    const stat = (html: string, label: string) => {
      const text = visibleText(html);
      const at = text.indexOf(label);
      expect(at).toBeGreaterThan(-1);
      return text.slice(Math.max(0, at - 20), at).trim();
    };
    expect(stat(await page('/scorecards/HR', 'zh-CN'), zh('scorecards.scorecard.medianResolve'))).toMatch(/ 36\.5 小时$/);
    expect(stat(await page('/scorecards/HR', 'en'), en('scorecards.scorecard.medianResolve'))).toMatch(/ 36\.5 h$/);
  });

  it('counts by table only the department’s own checks: another department’s field in its table is that department’s row', async () => {
    // A later run of 11-21: HR's staff table fresh, its staff_no invalid in 7 rows; ORG's 政治面貌 in it, 5 bad codes.
    await buildCheckRun(
      t.db.knex,
      '2026-11-21T12:00:00+08:00',
      [
        { table: 'staff', check: 'freshness', department: 'HR', violations: 0, checked: 100 },
        { table: 'staff', field: 'staff_no', check: 'validate', department: 'HR', violations: 7, checked: 100 },
        { table: 'staff', field: 'political_status', check: 'codes', department: 'ORG', violations: 5, checked: 100 },
      ],
      { staff: 2 },
    );
    await snapshotJob(t.ctx, { day: '2026-11-21' });
    const byTable = (html: string) => {
      const from = html.indexOf(`<h2>${zh('scorecards.scorecard.byTable')}</h2>`);
      expect(from).toBeGreaterThan(-1);
      return visibleText(html.slice(from, html.indexOf('</table>', from)));
    };
    // HR: its two checks of staff, one failing with 7 rows — not ORG's 5 (it read 2 / 3 and 12).
    expect(byTable(await page('/scorecards/HR', 'zh-CN'))).toMatch(/教职工基本信息 staff 新鲜 2\.0 1 \/ 2 7 /);
    // ORG: its one check in HR's table, the freshness (HR's) not its to show.
    const org = await buildUser(t.db.knex, { department: 'ORG', roles: ['steward'] });
    const orgPage = (await (await signIn(t.app, org.login, org.password)).agent.get('/scorecards/ORG').expect(200)).text;
    expect(byTable(orgPage)).toMatch(/教职工基本信息 staff — — 1 \/ 1 5 /);
    // The dashboard's worst tables: each department's part of a table, linking the scorecard that counts it.
    const office = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'] });
    const dash = (await (await signIn(t.app, office.login, office.password)).agent.get('/dashboard').expect(200)).text;
    const from = dash.indexOf(`<h2>${zh('scorecards.dashboard.worstTables')}</h2>`);
    const worst = visibleText(dash.slice(from, dash.indexOf('</table>', from)));
    expect(worst).toMatch(/教职工基本信息 staff 人事处 1 \/ 2 7 新鲜/);
    expect(worst).toMatch(/教职工基本信息 staff 党委组织部 1 \/ 1 5 —/);
  });
});
