import type { Browser } from 'playwright-core';
import { buildDepartment, buildUser } from '../factories';
import { createTestApp, listen, TestApp } from '../helpers/app';
import { browserSignIn, describeBrowser, launchBrowser, screenshot } from '../helpers/browser';

/**
 * The header names the user's department by its name (it showed the code, ITC). A catalog's name may be long — up to
 * 200 characters, and a name in Latin letters may have no space at all — and the header must still fit a phone's
 * 390 px, in both languages, for every role (each has its own navigation).
 */
describeBrowser('the header’s department name at 390 px', () => {
  let t: TestApp;
  let server: { baseUrl: string; close(): Promise<void> };
  let browser: Browser;
  const LONG_CHINESE = '信息化建设与管理办公室（网络与信息技术中心、大数据中心、教育技术中心、校园一卡通管理中心）';
  const LONG_LATIN = 'InformationTechnologyAndNetworkManagementCentreOfTheUniversity';

  beforeAll(async () => {
    t = await createTestApp();
    await buildDepartment(t.db.knex, { code: 'LONGZH', name: LONG_CHINESE });
    await buildDepartment(t.db.knex, { code: 'LONGEN', name: LONG_LATIN });
    server = await listen(t.app);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  // One case per language and name (six sign-ins each): all 24 sign-ins in two cases ran past the 60-s timeout on a
  // 2-vCPU machine while other browser files ran beside this one.
  it.each([
    ['zh-CN', 'LONGZH', LONG_CHINESE],
    ['zh-CN', 'LONGEN', LONG_LATIN],
    ['en', 'LONGZH', LONG_CHINESE],
    ['en', 'LONGEN', LONG_LATIN],
  ] as const)(
    'in %s with the name of %s nothing in the header is wider than the window, for any role',
    async (locale, code, name) => {
      for (const role of ['admin', 'it_office', 'univ_leader', 'dept_leader', 'steward', 'user'] as const) {
        const user = await buildUser(t.db.knex, { department: code, roles: [role], name: '信息办数据专员' });
        const page = await browser.newPage({ locale, viewport: { width: 390, height: 800 } });
        await browserSignIn(page, server.baseUrl, user.login, user.password);
        await page.locator(`html[lang="${locale}"]`).waitFor({ state: 'attached' });
        const header = await page.evaluate(`(() => {
          const dep = document.querySelector('.who-department');
          const outside = [...document.querySelectorAll('header.topbar, header.topbar *')]
            .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > innerWidth + 0.5 || r.left < -0.5); })
            .map((e) => e.className || e.tagName);
          return { name: dep.textContent, title: dep.title, scrollWidth: document.documentElement.scrollWidth, outside };
        })()`);
        if ((header as { outside: string[] }).outside.length)
          await screenshot(page, `header-department-${locale}-${code}-${role}`);
        expect(header).toEqual({ name, title: code, scrollWidth: 390, outside: [] });
        await page.close();
      }
    },
  );
});
