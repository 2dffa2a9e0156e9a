import request from 'supertest';
import { MONDAY, reportBody, ReportsWorld, useReportsWorld } from '../factories/reports';

/**
 * A ticket is reopened by its reporters once. A reporter who never reopened it read "已重新打开过一次" on their page when
 * another reporter had — with no reopen in their own history (it was before they joined, or its words are not theirs).
 */
const world = useReportsWorld({ apiTokens: true });

async function file(who: keyof ReportsWorld): Promise<{ id: number; ticket_id: number }> {
  const res = await request(world.app)
    .post('/api/v1/reports')
    .set('Authorization', `Bearer ${world.tokens[who]}`)
    .send(reportBody());
  expect(res.status).toBe(201);
  return res.body;
}
async function post(who: keyof ReportsWorld, path: string, form: Record<string, string>) {
  const s = await world.as(who);
  const req = s.agent.post(path).field('_csrf', s.csrf).set('Accept', 'text/html');
  for (const [k, v] of Object.entries(form)) void req.field(k, v);
  return req;
}
const usedLine = (html: string) => /<p class="muted">([^<]*信息化办公室[^<]*)<\/p>/.exec(html)?.[1];

it('says which reporter used the ticket’s one reopen: this one, or another', async () => {
  world.ctx.now = () => MONDAY;
  const first = await file('reporter');
  const second = await file('reporter2');
  expect(second.ticket_id).toBe(first.ticket_id);
  const ticket = first.ticket_id;
  expect((await post('orgSteward', `/reports/tickets/${ticket}/answer`, { answer: 'fixed', comment: '已更正' })).status).toBe(
    302,
  );
  const s = await world.as('reporter');
  expect((await s.agent.post(`/reports/${first.id}/reopen`).type('form').send({ _csrf: s.csrf, comment: '没有改' })).status).toBe(
    302,
  );
  expect((await post('orgSteward', `/reports/tickets/${ticket}/answer`, { answer: 'not_error', comment: '已核实' })).status).toBe(
    302,
  );

  const own = (await (await world.as('reporter')).agent.get(`/reports/${first.id}`).expect(200)).text;
  expect(usedLine(own)).toBe('已重新打开过一次。如仍有异议，请联系信息化办公室。');
  const other = (await (await world.as('reporter2')).agent.get(`/reports/${second.id}`).expect(200)).text;
  expect(usedLine(other)).toBe(
    '另一位报告人已不同意答复并重新打开过一次（每个工单只能由报告人重新打开一次）。如仍有异议，请联系信息化办公室。',
  );
  const english = (
    await (await world.as('reporter2')).agent.get(`/reports/${second.id}`).set('Accept-Language', 'en').expect(200)
  ).text;
  expect(english).toContain(
    'Another reporter already disagreed and reopened it once (reporters can reopen a ticket once). If you still disagree, contact the IT office.',
  );
  expect(other).not.toContain(`action="/reports/${second.id}/reopen"`);
});
