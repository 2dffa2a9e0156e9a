import { translator } from '../../server/i18n';
import { inputFromBody } from '../../server/services/sharing/input';
import { submitRequest } from '../../server/services/sharing/workflow';
import { Journey, startSharingBrowser } from '../factories/journeys';
import { apiRequest, SharingPeople, sharingActor, VALID_ID_CARD } from '../factories/sharing';
import { browserSignIn, describeBrowser, screenshot } from '../helpers/browser';

/**
 * A request's page on a phone (375 px) is no wider than the window. The applicant's e-mail address (a value
 * without spaces) made the facts' value column as wide as the address, and the review form's reasons menu as
 * wide as its longest English reason: the page was 405 px wide in Chinese, 421 px in English.
 */
/** An approval material's name as people save a scan: long, without a space to break at. */
const LONG_NAME = 'Scholarship_review_system_data_integration_approval_signed_scan_final_v3.pdf';

describeBrowser('a sharing request page on a phone', () => {
  let j: Journey;
  let people: SharingPeople;
  let id: number;

  beforeAll(async () => {
    ({ people, ...j } = await startSharingBrowser());
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
      members: [{ name: '李四', unit: '学生资助管理中心', staff_no: '20150124', phone: '13800000002' }],
      vendors: [{ name: '王五', company: '某某软件有限公司', id_card: VALID_ID_CARD, phone: '13900000003' }],
    });
    id = (
      await submitRequest(j.t.ctx, sharingActor(people.applicant), input, {
        mode: 'api',
        t: translator('zh-CN'),
        files: { material: { filename: LONG_NAME, buffer: Buffer.from('%PDF-1.4\n%%EOF\n') } },
      })
    ).id;
  }, 60_000);

  afterAll(async () => {
    await j?.close();
  });

  it.each(['zh-CN', 'en'])('in %s, with the review form, is as wide as the window', async (locale) => {
    const page = await j.browser.newPage({ locale, viewport: { width: 375, height: 800 } });
    // The applicant unit's steward: the page with the facts and the review form (approve, reject, reasons).
    await browserSignIn(page, j.baseUrl, people.csSteward.login, people.csSteward.password);
    await page.goto(`${j.baseUrl}/sharing/${id}`);
    await page.locator('form.decision-form select[name=reason]').waitFor();
    const width = await page.evaluate('document.documentElement.scrollWidth');
    await screenshot(page, `sharing-request-375-${locale}`);
    expect(width).toBe(375);
    // The address is all there, broken over lines rather than cut.
    expect(await page.locator('dl.facts').innerText()).toContain('scholarship.office@example.edu.cn');
    // Every cell of the page's tables (the requested data's quality, the project members, the vendors) in sight: the
    // quality table was 660 px wide in its 333 px box, the data range cut mid-word and the score a sideways scroll away.
    const outOfSight = await page.evaluate(`[...document.querySelectorAll('main table td')]
      .filter((td) => td.textContent.trim() && td.getBoundingClientRect().right > window.innerWidth)
      .map((td) => td.textContent.trim())`);
    expect(outOfSight).toEqual([]);
    expect(await page.locator('main table td').allInnerTexts()).toEqual(expect.arrayContaining(['13900000003', '在读本专科生']));
    await page.close();
  });

  it.each(['zh-CN', 'en'])("in %s, the approval material's long name wraps inside a 390 px window", async (locale) => {
    // The link reads the file's name (it read 下载 / Download); a name without spaces breaks over lines, not the page.
    const page = await j.browser.newPage({ locale, viewport: { width: 390, height: 800 } });
    await browserSignIn(page, j.baseUrl, people.applicant.login, people.applicant.password);
    await page.goto(`${j.baseUrl}/sharing/${id}`);
    const link = page.locator(`a[href="/sharing/${id}/files/material"]`);
    await screenshot(page, `sharing-request-material-390-${locale}`);
    expect(await link.innerText()).toBe(LONG_NAME);
    const box = (await page.evaluate(`(() => {
      const a = document.querySelector('a[href="/sharing/${id}/files/material"]');
      return { right: Math.ceil(a.getBoundingClientRect().right), lines: a.getClientRects().length };
    })()`)) as { right: number; lines: number };
    expect(box.right).toBeLessThanOrEqual(390);
    expect(box.lines).toBeGreaterThan(1);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBe(390);
    await page.close();
  });

  it.each(['zh-CN', 'en'])(
    'in %s, the new-request form is as wide as the window, its rows as cards with usable inputs',
    async (locale) => {
      const page = await j.browser.newPage({ locale, viewport: { width: 375, height: 800 } });
      await browserSignIn(page, j.baseUrl, people.applicant.login, people.applicant.password);
      await page.goto(`${j.baseUrl}/sharing/new`);
      await page.selectOption('select[name="items[0][table]"]', 'student_status');
      await page.waitForSelector('[data-field-choices][data-index="0"] input[type=checkbox]');
      const layout = (await page.evaluate(`(() => {
      const narrowest = (selector) => Math.min(...[...document.querySelectorAll(selector)].map((el) => el.getBoundingClientRect().width));
      const boxes = [...document.querySelectorAll('[data-field-choices][data-index="0"] input[type=checkbox]')];
      return {
        page: document.documentElement.scrollWidth,
        memberInput: narrowest('tbody[data-rows="members"] input'),
        vendorInput: narrowest('tbody[data-rows="vendors"] input'),
        boxesInSight: boxes.every((b) => b.getBoundingClientRect().right <= window.innerWidth),
        // The table menu stays inside its card (it stood 260 px wide beside its label, past the card's edge).
        menuInCard: (() => {
          const menu = document.querySelector('select[name="items[0][table]"]');
          return menu.getBoundingClientRect().right <= menu.closest('tr').getBoundingClientRect().right;
        })(),
        labelled: document.querySelector('tbody[data-rows="vendors"] td').getAttribute('data-label'),
      };
    })()`)) as {
        page: number;
        memberInput: number;
        vendorInput: number;
        boxesInSight: boolean;
        menuInCard: boolean;
        labelled: string;
      };
      // A focused box keeps a gap between itself and its ring (ticked and blue, it looked the same focused or not).
      await page.focus('[data-field-choices][data-index="0"] input[type=checkbox]');
      expect(await page.evaluate('getComputedStyle(document.activeElement).outlineOffset')).toBe('2px');
      await screenshot(page, `sharing-new-375-${locale}`);
      expect(layout.page).toBe(375);
      // An ID number (18 characters) fits: the inputs were ~70 px wide in their squeezed table.
      expect(layout.memberInput).toBeGreaterThan(150);
      expect(layout.vendorInput).toBeGreaterThan(150);
      expect(layout.boxesInSight).toBe(true);
      expect(layout.menuInCard).toBe(true);
      expect(layout.labelled).toBe(locale === 'en' ? 'Name *' : '姓名 *');
      await page.close();
    },
  );

  // On a phone the request's number in the list (17×21 px), the page's back link (21 px), the form's "+ 增加一行"
  // (23 px) and the sign-in page's language switch (21 px) were under the 24 px a finger needs.
  it.each(['zh-CN', 'en'])("in %s, the applicant's links and link-like buttons are at least 24 px tall", async (locale) => {
    const page = await j.browser.newPage({ locale, viewport: { width: 375, height: 800 }, hasTouch: true, isMobile: true });
    const tooSmall = () =>
      page.evaluate(`[...document.querySelectorAll('main a, main button, .login-footer button')]
        .filter((e) => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height < 24)
        .map((e) => e.textContent.trim() + ' ' + Math.round(e.getBoundingClientRect().height))`);
    const small: Record<string, unknown> = {};
    await page.goto(`${j.baseUrl}/login`);
    small['/login'] = await tooSmall();
    await browserSignIn(page, j.baseUrl, people.applicant.login, people.applicant.password);
    const paths = ['/sharing', `/sharing/${id}`, '/sharing/new'];
    for (const path of paths) {
      await page.goto(`${j.baseUrl}${path}`);
      small[path] = await tooSmall();
    }
    expect(small).toEqual(Object.fromEntries(['/login', ...paths].map((path) => [path, []])));
    await page.close();
  });
});
