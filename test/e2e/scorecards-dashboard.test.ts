import type { Browser } from 'playwright-core';
import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { addDays } from '../../server/services/calendar';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { buildCheckRun, insertTicket } from '../factories/scorecards';
import { createTestApp, listen, TestApp } from '../helpers/app';
import { browserSignIn, describeBrowser, launchBrowser, screenshot } from '../helpers/browser';

const DEPARTMENTS = [
  ['HR', '人事处'],
  ['ORG', '党委组织部'],
  ['STU', '学生处'],
  ['ACA', '教务处'],
  ['FIN', '财务处'],
  ['LIB', '图书馆'],
];
const TABLES = [
  ['staff_basic', '教职工基本信息', 'HR'],
  ['staff_payroll', '工资发放', 'HR'],
  ['party_member', '党员信息', 'ORG'],
  ['student_status', '本专科生学籍基本信息', 'STU'],
  ['student_payment', '学生缴费信息', 'STU'],
  ['course_grade', '学习成绩', 'ACA'],
  ['course_schedule', '课表', 'ACA'],
  ['finance_voucher', '财务凭证', 'FIN'],
  ['library_loan', '图书借阅', 'LIB'],
];
const CATALOG = `
calendar:
  timezone: Asia/Shanghai
  events:
    semester_start: [2026-02-23, 2026-09-07]
    academic_year_start: [2026-09-07]
departments:
${DEPARTMENTS.map(([code, name]) => `  - { code: ${code}, name: ${name} }`).join('\n')}
tables:
${TABLES.map(
  ([name, title, dept]) => `  - name: ${name}
    title: ${title}
    department: ${dept}
    sharing: conditional
    key: [id]
    fields:
      - { name: id, title: 编号, required: true }`,
).join('\n')}
`;

/** A browser-side expression: true once chart.js has drawn non-blank pixels on the canvas. */
const canvasDrawn = (id: string) =>
  `(() => { const c = document.getElementById('${id}'); if (!c || !c.width) return false;
     const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
     for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true; return false; })()`;

