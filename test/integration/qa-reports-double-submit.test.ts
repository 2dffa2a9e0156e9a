import { buildReportsWorld, ReportsWorld, reportsSessions } from '../factories/reports';
import { createTestApp, TestApp } from '../helpers/app';

/**
 * Error report forms sent twice — a double click, or the page re-posted from the browser's history —
 * do what they do once: the second post changes nothing and says so.
 */
const MONDAY = new Date('2026-03-02T02:00:00Z');

let t: TestApp;
let people: ReportsWorld;
const as = reportsSessions(
  () => t.app,
  () => people,
);

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildReportsWorld(t.db.knex);
});
afterAll(() => t.close());

const count = async (table: string) => Number((await t.db.knex(table).count({ n: '*' }).first())?.n);
const formIdOn = (html: string) => /name="form_id" value="([0-9a-f]{32})"/.exec(html)?.[1];

/** Posts the report form as the browser does (multipart, the CSRF token in the action URL). */
async function postReport(who: keyof ReportsWorld, fields: Record<string, string>) {
  const s = await as(who);
  let req = s.agent.post(`/reports?_csrf=${encodeURIComponent(s.csrf)}`).set('Accept', 'text/html');
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req;
}
const reportForm = (over: Record<string, string> = {}) => ({
  table: 'staff_basic',
  field: 'political_status',
  'record_key[staff_no]': '20190001',
  description: '应为中共党员',
  suggested_value: '中共党员',
  action: 'submit',
  ...over,
});

describe('the report form', () => {
  it('files one report when it is sent twice, the second post going to the report the first one filed', async () => {
    const page = await (await as('reporter')).agent.get('/reports/new?table=staff_basic').expect(200);
    const formId = formIdOn(page.text)!;
    expect(formId).toBeDefined();
    const before = await count('reports');
    const events = await count('ticket_events');
    // A double click: both posts at once.
    const [a, b] = await Promise.all([
      postReport('reporter', reportForm({ form_id: formId })),
      postReport('reporter', reportForm({ form_id: formId })),
    ]);
    expect(await count('reports')).toBe(before + 1);
    expect(await count('ticket_events')).toBe(events + 1);
    const report = await t.db.knex('reports').orderBy('id', 'desc').first('id', 'ticket_id');
    expect([a.headers.location, b.headers.location]).toEqual([`/reports/${report.id}`, `/reports/${report.id}`]);
    expect((await t.db.knex('tickets').where({ id: report.ticket_id }).first()).occurrences).toBe(1);
    // Sent again later (back in the browser's history): still that report, and its page says nothing was sent again.
    const again = await postReport('reporter', reportForm({ form_id: formId }));
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(`/reports/${report.id}`);
    const shown = await (await as('reporter')).agent.get(`/reports/${report.id}`).expect(200);
    expect(shown.text).toContain(`这份表单已提交为报告 #${report.id}，本次没有再提交`);
    expect(await count('reports')).toBe(before + 1);
  });

  it('keeps its id while it comes back (a mistake, a look-up), and a new form files a new report', async () => {
    const page = await (await as('reporter2')).agent.get('/reports/new').expect(200);
    const formId = formIdOn(page.text)!;
    const refused = await postReport('reporter2', reportForm({ form_id: formId, description: '' }));
    expect(refused.status).toBe(422);
    expect(formIdOn(refused.text)).toBe(formId);
    const looked = await postReport('reporter2', reportForm({ form_id: formId, action: 'lookup' }));
    expect(formIdOn(looked.text)).toBe(formId);
    const before = await count('reports');
    const filed = await postReport('reporter2', reportForm({ form_id: formId }));
    expect(filed.status).toBe(302);
    expect(await count('reports')).toBe(before + 1);
    // Another form (a fresh page) is another report.
    const next = formIdOn((await (await as('reporter2')).agent.get('/reports/new').expect(200)).text)!;
    expect(next).not.toBe(formId);
    await postReport('reporter2', reportForm({ form_id: next, field: 'name', description: '姓名有误' }));
    expect(await count('reports')).toBe(before + 2);
  });

  it('is not taken over by someone else sending its id', async () => {
    const page = await (await as('reporter')).agent.get('/reports/new').expect(200);
    const formId = formIdOn(page.text)!;
    await postReport('reporter', reportForm({ form_id: formId, field: 'mobile', description: '手机号有误' }));
    const before = await count('reports');
    const other = await postReport('reporter2', reportForm({ form_id: formId, field: 'mobile', description: '手机号有误' }));
    expect(other.status).toBe(302);
    expect(await count('reports')).toBe(before + 1);
    const mine = await t.db.knex('reports').orderBy('id', 'desc').first('id', 'reporter_id');
    expect(Number(mine.reporter_id)).toBe(people.reporter2.id);
    expect(other.headers.location).toBe(`/reports/${mine.id}`);
  });
});
