import type { Page } from 'playwright-core';
import { Journey, startTicketBrowser } from '../factories/journeys';
import { describeBrowser, recordDialogs } from '../helpers/browser';

/**
 * A form that asks "are you sure?" (data-confirm) and needs a reason (closing a ticket, disagreeing with a fix,
 * refusing a report, revoking a grant) does not ask while the reason is blank: the answer would change nothing, as the
 * server sends the form back with the message beside the box. With a reason typed it asks, and dismissed sends nothing.
 */
describeBrowser('a confirmation is asked only of a form that can go through', () => {
  let j: Journey;
  let page: Page;
  let ticketId: number;

  beforeAll(async () => {
    const started = await startTicketBrowser();
    ({ ticketId, office: page } = started);
    j = started;
  }, 120_000);
  afterAll(() => j?.close());

  const status = async () => (await j.t.db.knex('tickets').where({ id: ticketId }).first('status')).status;

  it('closing a ticket without a reason: no question, the message beside the box; with one: asked first', async () => {
    const asked = recordDialogs(page);
    await page.goto(`${j.baseUrl}/tickets/${ticketId}`);
    const close = page.locator('form:has(#close-reason)');
    await page.fill('#close-reason', '   ');
    await Promise.all([page.waitForURL(/\/tickets\/\d+/), page.waitForLoadState('load'), close.locator('button').click()]);
    await page.waitForSelector('#close-reason-error');
    expect(asked).toEqual([]);
    expect(await page.getAttribute('#close-reason', 'aria-invalid')).toBe('true');
    expect(await status()).toBe('open');

    // With a reason, the question comes; dismissed, the page stays and nothing is sent.
    await page.fill('#close-reason', '非数据问题');
    await close.locator('button').click();
    expect(asked).toEqual(['确定关闭该工单？']);
    expect(await page.inputValue('#close-reason')).toBe('非数据问题');
    expect(await status()).toBe('open');
  });

  it('closing an assessment period without its dates: no question, the messages beside the boxes; nothing closed', async () => {
    const asked = recordDialogs(page);
    await page.goto(`${j.baseUrl}/scorecards/periods`);
    // The form offers this month so far; the dates cleared, as someone starting over does.
    await page.fill('#from', '');
    await page.fill('#to', '');
    await Promise.all([
      page.waitForLoadState('load'),
      page.locator('form[action="/scorecards/periods"] button[type=submit]').click(),
    ]);
    await page.waitForSelector('.field-error');
    expect(asked).toEqual([]);
    expect(await page.locator('.field-error').first().innerText()).toContain('开始日期');
    expect(Number((await j.t.db.knex('assessment_periods').count({ n: '*' }))[0].n)).toBe(0);
  });
});
