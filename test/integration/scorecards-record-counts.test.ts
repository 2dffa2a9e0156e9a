import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { translator } from '../../server/i18n';
import { buildUser } from '../factories';
import { buildCheckRun, createScorecardTestApp, visibleText } from '../factories/scorecards';
import { signIn, TestApp } from '../helpers/app';

/**
 * Problem records, rows checked and 合格率 count records: freshness and custom rules judge the whole table (the engine
 * stores each as 1 violation of 1 "row") and are shown as whole-table verdicts, never added to the records. The score
 * is not affected (freshness is scored as a share of tables). "Today" is 2026-11-22 in Beijing.
 */
const zh = translator('zh-CN');
const en = translator('en');

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The visible text from a heading to the end of the table under it. */
const tableUnder = (html: string, heading: string) => {
  const from = html.indexOf(`<h2>${heading}</h2>`);
  expect(from).toBeGreaterThan(-1);
  return visibleText(html.slice(from, html.indexOf('</table>', from)));
};

describe('scorecard record counts leave whole-table verdicts out', () => {
  let t: TestApp;
  const sessions: Record<string, Awaited<ReturnType<typeof signIn>>> = {};

  beforeAll(async () => {
    t = await createScorecardTestApp();
    // STU's student table: stale and failing a custom rule, every one of its 500 records valid.
    // HR's staff table: stale too, and 4 of its 100 records missing their staff number.
    await buildCheckRun(
      t.db.knex,
      '2026-11-21T10:00:00+08:00',
      [
        { table: 'student', check: 'freshness', department: 'STU', violations: 1, checked: 1 },
        { table: 'student', check: 'rule:student_drop', department: 'STU', violations: 1, checked: 1 },
        { table: 'student', field: 'student_no', check: 'required', department: 'STU', violations: 0, checked: 500 },
        { table: 'staff', check: 'freshness', department: 'HR', violations: 1, checked: 1 },
        { table: 'staff', field: 'staff_no', check: 'required', department: 'HR', violations: 4, checked: 100 },
        // HR's payroll: stale, and nothing else checked that day.
        { table: 'payroll', check: 'freshness', department: 'HR', violations: 1, checked: 1 },
      ],
      { student: 80, staff: 60, payroll: 30 },
    );
    await snapshotJob(t.ctx, { day: '2026-11-21' });
    for (const [name, department, roles] of [
      ['stu', 'STU', ['steward']],
      ['hr', 'HR', ['steward']],
      ['office', 'ORG', ['it_office']],
    ] as const) {
      const u = await buildUser(t.db.knex, { department, roles: [...roles] });
      sessions[name] = await signIn(t.app, u.login, u.password);
    }
  });
  afterAll(() => t.close());

  const page = async (who: string, path: string) => (await sessions[who].agent.get(path).expect(200)).text;

  it('a table failing only whole-table checks has no problem records and is 100% compliant', async () => {
    const html = await page('stu', '/scorecards/STU');
    // 2 of its 3 checks failed, both whole-table verdicts; 0 problem records of 500, 100.0 % — not 2 and 0.0 %.
    expect(tableUnder(html, zh('scorecards.scorecard.byTable'))).toMatch(
      new RegExp(
        `本专科生学籍基本信息 student ${zh('scorecards.heat.stale')} 80\\.0 2 / 3 ${literal(zh('scorecards.tables.verdictsFailed', { count: 2 }))} 0 100\\.0%`,
      ),
    );
    // The worst checks say what the two are: verdicts on the whole table, not 1 bad record of 1.
    const worst = tableUnder(html, zh('scorecards.scorecard.worstChecks'));
    const verdict = zh('checks.run.tableVerdict');
    expect(worst).toContain(`本专科生学籍基本信息 student — 时效性 ${verdict} —`);
    expect(worst).toContain(`本专科生学籍基本信息 student — 自定义规则 student_drop ${verdict} —`);
    expect(worst).not.toMatch(/ 1 1\b/);
    // Their trend charts plot failed (1) and passed (0), and say so.
    expect(html).toContain(`data-label="${zh('checks.latest.trendVerdict')}"`);
    // …and give the chart its words for them (未通过 / 通过), as on the table page, not bare 1 and 0.
    expect(html).toContain(`data-failed="${zh('checks.latest.failed')}" data-passed="${zh('checks.latest.passed')}"`);
    // The score is as before: freshness 0 of 1 table (20), completeness 1 (15), no overdue tickets (15) → 60.
    expect(await t.db.knex('scorecard_snapshots').where({ department_code: 'STU', day: '2026-11-21' }).first()).toMatchObject({
      score: 60,
      freshness: 0,
      completeness: 1,
    });
  });

  it('a record-level failure still counts, beside the whole-table verdict', async () => {
    const html = await page('hr', '/scorecards/HR');
    const byTable = tableUnder(html, zh('scorecards.scorecard.byTable'));
    expect(byTable).toMatch(
      new RegExp(
        `教职工基本信息 staff ${zh('scorecards.heat.stale')} 60\\.0 2 / 2 ${literal(zh('scorecards.tables.verdictsFailed', { count: 1 }))} 4 96\\.0%`,
      ),
    );
    // A table whose only check judged it whole: no records checked, so no 合格率 (—), not 0.0 %.
    expect(byTable).toMatch(
      new RegExp(
        `工资发放 payroll ${zh('scorecards.heat.stale')} 30\\.0 1 / 1 ${literal(zh('scorecards.tables.verdictsFailed', { count: 1 }))} 0 — `,
      ),
    );
    const worst = tableUnder(html, zh('scorecards.scorecard.worstChecks'));
    // The records first (most problems), then the verdict.
    expect(worst).toMatch(
      new RegExp(
        `教职工基本信息 staff 职工号 staff_no 必填 4 100 .*教职工基本信息 staff — 时效性 ${zh('checks.run.tableVerdict')} —`,
      ),
    );
  });

  it("the dashboard's worst tables count records only", async () => {
    const worst = tableUnder(await page('office', '/dashboard'), zh('scorecards.dashboard.worstTables'));
    expect(worst).toMatch(new RegExp(`教职工基本信息 staff 人事处 2 / 2 .*? 4 ${zh('scorecards.heat.stale')}`));
    expect(worst).toMatch(new RegExp(`本专科生学籍基本信息 student 学生处 2 / 3 .*? 0 ${zh('scorecards.heat.stale')}`));
  });

  it('the stored per-table day counts records only', async () => {
    const rows = await t.db.knex('scorecard_table_days').where({ day: '2026-11-21' }).orderBy('table_name');
    expect(rows).toEqual([
      expect.objectContaining({ table_name: 'payroll', checks: 1, checks_failed: 1, violations: 0, checked: 0 }),
      expect.objectContaining({ table_name: 'staff', checks: 2, checks_failed: 2, violations: 4, checked: 100 }),
      expect.objectContaining({ table_name: 'student', checks: 3, checks_failed: 2, violations: 0, checked: 500 }),
    ]);
  });

  it('says the same in English', async () => {
    const { agent, csrf } = sessions.stu;
    await agent.post('/locale').type('form').send({ _csrf: csrf, locale: 'en', next: '/' }).expect(302);
    const html = await page('stu', '/scorecards/STU');
    expect(tableUnder(html, en('scorecards.scorecard.byTable'))).toMatch(
      new RegExp(
        `student ${en('scorecards.heat.stale')} 80\\.0 2 / 3 ${literal(en('scorecards.tables.verdictsFailed', { count: 2 }))} 0 100\\.0%`,
      ),
    );
    expect(tableUnder(html, en('scorecards.scorecard.worstChecks'))).toContain(`Freshness ${en('checks.run.tableVerdict')} —`);
  });
});
