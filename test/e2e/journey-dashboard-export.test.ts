import ExcelJS from 'exceljs';
import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { checkRunnerDeps } from '../../server/services/checks/deps';
import { runNow } from '../../server/services/checks/runs';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { chartsSettled, chartValues, Journey, pageAs, startJourney } from '../factories/journeys';
import { describeBrowser, screenshot } from '../helpers/browser';

/**
 * Journey 3 (issue 9): the IT office opens the dashboard after a week of real check runs and
 * snapshots, sees the charts drawn and the ranking, and downloads the Excel file through the page's
 * export link: one row per catalog department, with the figures the dashboard shows.
 */
const CATALOG = `
calendar:
  timezone: Asia/Shanghai
departments:
  - { code: HR, name: 人事处 }
  - { code: STU, name: 学生处 }
  - { code: ACA, name: 教务处 }
  - { code: ITC, name: 信息化办公室 }
tables:
  - name: staff_contact
    title: 教职工联系方式
    department: HR
    sharing: conditional
    key: [staff_no]
    fields:
      - { name: staff_no, title: 职工号, required: true }
      - { name: email, title: 电子邮箱, validate: email }
  - name: student_contact
    title: 学生联系方式
    department: STU
    sharing: conditional
    key: [student_no]
    fields:
      - { name: student_no, title: 学号, required: true }
      - { name: email, title: 电子邮箱, validate: email }
  - name: course_offer
    title: 开课信息
    department: ACA
    sharing: universal
    key: [course_no]
    fields:
      - { name: course_no, title: 课程号, required: true }
      - { name: teacher_email, title: 任课教师邮箱, validate: email }
`;

/** Beijing-time instants of the five daily runs, Monday 16 to Friday 20 November 2026. */
const DAYS = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'];
const at = (day: string) => new Date(`${day}T09:00:00+08:00`);

describeBrowser('journey: the IT office reads the dashboard and exports the Excel file', () => {
  let j: Journey;
  let office: Awaited<ReturnType<typeof buildUser>>;

  beforeAll(async () => {
    j = await startJourney();
    const db = j.t.db.knex;
    j.t.ctx.now = () => new Date('2026-11-20T10:00:00+08:00');
    expect((await importCatalog(db, CATALOG)).ok).toBe(true);
    await db.schema.createTable('staff_contact', (b) => {
      b.string('staff_no');
      b.string('email');
    });
    await db.schema.createTable('student_contact', (b) => {
      b.string('student_no');
      b.string('email');
    });
    await db.schema.createTable('course_offer', (b) => {
      b.string('course_no');
      b.string('teacher_email');
    });
    // HR: 1 of 2 e-mails bad until it is fixed after Tuesday's run → validity (1+1+0+0+0)/10 bad = 80 %.
    await db('staff_contact').insert([
      { staff_no: '20190001', email: 'li@example.edu.cn' },
      { staff_no: '20190002', email: 'wang at example' },
    ]);
    // STU: 1 of 4 student numbers missing all week → completeness 75 %.
    await db('student_contact').insert([
      { student_no: '202301001', email: 'a@stu.example.edu.cn' },
      { student_no: '202301002', email: 'b@stu.example.edu.cn' },
      { student_no: '202301003', email: 'c@stu.example.edu.cn' },
      { student_no: null, email: 'd@stu.example.edu.cn' },
    ]);
    // ACA: clean.
    await db('course_offer').insert([{ course_no: 'C001', teacher_email: 'zhao@example.edu.cn' }]);

    for (const day of DAYS) {
      if (day === '2026-11-18')
        await db('staff_contact').where({ staff_no: '20190002' }).update({ email: 'wang@example.edu.cn' });
      await runNow(checkRunnerDeps(j.t.ctx, { now: () => at(day) }), { trigger: 'schedule' });
      await snapshotJob(j.t.ctx, { day });
    }
    office = await buildUser(db, { login: 'itc-li', name: '信息办李老师', department: 'ITC', roles: ['it_office'] });
  }, 60_000);

  afterAll(async () => {
    await j?.close();
  });

  it('shows the charts and the ranking, and the downloaded workbook has one row per department', async () => {
    const page = await pageAs(j, office, 1360);
    await Promise.all([page.waitForURL(/\/dashboard$/), page.click('nav.mainnav a:has-text("部门评分")')]);
    expect(await page.textContent('h1')).toContain('数据质量考核看板');
    expect(await page.locator('.sc-period').innerText()).toContain('2026-11-01');

    // The trend chart is drawn: a chart.js instance on a canvas with a real size, five days of data.
    expect(await chartsSettled(page)).toBeGreaterThanOrEqual(1);
    const box = await page.locator('#sc-trend').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(100);
    const trend = await chartValues(page.locator('#sc-trend'));
    expect(trend.filter((v) => v !== null)).toHaveLength(DAYS.length);

    const ranking = page.locator('.sc-ranking tbody tr');
    const shown = await Promise.all(
      (await ranking.all()).map(async (r) => {
        const cells = (await r.locator('td').allInnerTexts()).map((c) => c.trim());
        return { rank: cells[0], name: cells[1], score: cells[2], validity: cells[7], completeness: cells[8] };
      }),
    );
    expect(shown.map((r) => r.name.split(/\s+/).pop()).sort()).toEqual(['ACA', 'HR', 'ITC', 'STU']);
    const row = (code: string) => shown.find((r) => r.name.endsWith(code))!;
    expect(row('HR').validity).toBe('80.0%');
    expect(row('STU').completeness).toBe('75.0%');
    await screenshot(page, 'journey-dashboard-1');

    // The export link on the page, as a download.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.sc-actions a:has-text("导出 Excel")')]);
    expect(download.suggestedFilename()).toBe('scorecards-2026-11-01-2026-11-30.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await download.path());
    const sheet = workbook.worksheets[0];
    expect(sheet.name).toBe('考核表');
    const values = sheet
      .getSheetValues()
      .filter(Boolean)
      .map((r) => (r as unknown[]).slice(1));
    // November is still running on 11-20: the title says up to which day it counts.
    expect(values[0][0]).toBe('部门数据质量考核 2026-11-01 至 2026-11-30（本周期尚未结束，数据截至 2026-11-20）');
    expect(values[1].slice(0, 8)).toEqual([
      '排名',
      '部门代码',
      '部门',
      '得分',
      '时效性 (%)',
      '按期维护 (%)',
      '规范性 (%)',
      '完整性 (%)',
    ]);
    const data = values.slice(2);
    // One row per department, in the ranking's order, with the scores the page shows.
    expect(data.map((r) => r[1])).toEqual(shown.map((r) => r.name.split(/\s+/).pop()));
    // The cells are numbers; the column's format (0.00) shows them with the page's two decimals.
    expect(sheet.getRow(3).getCell(4).numFmt).toBe('0.00');
    expect(data.map((r) => (r[3] === undefined ? '—' : Number(r[3]).toFixed(2)))).toEqual(shown.map((r) => r.score));
    const hr = data.find((r) => r[1] === 'HR')!;
    expect(hr[2]).toBe('人事处');
    expect(hr[6]).toBe(80);
    expect(data.find((r) => r[1] === 'STU')![7]).toBe(75);
    await page.context().close();
  });
});