/** The dashboard as the IT office sees it after 30 days of runs: ranking, trend chart, heat map, in Chinese. */
describeBrowser('scorecard dashboard in Chromium', () => {
  let t: TestApp;
  let server: { baseUrl: string; close(): Promise<void> };
  let browser: Browser;
  let office: Awaited<ReturnType<typeof buildUser>>;
  const today = '2026-11-22';

  beforeAll(async () => {
    t = await createTestApp();
    t.ctx.now = () => new Date(`${today}T10:00:00+08:00`);
    expect((await importCatalog(t.db.knex, CATALOG)).ok).toBe(true);
    office = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'], name: '信息办王老师' });
    // 30 days: each table fresh except on a deterministic pattern of days; problems vary by department.
    for (let i = 29; i >= 0; i--) {
      const day = addDays(today, -i);
      const results = TABLES.flatMap(([name, , dept], n) => [
        { table: name, check: 'freshness', department: dept, passed: (i + n) % (3 + n) !== 0 },
        {
          table: name,
          field: 'id',
          check: 'required',
          department: dept,
          violations: ((i * (n + 1)) % 7) * (n + 1),
          checked: 200,
        },
        {
          table: name,
          field: 'id',
          check: 'pattern',
          department: dept,
          violations: (i + n) % 5 === 0 ? 30 + n * 5 : n,
          checked: 200,
        },
      ]);
      const hours = Object.fromEntries(
        TABLES.map(([name], n) => [name, (i + n) % (3 + n) !== 0 ? 2 + ((i + n) % 20) : 30 + n * 7]),
      );
      await buildCheckRun(t.db.knex, `${day}T09:00:00+08:00`, results, hours);
      await snapshotJob(t.ctx, { day });
    }
    await insertTicket(t.db.knex, {
      department: 'STU',
      table: 'student_status',
      due: '2026-11-16',
      firstSeen: '2026-11-09T09:00:00+08:00',
      escalatedAt: '2026-11-17T08:30:00+08:00',
    });
    await insertTicket(t.db.knex, {
      department: 'ACA',
      check: 'report',
      table: 'course_grade',
      due: '2026-11-25',
      firstSeen: '2026-11-22T08:00:00+08:00',
    });
    await snapshotJob(t.ctx, { day: today });
    server = await listen(t.app);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  it('draws the ranking, the trend chart and the heat map with Chinese text', async () => {
    const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1360, height: 900 } });
    await browserSignIn(page, server.baseUrl, office.login, office.password);
    await page.goto(`${server.baseUrl}/dashboard`);
    expect(await page.textContent('h1')).toContain('数据质量考核看板');
    await page.waitForFunction(canvasDrawn('sc-trend'));
    // The departments' period scores as horizontal bars, one a department, above the same figures in the table.
    await page.waitForFunction(canvasDrawn('sc-ranking-bars'));
    expect(
      await page.evaluate(`(() => {
        const chart = Chart.getChart('sc-ranking-bars');
        return { type: chart.config.type, axis: chart.config.options.indexAxis, bars: chart.data.labels.length };
      })()`),
    ).toEqual({ type: 'bar', axis: 'y', bars: expect.any(Number) });
    expect(await page.locator('.sc-ranking tbody tr').count()).toBe(DEPARTMENTS.length);
    expect(await page.locator('.sc-heat .sc-cell.stale').count()).toBeGreaterThan(0);
    expect(await page.textContent('.sc-ranking')).toContain('党委组织部');
    // The trend's y axis ends at 100 and starts where the lines need it (on 0–100, scores a tenth apart were one
    // line), and pointing at a day lists every line's value on that day.
    const axis = (await page.evaluate(`(() => {
      const chart = Chart.getChart('sc-trend');
      const values = chart.data.datasets.flatMap((d) => d.data).filter((v) => v !== null);
      return { min: chart.scales.y.min, max: chart.scales.y.max, lowest: Math.min(...values) };
    })()`)) as { min: number; max: number; lowest: number };
    expect(axis.max).toBe(100);
    expect(axis.min).toBeLessThanOrEqual(axis.lowest);
    expect(axis.min).toBeGreaterThan(axis.lowest - 10);
    const box = (await page.locator('#sc-trend').boundingBox())!;
    await page.mouse.move(box.x + box.width - 40, box.y + box.height / 2);
    const pointed = (await page.evaluate(`(() => {
      const chart = Chart.getChart('sc-trend');
      const points = chart.tooltip.dataPoints || [];
      const day = points.length ? points[0].dataIndex : -1;
      return { shown: points.length, withValue: chart.data.datasets.filter((d) => d.data[day] !== null).length };
    })()`)) as { shown: number; withValue: number };
    expect(pointed.shown).toBeGreaterThan(1);
    expect(pointed.shown).toBe(pointed.withValue);
    // Days of one year read MM-DD on the axis (full dates stood rotated on a phone); pointing at one names it whole.
    const days = (await page.evaluate(`(() => {
      const chart = Chart.getChart('sc-trend');
      return { ticks: chart.scales.x.ticks.map((t) => t.label), title: chart.tooltip.title };
    })()`)) as { ticks: string[]; title: string[] };
    expect(days.ticks.length).toBeGreaterThan(1);
    for (const tick of days.ticks) expect(tick).toMatch(/^\d{2}-\d{2}$/);
    expect(days.title).toEqual([expect.stringMatching(/^2026-\d{2}-\d{2}$/)]);
    // The same figures as a table, opened from the keyboard: newest day first.
    await page.focus('.sc-chart .trend-table summary');
    await page.keyboard.press('Enter');
    const firstRow = page.locator('.sc-chart .trend-table tbody tr').first();
    await firstRow.waitFor({ state: 'visible' });
    expect(await firstRow.locator('td').first().textContent()).toBe(today);
    expect(await page.locator('.sc-chart .trend-table thead th').allTextContents()).toEqual(
      expect.arrayContaining(['日期', '全校平均']),
    );
    await screenshot(page, 'scorecards-dashboard');

    await page.goto(`${server.baseUrl}/scorecards/STU`);
    await page.waitForFunction(canvasDrawn('sc-card-trend'));
    expect(await page.textContent('h1')).toContain('学生处数据质量评分');
    expect(await page.locator('a[href^="/tickets/"]').count()).toBe(1);
    // A department's components, reached on the chart only through its legend, are columns of the table.
    await page.click('.sc-chart .trend-table summary');
    expect(await page.locator('.sc-chart .trend-table thead th').allTextContents()).toEqual(
      expect.arrayContaining(['日期', '得分', '时效性', '完整性', '规范性']),
    );
    await screenshot(page, 'scorecards-department');
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, 'scorecards-department-print');
    await page.close();
  });
});
