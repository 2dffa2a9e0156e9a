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

/**
 * Asked before its due date (Thursday 04-02) for 4 working days (→ 04-09) and answered on Wednesday 04-08: the days
 * asked give a date still to come, fewer may not — 2 days give 04-07, before today; 3 give 04-08, today itself.
 */
describeBrowser('the grant form warns when the days typed give a due date before today', () => {
  let j: Journey;
  let page: Page;
  let ticketId: number;

  beforeAll(async () => {
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
    j.t.ctx.now = () => new Date('2026-04-08T02:00:00Z');
  }, 120_000);
  afterAll(() => j?.close());

  it('says the ticket stays overdue for fewer days that end before today (both languages), not for a date today or later', async () => {
    await page.goto(`${j.baseUrl}/tickets/${ticketId}`);
    const form = page.locator('form.extension-grant');
    const past = form.locator('.grant-past');
    // The days asked give 04-09: no warning.
    expect(await form.locator('p.muted').innerText()).toContain('顺延至 2026-04-09');
    expect(await past.isHidden()).toBe(true);

    await page.fill('#grant-days', '2');
    expect(await page.locator('#grant-preview').innerText()).toBe('同意 2 个工作日：整改期限将由 2026-04-02 顺延至 2026-04-07。');
    expect(await past.isVisible()).toBe(true);
    expect(await past.innerText()).toBe(
      '注意：顺延后的整改期限仍早于今天（2026-04-08），工单同意后仍为逾期。如需给出今后的期限，请不同意本次申请并说明，由责任单位按所需天数重新申请。',
    );
    await page.fill('#grant-days', '3');
    expect(await past.isHidden()).toBe(true);
    await page.fill('#grant-days', '１');
    expect(await past.isVisible()).toBe(true);
    await page.fill('#grant-days', '4');
    expect(await past.isHidden()).toBe(true);

    await Promise.all([page.waitForNavigation(), page.click('.locale-switch button')]);
    await page.goto(`${j.baseUrl}/tickets/${ticketId}`);
    await page.fill('#grant-days', '2');
    expect(await past.innerText()).toBe(
      'Note: the due date this gives is still before today (2026-04-08): the ticket stays overdue once granted. To give a date still to come, refuse this request saying so, and the department asks again for the days it needs.',
    );
    await page.fill('#grant-days', '3');
    expect(await past.isHidden()).toBe(true);
    // Only one warning on the page at a time (the server's is for the days asked, not shown here).
    await page.fill('#grant-days', '1');
    expect(await form.locator('.grant-past').count()).toBe(1);
  });
});
