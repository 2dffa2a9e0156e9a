import { escalateOverdueTickets } from '../../server/services/tickets/deadlines';
import { exampleCalendar, exampleCatalog } from '../factories/tickets';
import { MONDAY, reportBody, useReportsWorld } from '../factories/reports';
import { signIn } from '../helpers/app';

/**
 * The department's answer page of a report ticket (/reports/tickets/:id) said 有异议 and 已申请延期 but never 逾期 nor
 * 已督办 (曾督办 once settled), which the ticket page and the list say of the same ticket: a steward answering from it
 * did not see that the ticket was late and under the IT office's supervision. Both pages now show one set of badges
 * (the ticket-flags partial).
 */
const world = useReportsWorld({ apiTokens: true });

/** The badges' paragraph of a page: the one holding the status badge (the ticket page's and the answer page's). */
const badges = (html: string) => {
  const start = html.lastIndexOf('<p>', html.indexOf('<span class="badge '));
  return html.slice(start, html.indexOf('</p>', start));
};

it('shows 逾期 and 已督办 on the answer page as on the ticket page, and 曾督办 once the ticket is closed', async () => {
  world.ctx.now = () => MONDAY;
  const filed = (await world.api('reporter').post('/reports', reportBody()).expect(201)).body as { ticket_id: number };
  const late = new Date('2026-03-20T02:00:00Z');
  world.ctx.now = () => late;
  const escalated = await escalateOverdueTickets(world.db, { calendar: exampleCalendar(exampleCatalog()), now: late });
  expect(escalated.map((e) => e.id)).toEqual([filed.ticket_id]);

  const steward = await world.as('orgSteward');
  const answerPage = `/reports/tickets/${filed.ticket_id}`;
  const answer = badges((await steward.agent.get(answerPage).expect(200)).text);
  const ticket = badges((await steward.agent.get(`/tickets/${filed.ticket_id}`).expect(200)).text);
  for (const page of [answer, ticket]) {
    expect(page).toContain('<span class="badge bad">逾期</span>');
    expect(page).toContain('<span class="badge bad">已督办</span>');
  }

  // Closed by the IT office: neither late nor supervised any more, 曾督办 as its history (as the ticket page says).
  const office = await world.as('office');
  const officePage = (await office.agent.get(`/tickets/${filed.ticket_id}`).expect(200)).text;
  const version = /name="to" value="closed"><input type="hidden" name="version" value="(\d+)"/.exec(officePage)?.[1];
  expect(version).toBeDefined();
  await office.agent
    .post(`/tickets/${filed.ticket_id}/transition`)
    .type('form')
    .send({ _csrf: office.csrf, to: 'closed', version, comment: '该教职工信息已由组织部另行核实' })
    .expect(302);
  const closed = badges((await steward.agent.get(answerPage).expect(200)).text);
  expect(closed).toContain('>曾督办</span>');
  expect(closed).not.toContain('>已督办<');
  expect(closed).not.toContain('>逾期<');

  // In English too.
  const { orgSteward } = world.people;
  await world.db('users').where({ id: orgSteward.id }).update({ locale: 'en' });
  const english = (await (await signIn(world.app, orgSteward.login, orgSteward.password)).agent.get(answerPage).expect(200)).text;
  expect(badges(english)).toContain('>Was escalated</span>');
});
