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

  it('at desktop width, a box beside one with a message is as tall as the others (the message adds to its own label)', async () => {
    const page = await sentBack(async () => {}, 1280);
    // The applicant's and the system's boxes, by row of their grid: the heights of the text boxes in each row.
    const rows = (await page.evaluate(`(() => {
      const rows = {};
      for (const label of document.querySelectorAll('.sharing-form .grid2 > label')) {
        const input = label.querySelector('input');
        const top = Math.round(label.getBoundingClientRect().top);
        (rows[top] = rows[top] || []).push({ name: input.name || 'department', height: Math.round(input.getBoundingClientRect().height), message: !!label.querySelector('.field-error') });
      }
      return Object.values(rows);
    })()`)) as { name: string; height: number; message: boolean }[][];
    await screenshot(page, 'sharing-form-sent-back-1280');
    // A row holds a box with a message and one without (the disabled 数据申请部门 beside 数据申请人姓名).
    expect(rows.some((row) => row.some((b) => b.message) && row.some((b) => !b.message))).toBe(true);
    const [{ height }] = rows[0];
    for (const row of rows) expect(row.map((b) => [b.name, b.height])).toEqual(row.map((b) => [b.name, height]));
    await page.context().close();
  });
});
