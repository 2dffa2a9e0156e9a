import { reportBody, useReportsWorld } from '../factories/reports';

/**
 * A reporter whose report was answered "fixed" has 5 working days to check it before silence confirms it. The home
 * page's 数据纠错 card said nothing of it (only the inbox did): it now counts the fixes waiting for them, as 我的报告's
 * 已整改待确认 filter lists them, and links to that list.
 */
const world = useReportsWorld({ apiTokens: true });

/** The 数据纠错 card's HTML: a link, or a box holding its links once it has figures of its own. */
const reportsCard = (page: string) => {
  const title = Math.max(page.indexOf('<h2>数据纠错</h2>'), page.indexOf('<h2>Error reports</h2>'));
  const start = Math.max(page.lastIndexOf('<a class="card"', title), page.lastIndexOf('<div class="card', title));
  return page.slice(start, page.indexOf(page.startsWith('<div', start) ? '</div>' : '</a>', start));
};

it('counts the reporter’s fixes waiting for their confirmation on the home card, as the filtered list lists them', async () => {
  const filed = (await world.api('reporter').post('/reports', reportBody()).expect(201)).body as {
    id: number;
    ticket_id: number;
  };
  const reporter = await world.as('reporter');
  // Not answered yet: nothing to confirm, no figure.
  expect(reportsCard((await reporter.agent.get('/').expect(200)).text)).not.toContain('待您确认');

  const org = await world.as('orgSteward');
  await org.agent
    .post(`/reports/tickets/${filed.ticket_id}/answer`)
    .field('_csrf', org.csrf)
    .field('answer', 'fixed')
    .expect(302);

  const card = reportsCard((await reporter.agent.get('/').expect(200)).text);
  expect(card).toContain('<a href="/reports/mine?status&#x3D;fixed">1 份已整改，待您确认</a>');
  expect(card).toContain('<a class="card-main" href="/reports/mine">');
  // The list it leads to lists that one.
  const list = (await reporter.agent.get('/reports/mine?status=fixed').expect(200)).text;
  expect(list).toContain(`href="/reports/${filed.id}"`);
  expect(list).toContain('共 1 条');
  const english = reportsCard((await reporter.agent.get('/').set('Accept-Language', 'en').expect(200)).text);
  expect(english).toContain('1 fixed report to confirm');

  // Confirmed: the figure goes.
  await reporter.agent.post(`/reports/${filed.id}/confirm`).type('form').send({ _csrf: reporter.csrf }).expect(302);
  expect(reportsCard((await reporter.agent.get('/').expect(200)).text)).not.toContain('待您确认');
});
