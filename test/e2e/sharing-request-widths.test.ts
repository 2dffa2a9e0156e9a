import type { Browser } from 'playwright-core';
import { translator } from '../../server/i18n';
import { inputFromBody } from '../../server/services/sharing/input';
import { submitRequest } from '../../server/services/sharing/workflow';
import { apiRequest, buildSharingWorld, SharingPeople } from '../factories/sharing';
import { createTestApp, listen, TestApp } from '../helpers/app';
import { browserSignIn, describeBrowser, launchBrowser, screenshot } from '../helpers/browser';

/**
 * A request's page on a phone (375 px) is no wider than the window. The applicant's e-mail address (a value
 * without spaces) made the facts' value column as wide as the address, and the review form's reasons menu as
 * wide as its longest English reason: the page was 405 px wide in Chinese, 421 px in English.
 */
describeBrowser('a sharing request page on a phone', () => {
  let t: TestApp;
  let people: SharingPeople;
  let server: { baseUrl: string; close(): Promise<void> };
  let browser: Browser;
  let id: number;

  beforeAll(async () => {
    t = await createTestApp();
    t.ctx.now = () => new Date('2026-03-02T02:00:00Z');
    people = await buildSharingWorld(t.db.knex);
    const input = inputFromBody({
      ...apiRequest([{ table: 'student_status', fields: ['student_no', 'grade'], range: '在读本专科生' }], {
        purpose: '奖学金评定需要学生年级',
      }),
      applicant: {
        name: '张三',
        staff_no: '20150123',
        office_phone: '0371-67781234',
        email: 'scholarship.office@example.edu.cn',
        contact: '13800000001',
      },
      system: { name: '学生奖助学金评审系统', status: 'running', domain: 'jzxj.example.edu.cn', address: '10.20.30.41:8443' },
    });
    const u = people.applicant;
    const user = { id: u.id, login: u.login, name: u.name, department: u.department_code, roles: u.roles, locale: null };
    id = (await submitRequest(t.ctx, { user: user as never }, input, { mode: 'api', t: translator('zh-CN') })).id;
    server = await listen(t.app);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  it.each(['zh-CN', 'en'])('in %s, with the review form, is as wide as the window', async (locale) => {
    const page = await browser.newPage({ locale, viewport: { width: 375, height: 800 } });
    // The applicant unit's steward: the page with the facts and the review form (approve, reject, reasons).
    await browserSignIn(page, server.baseUrl, people.csSteward.login, people.csSteward.password);
    await page.goto(`${server.baseUrl}/sharing/${id}`);
    await page.locator('form.decision-form select[name=reason]').waitFor();
    const width = await page.evaluate('document.documentElement.scrollWidth');
    await screenshot(page, `sharing-request-375-${locale}`);
    expect(width).toBe(375);
    // The address is all there, broken over lines rather than cut.
    expect(await page.locator('dl.facts').innerText()).toContain('scholarship.office@example.edu.cn');
    await page.close();
  });
});
