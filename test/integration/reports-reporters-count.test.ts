import { reportBody, useReportsWorld } from '../factories/reports';

/**
 * "共 N 人报告" counts people: one user reporting the same record twice read "共 2 人报告" (the ticket's count of
 * reports), on the report's page, in 我的报告 and as the API's `reporters`.
 */

const world = useReportsWorld({ apiTokens: true });

const file = async (who: 'reporter' | 'reporter2', description: string) =>
  (await world.api(who).post('/reports', reportBody({ description })).expect(201)).body as { id: number; ticket_id: number };

/** What each place says of the number of reporters, for one of `who`'s reports. */
async function told(who: 'reporter' | 'reporter2', id: number) {
  const s = await world.as(who);
  const page = (await s.agent.get(`/reports/${id}`).expect(200)).text;
  const mine = (await s.agent.get('/reports/mine').expect(200)).text;
  const row = new RegExp(`<tr>\\s*<td><a href="/reports/${id}">[\\s\\S]*?</tr>`).exec(mine)![0];
  const api = (await world.api(who).get(`/reports/${id}`).expect(200)).body;
  const listed = (await world.api(who).get('/reports/mine').expect(200)).body.items.find((r: { id: number }) => r.id === id);
  const words = (html: string) => /共 (\d+) 人报告/.exec(html)?.[1] ?? null;
  return { page: words(page), mine: words(row), api: api.reporters, listed: listed.reporters };
}

it('counts one person reporting a record twice once, and each other person once more', async () => {
  const first = await file('reporter', '政治面貌应为中共党员');
  const again = await file('reporter', '补充：入党时间为 2024 年');
  expect(again.ticket_id).toBe(first.ticket_id);
  expect(await world.db('tickets').where({ id: first.ticket_id }).first('occurrences')).toEqual({ occurrences: 2 });
  // One person: no "共 N 人报告" at all, and 1 in the API.
  expect(await told('reporter', first.id)).toEqual({ page: null, mine: null, api: 1, listed: 1 });

  const other = await file('reporter2', '档案显示为中共党员');
  await file('reporter', '再补充一次');
  for (const [who, id] of [
    ['reporter', first.id],
    ['reporter', again.id],
    ['reporter2', other.id],
  ] as const)
    expect({ who, id, told: await told(who, id) }).toEqual({ who, id, told: { page: '2', mine: '2', api: 2, listed: 2 } });
});
