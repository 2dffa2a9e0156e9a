import type { Browser, Page } from 'playwright-core';
import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { appendAudit } from '../../server/services/audit';
import { buildDepartment, buildUser } from '../factories';
import { buildCheckRun, insertTicket, seedScorecardCatalog } from '../factories/scorecards';
import { createTestApp, listen, TestApp } from '../helpers/app';
import { browserSignIn, describeBrowser, launchBrowser, screenshot } from '../helpers/browser';

/**
 * No page is wider than the window. At 390 px the header did not wrap and /tickets overflowed
 * sideways; the English dashboard at 1280 px was 1325 px wide. Now the header wraps on narrow screens
 * and a wide table scrolls inside its own box (the layout wraps every table in .table-scroll unless
 * its page gave it a box of its own).
 */
describeBrowser('page widths in Chromium', () => {
  let t: TestApp;
  let server: { baseUrl: string; close(): Promise<void> };
  let browser: Browser;
  let office: Awaited<ReturnType<typeof buildUser>>;
  const today = '2026-11-20';

  beforeAll(async () => {
    t = await createTestApp();
    t.ctx.now = () => new Date(`${today}T10:00:00+08:00`);
    await seedScorecardCatalog(t.db.knex);
    // A department with a long name, as real ones have: the ranking's department column is that wide.
    await buildDepartment(t.db.knex, { code: 'ITC', name: '信息与网络管理中心（信息化建设与管理办公室）' });
    office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'], name: '信息办王老师' });
    await buildCheckRun(
      t.db.knex,
      `${today}T09:00:00+08:00`,
      [
        { table: 'staff', field: 'staff_no', check: 'required', department: 'HR', violations: 3, checked: 200 },
        { table: 'staff', field: 'political_status', check: 'required', department: 'ORG', violations: 0, checked: 200 },
        { table: 'student', field: 'student_no', check: 'required', department: 'STU', violations: 12, checked: 500 },
        { table: 'payroll', field: 'staff_no', check: 'required', department: 'ITC', violations: 1, checked: 300 },
      ],
      { staff: 2, payroll: 30, student: 5 },
    );
    for (const department of ['HR', 'ORG', 'STU'])
      await insertTicket(t.db.knex, { department, due: '2026-11-18', firstSeen: '2026-11-10T09:00:00+08:00' });
    await snapshotJob(t.ctx, { day: today });
    await appendAudit(t.db.knex, {
      actor: { id: office.id, login: office.login, roles: ['it_office'], department: 'ITC' },
      action: 'department.stewards',
      objectType: 'department',
      objectId: 'HR',
      summary: { before: { count: 0 }, after: { count: 2 } },
    });
    server = await listen(t.app);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  /** The document's width and the window's, and whether some table had to scroll in its box. */
  const widths = (page: Page) =>
    page.evaluate(`(() => ({
      page: document.documentElement.scrollWidth,
      window: window.innerWidth,
      // The box around a table: the layout's .table-scroll, or one the page gave it (.sc-table-scroll).
      tableScrolls: [...document.querySelectorAll('main table')].some(
        (table) => table.parentElement.scrollWidth > table.parentElement.clientWidth,
      ),
    }))()`) as Promise<{ page: number; window: number; tableScrolls: boolean }>;

  it('at 390 px: the header wraps, wide tables scroll in their own box, no page is wider than the window', async () => {
    const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    await browserSignIn(page, server.baseUrl, office.login, office.password);
    const scrolled: string[] = [];
    for (const path of ['/', '/tickets', '/admin/audit', '/dashboard', '/catalog', '/admin/users']) {
      await page.goto(`${server.baseUrl}${path}`);
      const w = await widths(page);
      expect({ path, width: w.page }).toEqual({ path, width: 390 });
      if (w.tableScrolls) scrolled.push(path);
      // Every navigation link is inside the window.
      const outside = await page.evaluate(`[...document.querySelectorAll('.topbar a, .topbar button')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth).map((e) => e.textContent)`);
      expect({ path, outside }).toEqual({ path, outside: [] });
    }
    // The dashboard's ranking is wider than a phone: it scrolls, the page does not. The ticket list is a column of
    // cards at this width (table.cards-narrow): nothing of it scrolls.
    expect(scrolled).toEqual(expect.arrayContaining(['/dashboard']));
    expect(scrolled).not.toContain('/tickets');
    await page.goto(`${server.baseUrl}/tickets`);
    await screenshot(page, 'layout-390-tickets');
    await page.close();
  });

  // The robot address box was size="60": 518 px wide in the 368 px the page has, in a table scrolling sideways.
  it('at 390 px the ticket settings fit: every box and button inside the window, nothing scrolls sideways', async () => {
    const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    await browserSignIn(page, server.baseUrl, office.login, office.password);
    await page.goto(`${server.baseUrl}/tickets/settings`);
    const w = await widths(page);
    expect({ width: w.page, tableScrolls: w.tableScrolls }).toEqual({ width: 390, tableScrolls: false });
    const outside = await page.evaluate(`[...document.querySelectorAll('main input:not([type=hidden]), main select, main button')]
      .filter((e) => e.getBoundingClientRect().left < 0 || e.getBoundingClientRect().right > window.innerWidth)
      .map((e) => (e.getAttribute('aria-label') || e.name || e.textContent) + ': ' + Math.round(e.getBoundingClientRect().width) + ' px')`);
    expect(outside).toEqual([]);
    // Each robot address box as wide as its row allows, not a sliver: room for an address to be read.
    const boxes = await page.$$eval('input[name="webhook_url"]', (inputs) =>
      inputs.map((i) => Math.round(i.getBoundingClientRect().width)),
    );
    expect(boxes.length).toBeGreaterThan(0);
    for (const width of boxes) expect(width).toBeGreaterThanOrEqual(250);
    await screenshot(page, 'layout-390-ticket-settings');
    await page.close();
  });

  it('at 390 and 800 px the navigation lies in a few rows across the header, not in a column one link wide', async () => {
    for (const width of [390, 800]) {
      const page = await browser.newPage({ locale: 'zh-CN', viewport: { width, height: 844 } });
      await browserSignIn(page, server.baseUrl, office.login, office.password);
      const tops = await page.$$eval('.mainnav a', (links) => links.map((a) => Math.round(a.getBoundingClientRect().top)));
      expect(tops.length).toBe(11);
      expect({ width, rows: new Set(tops).size <= 3 }).toEqual({ width, rows: true });
      await page.close();
    }
  });

  it('at 1280 px in English: the dashboard is as wide as the window, its ranking fits', async () => {
    const page = await browser.newPage({ locale: 'en', viewport: { width: 1280, height: 900 } });
    // An English browser gets the English pages, signed in too.
    await browserSignIn(page, server.baseUrl, office.login, office.password);
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    for (const path of ['/tickets', '/admin/audit', '/dashboard']) {
      await page.goto(`${server.baseUrl}${path}`);
      expect({ path, width: (await widths(page)).page }).toEqual({ path, width: 1280 });
    }
    // The ranking fits: its long English headers and department names wrap between words (it was ~1,500 px, the last
    // columns behind a scroll; at a phone's width it still scrolls in its box, above).
    expect((await widths(page)).tableScrolls).toBe(false);
    await screenshot(page, 'layout-1280-dashboard-en');
    await page.close();
  });
});
