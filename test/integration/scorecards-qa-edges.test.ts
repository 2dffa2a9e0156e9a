import ExcelJS from 'exceljs';
import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { translator } from '../../server/i18n';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { buildCheckRun, createScorecardTestApp, insertSourceReviews, insertTicket } from '../factories/scorecards';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * Found by a QA pass of the scorecards: what the pages say about a department without checks or
 * scores, the rounding of percentages (page, chart and exports agree), the overdue tickets in
 * English, and a department code the database cannot hold. "Today" is 2026-11-22 in Beijing; the one
 * snapshot is of 2026-11-21, when HR's validity checks found 39 problems in 2,000 rows (0.9805: 98.1 %
 * rounded half up — toFixed on the binary 98.05 said 98.0) and STU had no check at all.
 */
const zh = translator('zh-CN');
const en = translator('en');

const visibleText = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

const island = (page: string, id: string) => {
  const m = new RegExp(`id="${id}">([^<]*)</script>`).exec(page);
  return m ? JSON.parse(m[1]) : null;
};

describe('scorecards: departments without data, rounding, English, odd codes', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;
  let officeEn: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    t = await createScorecardTestApp();
    const o = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'] });
    await buildCheckRun(t.db.knex, '2026-11-21T10:00:00+08:00', [
      { table: 'staff', field: 'staff_no', check: 'validate', department: 'HR', violations: 39, checked: 2000 },
    ]);
    const ticket = await insertTicket(t.db.knex, {
      department: 'HR',
      check: 'validate',
      due: '2026-11-18',
      firstSeen: '2026-11-10T09:00:00+08:00',
    });
    await t.db.knex('tickets').where({ id: ticket }).update({ message_en: 'Staff: 39 staff numbers are not valid' });
    // One sharing review by HR due in the window (2026-10-22 … 2026-11-20), answered a day late: sharing 0 of 1.
    const applicant = await buildUser(t.db.knex, { department: 'STU' });
    await insertSourceReviews(t.db.knex, applicant.id, 'STU', [
      { department: 'HR', due: '2026-11-16', status: 'approved', decidedAt: '2026-11-17T09:00:00+08:00' },
    ]);
    await snapshotJob(t.ctx, { day: '2026-11-21' });
    office = await signIn(t.app, o.login, o.password);
    officeEn = await signIn(t.app, o.login, o.password);
    await officeEn.agent.post('/locale').type('form').send({ _csrf: officeEn.csrf, locale: 'en', next: '/' }).expect(302);
  });
  afterAll(() => t.close());

  it('says a department had no check results that day, not that every check passed', async () => {
    const stu = visibleText((await office.agent.get('/scorecards/STU').expect(200)).text);
    expect(stu).not.toContain(zh('scorecards.scorecard.noFailures'));
    expect(stu).toContain(zh('scorecards.scorecard.noChecks'));
    const stuEn = visibleText((await officeEn.agent.get('/scorecards/STU').expect(200)).text);
    expect(stuEn).not.toContain(en('scorecards.scorecard.noFailures'));
    expect(stuEn).toContain(en('scorecards.scorecard.noChecks'));
  });

  it('draws no score trend for a department never scored: a sentence instead of empty axes', async () => {
    const page = (await office.agent.get('/scorecards/STU').expect(200)).text;
    expect(page).not.toContain('id="sc-card-trend"');
    expect(island(page, 'sc-card-data')).toBeNull();
    expect(visibleText(page)).toContain(zh('scorecards.scorecard.noTrend'));
    // No legend to click when there is no chart: the heading does not offer one.
    expect(visibleText(page)).not.toContain(zh('scorecards.scorecard.trend'));
    // HR was scored: (20 × 0.9805 + 15 × 0, its one ticket overdue) / 35 = 56.03; its trend is drawn.
    const hr = (await office.agent.get('/scorecards/HR').expect(200)).text;
    expect(hr).toContain('id="sc-card-trend"');
    expect(island(hr, 'sc-card-data')).toMatchObject({ labels: ['2026-11-21'], score: [56.03] });
  });

  it('rounds percentages half up alike on the page, in the chart and in both exports (0.9805 → 98.1)', async () => {
    const dashboard = (await office.agent.get('/dashboard?from=2026-11-21&to=2026-11-21').expect(200)).text;
    const row = visibleText(dashboard.slice(dashboard.indexOf('<table class="table sc-ranking">')));
    expect(row).toContain('98.1%');
    expect(row).not.toContain('98.0%');
    const chart = island(dashboard, 'sc-ranking-data');
    expect(chart.components.find((c: { key: string }) => c.key === 'validity').values).toEqual([98.1]);
    const card = visibleText((await office.agent.get('/scorecards/HR?from=2026-11-21&to=2026-11-21').expect(200)).text);
    expect(card).toContain(`${zh('scorecards.columns.validity')} 98.1%`);

    const csv = (await office.agent.get('/scorecards/export.csv?from=2026-11-21&to=2026-11-21').expect(200)).text;
    const hrLine = csv.split('\r\n').find((l) => l.includes(',HR,'))!;
    // rank, code, name, score, freshness, deadline, validity…
    expect(hrLine.split(',')[6]).toBe('98.1');
    const xlsx = await office.agent
      .get('/scorecards/export.xlsx?from=2026-11-21&to=2026-11-21')
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
    const hrRow = sheet.getRows(3, sheet.rowCount - 2)!.find((r) => r.getCell(2).value === 'HR')!;
    expect(hrRow.getCell(7).value).toBe(98.1);
  });

  it("lists the overdue tickets in the reader's language", async () => {
    // The table's heading, the last of the page's "overdue tickets" (the first is a figure's label).
    const section = (html: string, heading: string) => visibleText(html.slice(html.lastIndexOf(heading)));
    const english = (await officeEn.agent.get('/scorecards/HR').expect(200)).text;
    const overdueEn = section(english, en('scorecards.scorecard.overdueTickets'));
    expect(overdueEn).toContain('Staff: 39 staff numbers are not valid');
    expect(overdueEn).not.toMatch(/测试工单/);
    const chinese = (await office.agent.get('/scorecards/HR').expect(200)).text;
    expect(section(chinese, zh('scorecards.scorecard.overdueTickets'))).toMatch(/测试工单 \d+/);
  });

  it("lists in the dashboard's ranking table every component its bar chart offers, sharing reviews too", async () => {
    const dashboard = (await office.agent.get('/dashboard?from=2026-11-21&to=2026-11-21').expect(200)).text;
    const chart = island(dashboard, 'sc-ranking-data');
    expect(chart.components.map((c: { key: string }) => c.key)).toEqual(['validity', 'tickets', 'sharing']);
    expect(chart.components[2].values).toEqual([0]);
    const table = dashboard.slice(
      dashboard.indexOf('<table class="table sc-ranking">'),
      dashboard.indexOf('</table>', dashboard.indexOf('<table class="table sc-ranking">')),
    );
    expect(visibleText(table)).toContain(zh('scorecards.columns.sharing'));
    // HR: score, latest, delta, freshness…reports, sharing, stale tables, overdue, reports.
    expect(visibleText(table)).toContain('1 人事处 HR 56.03 56.03 — — — 98.1% — 0.0% — 0.0% 0 1 0');
  });

  it('answers 404 for a department code with a NUL byte (the database cannot hold one), not 500', async () => {
    await office.agent.get('/scorecards/HR%00').expect(404);
    await office.agent.get('/scorecards/%00').expect(404);
  });
});

