import { translator } from '../../server/i18n';
import { inputFromBody } from '../../server/services/sharing/input';
import { submitRequest } from '../../server/services/sharing/workflow';
import { Journey, startSharingBrowser } from '../factories/journeys';
import { apiRequest, SharingPeople, sharingActor } from '../factories/sharing';
import { browserSignIn, describeBrowser, screenshot } from '../helpers/browser';

/**
 * A request's page on a phone (375 px) is no wider than the window. The applicant's e-mail address (a value
 * without spaces) made the facts' value column as wide as the address, and the review form's reasons menu as
 * wide as its longest English reason: the page was 405 px wide in Chinese, 421 px in English.
 */
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
    });
    id = (await submitRequest(j.t.ctx, sharingActor(people.applicant), input, { mode: 'api', t: translator('zh-CN') })).id;
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
    await page.close();
  });
});
