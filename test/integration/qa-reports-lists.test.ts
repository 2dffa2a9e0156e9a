import { reportBody, useReportsWorld } from '../factories/reports';
import { issueApiToken } from '../../server/services/users';
import request from 'supertest';

/** "我的报告" and the triage queue filtered by a table no listed report names. */

const tokens: Record<string, string> = {};

const world = useReportsWorld({
  setup: async () => {
    for (const who of ['reporter', 'reporter2'] as const) tokens[who] = await issueApiToken(world.db, world.people[who].id);
  },
});

async function file(who: 'reporter' | 'reporter2', over: Record<string, unknown> = {}): Promise<{ id: number }> {
  const res = await request(world.app)
    .post('/api/v1/reports')
    .set('Authorization', `Bearer ${tokens[who]}`)
    .send(reportBody(over));
  expect(res.status).toBe(201);
  return res.body;
}
/** The table filter menu's options as [value, label, selected]. */
const tableMenu = (html: string) =>
  [
    ...(/<select name="table">([\s\S]*?)<\/select>/.exec(html)?.[1] ?? '').matchAll(
      /<option value="([^"]*)"( selected)?>([^<]*)</g,
    ),
  ].map((m) => [m[1], m[3], !!m[2]]);

describe('a table filter no listed report names', () => {
  it('stays chosen in the menu of 我的报告, named by its title, over the empty list', async () => {
    await file('reporter');
    const page = await (await world.as('reporter')).agent.get('/reports/mine?table=student_status').expect(200);
    expect(page.text).toContain('没有符合条件的报告。');
    expect(tableMenu(page.text)).toEqual([
      ['', '（全部）', false],
      ['staff_basic', '教职工基本信息 (staff_basic)', false],
      ['student_status', '本专科生学籍基本信息 (student_status)', true],
    ]);
    // A table listed is chosen as before, and not twice.
    const listed = await (await world.as('reporter')).agent.get('/reports/mine?table=staff_basic').expect(200);
    expect(tableMenu(listed.text)).toEqual([
      ['', '（全部）', false],
      ['staff_basic', '教职工基本信息 (staff_basic)', true],
    ]);
  });

  it('stays chosen in the triage queue after its last report was routed, where the page says this table has none', async () => {
    const office = await world.as('office');
    await world.triageFirst(true);
    const r = await file('reporter2', { record_key: { staff_no: '20190009' } });
    const list = '/reports/triage?table=staff_basic';
    const routed = await office.agent
      .post(`/reports/${r.id}/route`)
      .type('form')
      .send({ _csrf: office.csrf, department: 'ORG', back: list });
    expect([routed.status, routed.headers.location]).toEqual([302, list]);
    const page = await office.agent.get(list).expect(200);
    expect(page.text).toContain('这张表没有待分派的报告。');
    expect(tableMenu(page.text)).toEqual([
      ['', '（全部）', false],
      ['staff_basic', '教职工基本信息 (staff_basic)', true],
    ]);
    // A made-up name is shown as sent, escaped.
    const odd = await office.agent.get('/reports/triage?table=%3Cb%3E').expect(200);
    expect(tableMenu(odd.text).at(-1)).toEqual(['&lt;b&gt;', '&lt;b&gt;', true]);
  });
});

describe('a table filter in another case', () => {
  it('finds the table’s reports on 我的报告 and the triage queue, chosen in the menu as the catalog spells it (as the API)', async () => {
    const ids = (html: string) => [...html.matchAll(/<a href="\/reports\/(\d+)">#/g)].map((m) => Number(m[1]));
    const s = await world.as('reporter');
    const exact = await s.agent.get('/reports/mine?table=staff_basic').expect(200);
    expect(ids(exact.text).length).toBeGreaterThan(0);
    const shouted = await s.agent.get('/reports/mine?table=STAFF_BASIC').expect(200);
    expect(ids(shouted.text)).toEqual(ids(exact.text));
    expect(tableMenu(shouted.text)).toEqual(tableMenu(exact.text));
    const api = await request(world.app)
      .get('/api/v1/reports/mine?table=STAFF_BASIC')
      .set('Authorization', `Bearer ${tokens.reporter}`)
      .expect(200);
    expect(api.body.items.map((r: { id: number }) => r.id)).toEqual(ids(exact.text));

    // The triage queue (triage first, on since the test above): a report waiting, found by its table in any case.
    const waiting = await file('reporter2', { record_key: { staff_no: '20190010' } });
    const office = await world.as('office');
    const queue = await office.agent.get('/reports/triage?table=Staff_Basic').expect(200);
    expect(ids(queue.text)).toEqual([waiting.id]);
    expect(tableMenu(queue.text)).toEqual([
      ['', '（全部）', false],
      ['staff_basic', '教职工基本信息 (staff_basic)', true],
    ]);
  });
});
