import type { Browser, Page } from 'playwright-core';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildDepartment, buildUser } from '../factories';
import { buildCheckRun, insertTicket } from '../factories/scorecards';
import { createTestApp, listen, TestApp } from '../helpers/app';
import { browserSignIn, describeBrowser, launchBrowser } from '../helpers/browser';

const CATALOG = `
departments: [{ code: HR, name: 人事处 }, { code: ITC, name: 信息中心 }]
tables:
  - name: staff
    title: 教职工
    department: HR
    sharing: conditional
    key: [staff_no]
    fields:
      - { name: staff_no, title: 职工号, required: true, pattern: '^[0-9]{8}$' }
`;

/** The chart's own points (chart.js's labels and values) and the rows of the table under it, as a reader sees them. */
async function chartAndTable(page: Page) {
  return (await page.evaluate(`(() => {
    const canvas = document.querySelector('canvas[data-trend*="check=pattern"]');
    const chart = Chart.getChart(canvas);
    const details = canvas.closest('figure').querySelector('details.trend-table');
    return {
      chart: chart.data.labels.map((label, i) => [label, String(chart.data.datasets[0].data[i])]),
      head: [...details.querySelectorAll('thead th')].map((c) => c.textContent),
      rows: [...details.querySelectorAll('tbody tr')].map((r) => [...r.cells].map((c) => c.textContent)),
      open: details.open,
      visible: details.querySelector('table').checkVisibility(),
    };
  })()`)) as { chart: string[][]; head: string[]; rows: string[][]; open: boolean; visible: boolean };
}

/** A check trend's figures under its chart on the table page: reached and opened by keyboard, the chart's own data. */
describeBrowser('check trend charts as tables in Chromium', () => {
  let t: TestApp;
  let server: { baseUrl: string; close(): Promise<void> };
  let browser: Browser;
  let office: Awaited<ReturnType<typeof buildUser>>;

  beforeAll(async () => {
    t = await createTestApp();
    await buildDepartment(t.db.knex, { code: 'ITC' });
    expect((await importCatalog(t.db.knex, CATALOG)).ok).toBe(true);
    office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const counts = [3, 0, 12, 1250];
    for (const [i, violations] of counts.entries()) {
      await buildCheckRun(
        t.db.knex,
        `2026-11-${10 + i}T09:30:00+08:00`,
        [{ table: 'staff', field: 'staff_no', check: 'pattern', department: 'HR', violations, checked: 2000 }],
        { staff: 2 },
      );
    }
    server = await listen(t.app);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  it('lists the chart’s points newest first in a table the keyboard opens, in the page’s language', async () => {
    const page = await browser.newPage({ locale: 'zh-CN' });
    await browserSignIn(page, server.baseUrl, office.login, office.password);
    await page.goto(`${server.baseUrl}/catalog/tables/staff`);
    const summary = page.locator('figure.trend details.trend-table > summary');
    await summary.waitFor({ state: 'attached', timeout: 10_000 });
    expect(await summary.textContent()).toBe('以表格查看图中数据');
    // Closed until asked for.
    expect((await chartAndTable(page)).visible).toBe(false);

    // Tab to it, as a keyboard user does, and open it with Enter.
    let focused = false;
    for (let i = 0; i < 80 && !focused; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(`document.activeElement?.matches('figure.trend details.trend-table > summary') ?? false`);
    }
    expect(focused).toBe(true);
    await page.keyboard.press('Enter');

    const seen = await chartAndTable(page);
    expect(seen.open).toBe(true);
    expect(seen.visible).toBe(true);
    expect(seen.head).toEqual(['检查时间', '问题数']);
    expect(seen.chart.map(([label]) => label)).toEqual(['11-10 09:30', '11-11 09:30', '11-12 09:30', '11-13 09:30']);
    // The same points, newest first; counts as the page writes numbers.
    expect(seen.rows).toEqual([...seen.chart].reverse().map(([label, value]) => [label, Number(value).toLocaleString('zh-CN')]));
    expect(seen.rows[0]).toEqual(['11-13 09:30', '1,250']);

    // In English the page's words are English.
    const en = await browser.newPage({ locale: 'en' });
    await browserSignIn(en, server.baseUrl, office.login, office.password);
    await en.goto(`${server.baseUrl}/catalog/tables/staff`);
    const csrf = await en.getAttribute('input[name=_csrf]', 'value');
    await en.evaluate(
      `fetch('/locale', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: '_csrf=' + encodeURIComponent(${JSON.stringify(csrf)}) + '&locale=en&next=/' })`,
    );
    await en.goto(`${server.baseUrl}/catalog/tables/staff`);
    const enSummary = en.locator('figure.trend details.trend-table > summary');
    await enSummary.waitFor({ state: 'attached', timeout: 10_000 });
    expect(await enSummary.textContent()).toBe('Show the chart figures as a table');
    await enSummary.focus();
    await en.keyboard.press('Enter');
    const english = await chartAndTable(en);
    expect(english.head).toEqual(['Checked at', 'Violations']);
    expect(english.rows[0]).toEqual(['11-13 09:30', '1,250']);
    expect(english.rows).toHaveLength(4);
  });

  it("gives a ticket page's trend chart the same table", async () => {
    const ticket = await insertTicket(t.db.knex, {
      department: 'HR',
      table: 'staff',
      check: 'pattern',
      due: '2026-11-20',
      firstSeen: '2026-11-10T09:30:00+08:00',
    });
    const page = await browser.newPage({ locale: 'zh-CN' });
    await browserSignIn(page, server.baseUrl, office.login, office.password);
    await page.goto(`${server.baseUrl}/tickets/${ticket}`);
    const summary = page.locator('#check-trend details.trend-table > summary');
    await summary.waitFor({ state: 'attached', timeout: 10_000 });
    await summary.focus();
    await page.keyboard.press('Enter');
    const rows = page.locator('#check-trend details.trend-table tbody tr');
    expect(await rows.count()).toBe(4);
    expect(await rows.first().locator('td').allTextContents()).toEqual(['11-13 09:30', '1,250']);
  });
});
