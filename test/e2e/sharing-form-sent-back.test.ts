import type { Page } from 'playwright-core';
import { Journey, pageAs, startSharingBrowser } from '../factories/journeys';
import { SharingPeople } from '../factories/sharing';
import { describeBrowser, screenshot } from '../helpers/browser';

/**
 * The new-request form sent back (422) in a browser: each link of the summary at its top moves the keyboard focus to
 * the box its message is about (public/js/app.js focuses the element whose aria-describedby names the message).
 */
describeBrowser('the sharing form sent back', () => {
  let j: Journey;
  let people: SharingPeople;

  beforeAll(async () => {
    ({ people, ...j } = await startSharingBrowser());
  }, 60_000);

  afterAll(async () => {
    await j?.close();
  });

  /** The new-request form sent with nothing but `fill` done to it, by 提交申请; back at its summary. */
  async function sentBack(fill: (page: Page) => Promise<void> = async () => {}, width = 1280): Promise<Page> {
    const page = await pageAs(j, people.applicant, width);
    await page.goto(`${j.baseUrl}/sharing/new`);
    await fill(page);
    await page.click('button[name=action][value=submit]');
    await page.locator('.error-summary').waitFor();
    return page;
  }

  /** The focused element after the summary link to `anchor` is clicked: its tag and name. */
  async function focusAfter(page: Page, anchor: string): Promise<string> {
    await page.click(`.error-summary a[href="#${anchor}"]`);
    return page.evaluate('`${document.activeElement.tagName.toLowerCase()} ${document.activeElement.getAttribute("name")}`');
  }

  it('"请在数据字段需求文档中至少填写一张表" focuses the first table menu', async () => {
    const page = await sentBack();
    expect(await page.locator('.error-summary a[href="#items-error"]').innerText()).toBe('请在数据字段需求文档中至少填写一张表');
    expect(await focusAfter(page, 'items-error')).toBe('select items[0][table]');
    await page.context().close();
  });

  it('the line that a chosen file must be chosen again focuses its file input', async () => {
    const page = await sentBack((p) =>
      p.setInputFiles('input[name=material]', {
        name: '立项批复.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4\n%%EOF\n'),
      }),
    );
    expect(await page.locator('.error-summary a[href="#material-again"]').innerText()).toContain('立项批复.pdf');
    expect(await focusAfter(page, 'material-again')).toBe('input material');
    await screenshot(page, 'sharing-form-sent-back-material-again');
    await page.context().close();
  });
});
