import { buildTicket, exampleCatalog } from '../factories/tickets';
import { MONDAY, reportBody, useReportsWorld } from '../factories/reports';

/**
 * A refusal for a ticket's status (409) names the status in the reader's words, by the API as on the ticket page:
 * 已关闭 / Closed, not `closed`. A report ticket's fix waits for its reporter's confirmation, and says so
 * (已整改待确认), as the ticket-status partial does.
 */
const world = useReportsWorld({ apiTokens: true });
const catalog = exampleCatalog();

const fileTicket = async (field: string) => (await buildTicket(world.db, catalog, MONDAY, { field })).id;
const english = (req: ReturnType<ReturnType<typeof world.api>['post']>) => req.set('Accept-Language', 'en');

it('the API names a closed or fixed ticket’s status in words, in the reader’s language', async () => {
  const closed = await fileTicket('staff_no');
  await world.api('office').post(`/tickets/${closed}/transitions`, { to: 'closed', comment: '无需处理' }).expect(200);
  const reassign = await world.api('office').post(`/tickets/${closed}/reassign`, { department: 'ORG', reason: '组织部维护' });
  expect(reassign.status).toBe(409);
  expect(reassign.body).toEqual({ error: 'conflict', message: `工单 #${closed} 当前为“已关闭”，不能再操作` });
  const reassignEn = await english(world.api('office').post(`/tickets/${closed}/reassign`, { department: 'ORG', reason: 'x' }));
  expect(reassignEn.body.message).toBe(`Ticket #${closed} is “Closed”; nothing more can be done to it`);
  const dispute = await world.api('hrSteward').post(`/tickets/${closed}/dispute`, { reason: '不是我们的' }).expect(409);
  expect(dispute.body.message).toBe(`工单 #${closed} 当前为“已关闭”，不能再操作`);
  const illegal = await world.api('hrSteward').post(`/tickets/${closed}/transitions`, { to: 'acknowledged' }).expect(409);
  expect(illegal.body.message).toBe(`工单 #${closed} 当前为“已关闭”，不能变更为“已签收”`);

  const fixed = await fileTicket('name');
  await world.api('hrSteward').post(`/tickets/${fixed}/transitions`, { to: 'fixed' }).expect(200);
  const extension = await world.api('hrSteward').post(`/tickets/${fixed}/extension`, { days: 2, reason: '再等两天' });
  expect(extension.status).toBe(409);
  expect(extension.body.message).toBe(`工单 #${fixed} 当前为“已整改待复查”，不能申请延期`);
  const extensionEn = await english(world.api('hrSteward').post(`/tickets/${fixed}/extension`, { days: 2, reason: 'x' }));
  expect(extensionEn.body.message).toBe(`Ticket #${fixed} is “Fixed, awaiting re-check”: more time cannot be asked for`);
});

it('a report ticket’s fix reads as waiting for its reporter’s confirmation, by the API and on the ticket page', async () => {
  const filed = await world
    .api('reporter')
    .post('/reports', reportBody({ field: 'name', description: '姓名应为张叁' }))
    .expect(201);
  const ticket = filed.body.ticket_id as number;
  const steward = await world.as('hrSteward');
  await steward.agent.post(`/reports/tickets/${ticket}/answer`).field('_csrf', steward.csrf).field('answer', 'fixed').expect(302);
  expect(await world.db('tickets').where({ id: ticket }).first('status')).toEqual({ status: 'fixed' });

  const api = await world.api('hrSteward').post(`/tickets/${ticket}/extension`, { days: 2, reason: '再等两天' }).expect(409);
  expect(api.body.message).toBe(`工单 #${ticket} 当前为“已整改待确认”，不能申请延期`);
  const apiEn = await english(world.api('hrSteward').post(`/tickets/${ticket}/extension`, { days: 2, reason: 'x' }));
  expect(apiEn.body.message).toBe(`Ticket #${ticket} is “Fixed, awaiting confirmation”: more time cannot be asked for`);

  const page = await steward.agent
    .post(`/tickets/${ticket}/extension`)
    .type('form')
    .send({ _csrf: steward.csrf, days: '2', reason: '再等两天' })
    .expect(409);
  expect(page.text).toContain(`工单 #${ticket} 当前为“已整改待确认”，不能申请延期`);
  expect(page.text).not.toContain('已整改待复查');
});
