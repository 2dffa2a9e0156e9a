import type { Page } from 'playwright-core';
import { buildUser } from '../factories';
import { Journey, startTicketBrowser } from '../factories/journeys';
import { describeBrowser } from '../helpers/browser';
import { requestExtension } from '../../server/services/tickets';

/**
 * The IT office's grant form says the due date the days it types would give: the help names the date for the days
 * asked, a line below it the date for fewer (holidays counted by the server's calendar). 2026-04-06 is 清明 (a
 * holiday, Monday): a ticket due Thursday 04-02 moved on 1 working day is due Friday 04-03, 2 days Tuesday 04-07.
 */
describeBrowser('the grant form says the new due date for the days typed', () => {
  let j: Journey;
  let page: Page;
  let ticketId: number;

  beforeAll(async () => {
    // Filed Thursday 03-26: medium, due 5 working days later, Thursday 04-02.
    const started = await startTicketBrowser(async (journey, id) => {
      const steward = await buildUser(journey.t.db.knex, { department: 'HR', roles: ['steward'] });
      await requestExtension(journey.t.db.knex, {
        ticketId: id,
        actor: { id: steward.id, login: steward.login, name: steward.login, department: 'HR', roles: ['steward'], locale: null },
        days: 4,
        reason: '等待人事处正式任职文件',
        now: new Date('2026-03-30T02:00:00Z'),
      });
    });
    ({ ticketId, office: page } = started);
    j = started;
  }, 120_000);
  afterAll(() => j?.close());

  it('shows no second line for the days asked, the date for fewer as they are typed (1 working day, 2 working days), and none for too many', async () => {
    await page.goto(`${j.baseUrl}/tickets/${ticketId}`);
    const form = page.locator('form.extension-grant');
    expect(await form.locator('p.muted').innerText()).toContain('按申请的 4 个工作日，整改期限将由 2026-04-02 顺延至 2026-04-09');
    const preview = page.locator('#grant-preview');
    expect(await preview.isHidden()).toBe(true);

    await page.fill('#grant-days', '2');
    expect(await preview.innerText()).toBe('同意 2 个工作日：整改期限将由 2026-04-02 顺延至 2026-04-07。');
    // Full-width, as a Chinese input method types it.
    await page.fill('#grant-days', '１');
    expect(await preview.innerText()).toBe('同意 1 个工作日：整改期限将由 2026-04-02 顺延至 2026-04-03。');
    await page.fill('#grant-days', '9');
    expect(await preview.isHidden()).toBe(true);

    // In English, one day is "1 working day" (it read "Granting 1 working days"), more are "working days".
    await Promise.all([page.waitForNavigation(), page.click('.locale-switch button')]);
    await page.goto(`${j.baseUrl}/tickets/${ticketId}`);
    await page.fill('#grant-days', '1');
    expect(await preview.innerText()).toBe('Granting 1 working day moves the due date from 2026-04-02 to 2026-04-03.');
    await page.fill('#grant-days', '2');
    expect(await preview.innerText()).toBe('Granting 2 working days moves the due date from 2026-04-02 to 2026-04-07.');

    // What the line said is what the grant does.
    await page.fill('#grant-days', '2');
    await Promise.all([page.waitForLoadState('load'), form.locator('button[type=submit]').click()]);
    await page.waitForURL(/\/tickets/);
    expect((await j.t.db.knex('tickets').where({ id: ticketId }).first('due_at')).due_at).toBe('2026-04-07');
  });
});
