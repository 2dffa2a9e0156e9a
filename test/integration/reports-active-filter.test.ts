import { reportBody, useReportsWorld } from '../factories/reports';

/**
 * 未办结 (`status=active`) is every report not finished: one waiting for the IT office to route it (待信息化办公室分派)
 * was left out, though plainly not finished — on 我的报告 and in the API alike.
 */

const world = useReportsWorld({ apiTokens: true });

const triage = (on: boolean) => world.triageFirst(on);

const file = async (staffNo: string) =>
  (
    await world
      .api('reporter')
      .post('/reports', reportBody({ record_key: { staff_no: staffNo } }))
      .expect(201)
  ).body.id as number;

it('lists reports waiting for triage with the open ones, not those turned down or resolved, on the page and in the API', async () => {
  const open = await file('20190001');
  const resolved = await file('20190002');
  await world
    .db('tickets')
    .where({ id: (await world.db('reports').where({ id: resolved }).first()).ticket_id })
    .update({
      status: 'resolved',
    });
  await triage(true);
  const waiting = await file('20190003');
  const rejected = await file('20190004');
  const office = await world.as('office');
  await office.agent
    .post(`/reports/${rejected}/reject`)
    .type('form')
    .send({ _csrf: office.csrf, reason: '不是数据问题', back: '/reports/triage' })
    .expect(302);
  await triage(false);

  const api = await world.api('reporter').get('/reports/mine?status=active').expect(200);
  expect(api.body.items.map((r: { id: number; status: string }) => [r.id, r.status])).toEqual([
    [waiting, 'triage'],
    [open, 'open'],
  ]);
  expect(api.body.total).toBe(2);
  const page = (await (await world.as('reporter')).agent.get('/reports/mine?status=active').expect(200)).text;
  expect([...page.matchAll(/<a href="\/reports\/(\d+)">#/g)].map((m) => Number(m[1]))).toEqual([waiting, open]);
  expect(page).toContain('待信息化办公室分派');
});
