import type { Browser, Page } from 'playwright-core';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildDepartment, buildUser } from '../factories';
import { buildCheckRun } from '../factories/scorecards';
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
    updated_at: update_time
    freshness: 24h
    fields:
      - { name: staff_no, title: 职工号, required: true, pattern: '^[0-9]{8}$' }
`;

interface Seen {
  /** What the tooltip says after a tap at the point's time, away from the point itself (null: no tooltip). */
  tooltip: string[] | null;
  /** The lone point's distance from the chart area's left edge (the y axis), in pixels. */
  fromAxis: number;
  ticks: string[];
  rows: string[][];
}

/** A tap on the chart, level with the last point but well above or below it, and what the chart shows then. */
async function tapAndRead(page: Page, check: string): Promise<Seen> {
  const selector = `canvas[data-trend*="check=${check}"]`;
  // Drawn once its points arrive (the page's CSP forbids waitForFunction's string polling).
  for (let i = 0; i < 100; i++) {
    if (await page.evaluate(`!!(window.Chart && Chart.getChart(document.querySelector('${selector}')))`)) break;
    await page.waitForTimeout(100);
  }
  await page.locator(selector).scrollIntoViewIfNeeded();
  const at = (await page.evaluate(`(() => {
    const canvas = document.querySelector('${selector}');
    const chart = Chart.getChart(canvas);
    const box = canvas.getBoundingClientRect();
    const meta = chart.getDatasetMeta(0).data;
    const point = meta[meta.length - 1];
    const area = chart.chartArea;
    // Half-way up the chart area, or a quarter if the point sits there: never on the point.
    const y = Math.abs(point.y - (area.top + area.bottom) / 2) > 20 ? (area.top + area.bottom) / 2 : area.top + (area.bottom - area.top) / 4;
    return { x: box.left + point.x, y: box.top + y, fromAxis: point.x - area.left };
  })()`)) as { x: number; y: number; fromAxis: number };
  await page.mouse.move(at.x, at.y);
  await page.waitForTimeout(300); // chart.js draws its tooltip on the next animation frame
  return (await page.evaluate(`(() => {
    const canvas = document.querySelector('${selector}');
    const chart = Chart.getChart(canvas);
    const details = canvas.closest('figure').querySelector('details.trend-table');
    const active = chart.tooltip.getActiveElements().length > 0;
    return {
      tooltip: active ? chart.tooltip.body.flatMap((b) => b.lines) : null,
      fromAxis: ${at.fromAxis},
      ticks: chart.scales.y.ticks.map((t) => String(t.label)),
      rows: [...details.querySelectorAll('tbody tr')].map((r) => [...r.cells].map((c) => c.textContent)),
    };
  })()`)) as Seen;
}

/**
 * A check's trend chart as a steward reads it on a phone (390 px): a tap near a run shows its figure, as the results
 * table writes it (11 / 1,783); a chart of one run shows that run's point clear of the axis; a whole-table verdict says
 * 未通过 / 通过, not 1 and 0.
 */
describeBrowser('check trend charts on a phone in Chromium', () => {
  let t: TestApp;
  let server: { baseUrl: string; close(): Promise<void> };
  let browser: Browser;
  let office: Awaited<ReturnType<typeof buildUser>>;

  beforeAll(async () => {
    t = await createTestApp();
    await buildDepartment(t.db.knex, { code: 'ITC' });
    expect((await importCatalog(t.db.knex, CATALOG)).ok).toBe(true);
    office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    // The pattern check failed, then passed, then failed with 1,250 of 1,783; freshness was checked by the last run only.
    const counts = [3, 0, 1250];
    for (const [i, violations] of counts.entries()) {
      const last = i === counts.length - 1;
      await buildCheckRun(
        t.db.knex,
        `2026-11-${10 + i}T09:30:00+08:00`,
        [
          { table: 'staff', field: 'staff_no', check: 'pattern', department: 'HR', violations, checked: 1783 },
          ...(last ? [{ table: 'staff', check: 'freshness', department: 'HR', violations: 1, checked: 1, passed: false }] : []),
        ],
        { staff: 30 },
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

  async function tablePage(locale: 'zh-CN' | 'en'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: false });
    await browserSignIn(page, server.baseUrl, office.login, office.password);
    // The language is the account's (kept across sessions): set each time.
    await page.goto(`${server.baseUrl}/catalog/tables/staff`);
    const csrf = await page.getAttribute('input[name=_csrf]', 'value');
    await page.evaluate(
      `fetch('/locale', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: '_csrf=' + encodeURIComponent(${JSON.stringify(csrf)}) + '&locale=${locale}&next=/' })`,
    );
    await page.goto(`${server.baseUrl}/catalog/tables/staff`);
    return page;
  }

  it('shows the figure of the run tapped near, as the results table writes it, in Chinese and English', async () => {
    const zh = await tablePage('zh-CN');
    const counts = await tapAndRead(zh, 'pattern');
    // Before: no tooltip unless the 3 px point itself was hit, and then 问题数: 1,250 without the rows checked.
    expect(counts.tooltip).toEqual(['问题数: 1,250 / 1,783']);
    expect(counts.ticks[0]).toBe('0');
    const en = await tablePage('en');
    expect((await tapAndRead(en, 'pattern')).tooltip).toEqual(['Violations: 1,250 / 1,783']);
  });

  it('draws a chart of one run with its point clear of the axis, and a whole-table verdict in words', async () => {
    const zh = await tablePage('zh-CN');
    const verdict = await tapAndRead(zh, 'freshness');
    // Its one point sat on the y axis (0 px from it), half hidden by the axis line.
    expect(verdict.fromAxis).toBeGreaterThan(50);
    expect(verdict.ticks).toEqual(['通过', '未通过']);
    expect(verdict.tooltip).toEqual(['未通过']);
    expect(verdict.rows).toEqual([['11-12 09:30', '未通过']]);
    const en = await tablePage('en');
    const english = await tapAndRead(en, 'freshness');
    expect(english.ticks).toEqual(['Passed', 'Failed']);
    expect(english.tooltip).toEqual(['Failed']);
    expect(english.rows).toEqual([['11-12 09:30', 'Failed']]);
  });
});
