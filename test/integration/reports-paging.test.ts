import { MONDAY, reportBody, ReportsWorld, STAFF, useReportsWorld } from '../factories/reports';
import { signIn } from '../helpers/app';

/** "我的报告", the triage queue and GET /api/v1/reports/mine page and filter (status, table) like the ticket queue. */

/** Report ids by what they are: 27 turned down, one open (政治面貌), one fixed (姓名). */
let rejected: number[] = [];
let open: number;
let fixed: number;

const api = (who: keyof ReportsWorld) => world.api(who);
/** Reports written straight into the table (the hourly limit allows 20 through the front door). */
async function insertReports(reporterId: number, n: number, over: Record<string, unknown>): Promise<number[]> {
  const rows = await world.db('reports').insert(
    Array.from({ length: n }, (_, i) => ({
      reporter_id: reporterId,
      table_name: 'staff_basic',
      field_name: 'email',
      record_key: JSON.stringify({ staff_no: STAFF.staff_no }),
      department_code: 'HR',
      description: `第 ${i + 1} 份`,
      // A day back: not counted against the hourly limit of the reports filed below.
      created_at: new Date(MONDAY.getTime() - 86_400_000 - (n - i) * 60_000),
      ...over,
    })),
    ['id'],
  );
  return rows.map((r: { id: number }) => Number(r.id));
}
const ids = (items: { id: number }[]) => items.map((x) => x.id);
const linked = (html: string) => [...html.matchAll(/<td><a href="\/reports\/(\d+)">#/g)].map((m) => Number(m[1]));

const world = useReportsWorld({
  apiTokens: true,
  setup: async () => {
    rejected = await insertReports(world.people.reporter.id, 27, { status: 'rejected', triage_reason: '重复' });
    open = (await api('reporter').post('/reports', reportBody()).expect(201)).body.id;
    const name = (
      await api('reporter')
        .post('/reports', reportBody({ field: 'name', description: '姓名有误' }))
        .expect(201)
    ).body;
    fixed = name.id;
    await world.db('tickets').where({ id: name.ticket_id }).update({ status: 'fixed' });
  },
});

describe('我的报告 (page)', () => {
  it('shows 25 reports a page, newest first, with the total', async () => {
    const s = await signIn(world.app, world.people.reporter.login, world.people.reporter.password);
    const first = await s.agent.get('/reports/mine').expect(200);
    const all = [fixed, open, ...[...rejected].reverse()];
    expect(linked(first.text)).toEqual(all.slice(0, 25));
    expect(first.text).toContain('第 1 / 2 页，共 29 条');
    const second = await s.agent.get('/reports/mine?page=2').expect(200);
    expect(linked(second.text)).toEqual(all.slice(25));
  });

  it('filters by status and by table, keeping the choice in the menus', async () => {
    const s = await signIn(world.app, world.people.reporter.login, world.people.reporter.password);
    const fixedOnly = await s.agent.get('/reports/mine?status=fixed').expect(200);
    expect(linked(fixedOnly.text)).toEqual([fixed]);
    expect(fixedOnly.text).toContain('<option value="fixed" selected>');
    const active = await s.agent.get('/reports/mine?status=active').expect(200);
    expect(linked(active.text)).toEqual([fixed, open]);
    const none = await s.agent.get('/reports/mine?table=student_status').expect(200);
    expect(linked(none.text)).toEqual([]);
    expect(none.text).toContain('没有符合条件的报告。');
    // An unknown status is ignored, as on the ticket queue.
    expect(linked((await s.agent.get('/reports/mine?status=bogus').expect(200)).text)).toHaveLength(25);
  });
});

describe('GET /api/v1/reports/mine', () => {
  it('answers {items, total, page, per_page} and pages', async () => {
    const res = await api('reporter').get('/reports/mine?per_page=10&page=3').expect(200);
    expect(res.body).toMatchObject({ total: 29, page: 3, per_page: 10 });
    expect(ids(res.body.items)).toEqual([...rejected].reverse().slice(18, 27));
    const first = await api('reporter').get('/reports/mine').expect(200);
    expect([first.body.items.length, first.body.per_page]).toEqual([29, 50]);
    expect(first.body.items[0]).toMatchObject({ id: fixed, status: 'fixed', table: 'staff_basic', field: 'name' });
  });

  it('filters by status and table; an unknown status is a 422 naming it', async () => {
    expect(ids((await api('reporter').get('/reports/mine?status=open').expect(200)).body.items)).toEqual([open]);
    const turnedDown = await api('reporter').get('/reports/mine?status=rejected&per_page=5').expect(200);
    expect([turnedDown.body.total, turnedDown.body.items.length]).toEqual([27, 5]);
    expect((await api('reporter').get('/reports/mine?table=org_unit').expect(200)).body).toMatchObject({ items: [], total: 0 });
    const bad = await api('reporter').get('/reports/mine?status=lost').expect(422);
    expect(bad.body.fields.status).toBe(
      '未知的状态：lost（可选 active, triage, rejected, open, acknowledged, fixed, resolved, closed, withdrawn）',
    );
  });

  it('still shows nobody else’s reports', async () => {
    expect((await api('reporter2').get('/reports/mine').expect(200)).body).toMatchObject({ items: [], total: 0 });
  });
});

describe('triage queue', () => {
  it('pages 25 at a time, oldest first, and filters by table', async () => {
    const staff = await insertReports(world.people.reporter2.id, 20, { status: 'triage' });
    const students = await insertReports(world.people.reporter2.id, 10, {
      status: 'triage',
      table_name: 'student_status',
      field_name: 'grade',
      record_key: JSON.stringify({ student_no: '2024000001' }),
      department_code: 'STU',
    });
    const s = await signIn(world.app, world.people.office.login, world.people.office.password);
    const first = await s.agent.get('/reports/triage').expect(200);
    // Inserted with earlier times, but the queue is in filing order (id).
    expect(linked(first.text)).toEqual([...staff, ...students].slice(0, 25));
    expect(first.text).toContain('第 1 / 2 页，共 30 条');
    const second = await s.agent.get('/reports/triage?page=2').expect(200);
    expect(linked(second.text)).toEqual(students.slice(5));
    const byTable = await s.agent.get('/reports/triage?table=student_status').expect(200);
    expect(linked(byTable.text)).toEqual(students);
    expect(byTable.text).toContain('<option value="student_status" selected>');
  });
});