describe('scorecards: the dashboard before any department is scored', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    t = await createScorecardTestApp();
    const o = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'] });
    // A snapshot with tickets but no check result: every department is there, none has a score.
    await insertTicket(t.db.knex, { department: 'HR', due: '2026-11-30', firstSeen: '2026-11-20T09:00:00+08:00' });
    await snapshotJob(t.ctx, { day: '2026-11-21' });
    office = await signIn(t.app, o.login, o.password);
  });
  afterAll(() => t.close());

  it('says there is no score to draw instead of an empty trend chart, and shows no empty heat map', async () => {
    const page = (await office.agent.get('/dashboard').expect(200)).text;
    expect(page).not.toContain('id="sc-trend"');
    expect(island(page, 'sc-trend-data')).toBeNull();
    expect(visibleText(page)).toContain(zh('scorecards.dashboard.noTrend'));
    // The snapshot is there all the same: its figures are shown.
    expect(visibleText(page)).toContain(zh('scorecards.dashboard.lastDay', { day: '2026-11-21' }));
    // No table was checked: no heat map of no table ("the 0 tables stale on the most days, of 0").
    expect(page).not.toContain('sc-heat-panel');
    // Listed in the ranking, but nobody was assessed: 0 participating departments, not all of them.
    expect(page).toContain(`<div class="value">0</div><div class="label">${zh('scorecards.dashboard.departments')}</div>`);
  });
});

describe('scorecards: links to a department whose code holds URL characters', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;
  const CODE = 'R/D#1';

  beforeAll(async () => {
    t = await createTestApp();
    t.ctx.now = () => new Date('2026-11-22T10:00:00+08:00');
    const imported = await importCatalog(
      t.db.knex,
      `
calendar: { timezone: Asia/Shanghai }
departments:
  - { code: "${CODE}", name: 研发中心 }
tables:
  - name: lab
    title: 实验室
    department: "${CODE}"
    sharing: conditional
    key: [lab_no]
    fields:
      - { name: lab_no, title: 实验室编号, required: true }
`,
    );
    expect(imported.ok).toBe(true);
    const o = await buildUser(t.db.knex, { department: CODE, roles: ['it_office'] });
    await buildCheckRun(t.db.knex, '2026-11-21T10:00:00+08:00', [
      { table: 'lab', field: 'lab_no', check: 'required', department: CODE, violations: 1, checked: 10 },
    ]);
    await snapshotJob(t.ctx, { day: '2026-11-21' });
    office = await signIn(t.app, o.login, o.password);
  });
  afterAll(() => t.close());

  it('encodes the code in the ranking, worst-table and scorecard links, which open its scorecard', async () => {
    const encoded = encodeURIComponent(CODE);
    expect(encoded).toBe('R%2FD%231');
    const dashboard = (await office.agent.get('/dashboard').expect(200)).text;
    // The ranking's link and the worst tables' (both keep the dashboard's period).
    expect(dashboard.split(`href="/scorecards/${encoded}?period&#x3D;month"`)).toHaveLength(3);
    const card = (await office.agent.get(`/scorecards/${encoded}`).expect(200)).text;
    expect(card).toContain('研发中心');
    expect(card).toContain(`action="/scorecards/${encoded}"`);
  });
});
