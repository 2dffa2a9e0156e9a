import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { EXAMPLE_CATALOG } from '../factories/tickets';
import { createTestApp, listen, TestApp } from '../helpers/app';
import { browserSignIn, describeBrowser, launchBrowser, screenshot } from '../helpers/browser';

/**
 * The calendar's events on a phone: each date of an event on one line. At 390 px the dates' column was narrower than
 * a date and broke it at its hyphen (2027-12- / 31 under 每年年末).
 */
describeBrowser('the calendar page on a phone', () => {
  let t: TestApp;
  let server: { baseUrl: string; close(): Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    t = await createTestApp();
    t.ctx.now = () => new Date('2026-12-07T10:00:00+08:00');
    const imported = await importCatalog(t.db.knex, fs.readFileSync(EXAMPLE_CATALOG, 'utf8'));
    expect(imported.ok).toBe(true);
    server = await listen(t.app);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  it.each([
    ['zh-CN', 390],
    ['en', 390],
    ['en', 320],
  ] as const)('in %s at %i px each event date is one line, and the page is no wider than the window', async (locale, width) => {
    const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    await t.db.knex('users').where({ id: steward.id }).update({ locale });
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    await browserSignIn(page, server.baseUrl, steward.login, steward.password);
    for (const year of [2026, 2027]) {
      await page.goto(`${server.baseUrl}/calendar?year=${year}`);
      // Each date's height in lines of its own text (evaluated as a string: the tests are compiled without the DOM's types).
      const tags = (await page.evaluate(`[...document.querySelectorAll('td .tag')].map((el) => ({
        text: el.textContent,
        lines: Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)),
      }))`)) as { text: string; lines: number }[];
      expect(tags.length).toBeGreaterThan(0);
      const broken = tags.filter((tag) => tag.lines > 1);
      if (broken.length) await screenshot(page, `calendar-phone-${locale}-${width}-${year}`);
      expect({ year, broken }).toEqual({ year, broken: [] });
      expect(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    }
    await context.close();
  });
});
