import ExcelJS from 'exceljs';
import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { buildUser } from '../factories';
import { buildCheckRun, createScorecardTestApp } from '../factories/scorecards';
import { signIn, TestApp } from '../helpers/app';

/**
 * A usability review: on /scorecards/STU a steward read 规范性 "100.0%" beside "20,000 条记录中 3 条有问题", and the
 * table's 合格率 "100.0%" beside failed checks "1 / 1". A figure below 100 is never shown as 100 (it is floored to
 * the precision shown), on the pages, in the charts and in both exports; the API keeps its numbers.
 * The one snapshot is of 2026-11-21: STU's validity check found 3 problems in 20,000 rows (0.99985: 99.985 %,
 * rounded half up 100.0), HR's 1 in 100,000 (0.99999: a score of 99.999, rounded 100.00).
 */
const visibleText = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

const island = (page: string, id: string) => {
  const m = new RegExp(`id="${id}">([^<]*)</script>`).exec(page);
  return m ? JSON.parse(m[1]) : null;
};

const DAY = 'from=2026-11-21&to=2026-11-21';

describe('scorecards: a figure below 100 is never shown as 100', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    t = await createScorecardTestApp();
    const o = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'] });
    await buildCheckRun(t.db.knex, '2026-11-21T10:00:00+08:00', [
      { table: 'student', field: 'student_no', check: 'validate', department: 'STU', violations: 3, checked: 20_000 },
      { table: 'staff', field: 'staff_no', check: 'pattern', department: 'HR', violations: 1, checked: 100_000 },
    ]);
    await snapshotJob(t.ctx, { day: '2026-11-21' });
    office = await signIn(t.app, o.login, o.password);
  });
  afterAll(() => t.close());

  it("shows a department's validity and a table's compliance with 3 problems in 20,000 as 99.9%, not 100.0%", async () => {
    const page = visibleText((await office.agent.get(`/scorecards/STU?${DAY}`).expect(200)).text);
    expect(page).toContain('规范性 99.9% 20 20,000 条记录中 3 条有问题');
    // The table's row: fresh (—), hours (—), failed checks, problems, compliance.
    expect(page).toContain('本专科生学籍基本信息 student — — 1 / 1 3 99.9%');
    // 工单按期 is 100.0%: no ticket was overdue.
    expect(page).toContain('工单按期 100.0% 15 0 个待处理工单中 0 个逾期');
  });

  it('shows a score of 99.999 as 99.99 and validity 0.99999 as 99.9%, in the ranking, the charts and the exports', async () => {
    const dashboard = (await office.agent.get(`/dashboard?${DAY}`).expect(200)).text;
    const table = visibleText(
      dashboard.slice(
        dashboard.indexOf('<table class="table sc-ranking">'),
        dashboard.indexOf('</table>', dashboard.indexOf('<table class="table sc-ranking">')),
      ),
    );
    // Score, latest, delta, freshness, deadline, validity, completeness, tickets (none overdue: 100.0%)…
    expect(table).toContain('1 人事处 HR 99.99 99.99 — — — 99.9% — 100.0% — — 0 0 0');
    expect(table).toContain('1 学生处 STU 99.99 99.99 — — — 99.9% — 100.0% — — 0 0 0');
    const bars = island(dashboard, 'sc-ranking-data');
    expect(bars.score).not.toContain(100);
    expect(bars.components.find((c: { key: string }) => c.key === 'validity').values).toEqual([99.9, 99.9]);

    const card = (await office.agent.get(`/scorecards/HR?${DAY}`).expect(200)).text;
    expect(island(card, 'sc-card-data').components.validity).toEqual([99.9]);
    expect(visibleText(card)).toContain('规范性 99.9% 20 100,000 条记录中 1 条有问题');

    const csv = (await office.agent.get(`/scorecards/export.csv?${DAY}`).expect(200)).text;
    const line = (code: string) =>
      csv
        .split('\r\n')
        .find((l) => l.includes(`,${code},`))!
        .split(',');
    // rank, code, name, score, freshness, deadline, validity…
    expect(line('HR')[3]).toBe('99.99');
    expect(line('HR')[6]).toBe('99.9');
    expect(line('STU')[6]).toBe('99.9');
    const xlsx = await office.agent
      .get(`/scorecards/export.xlsx?${DAY}`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body);
    const sheet = book.worksheets[0];
    const row = (code: string) => sheet.getRows(3, sheet.rowCount - 2)!.find((r) => r.getCell(2).value === code)!;
    expect(row('HR').getCell(4).value).toBe(99.99);
    expect(row('HR').getCell(7).value).toBe(99.9);
    expect(row('STU').getCell(7).value).toBe(99.9);
  });
});
