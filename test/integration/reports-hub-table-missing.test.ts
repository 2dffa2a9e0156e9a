import { reportBody, STAFF, useReportsWorld } from '../factories/reports';

/**
 * A table the catalog lists but the hub lacks (the import warns 中台中没有表), or a column it lacks: the report form's
 * look-up said 暂时无法查询中台 / the hub cannot be asked right now, as if the hub were down for a moment, and so did
 * the confirm step's reading of the hub. Each now says what is missing; the report can still be sent, and the catalog
 * page still offers to report the table (the data user may be reporting exactly that it is missing).
 *
 * The world's hub (the test database) has staff_basic with five columns, and no student_status at all.
 */
const world = useReportsWorld({ apiTokens: true });

async function lookup(fields: Record<string, string>, locale: 'zh-CN' | 'en' = 'zh-CN') {
  const s = await world.as('reporter');
  let req = s.agent.post('/reports').field('_csrf', s.csrf).set('Accept-Language', locale);
  for (const [k, v] of Object.entries({ ...fields, action: 'lookup' })) req = req.field(k, v);
  return (await req.expect(200)).text;
}
/** The look-up panel's text, tags stripped. */
const panel = (html: string) =>
  (/<section class="report-lookup[^>]*>([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
const STUDENT = { table: 'student_status', field: 'name', 'record_key[student_no]': '2024000001' };

it('a table the hub lacks: the look-up says so, not that the hub cannot be asked right now', async () => {
  const zh = await lookup(STUDENT);
  expect(zh).toContain('<section class="report-lookup lookup-table_missing"');
  expect(panel(zh)).toBe('中台当前记录 中台中暂无此表，无法查询。仍可提交报告。');
  expect(panel(await lookup(STUDENT, 'en'))).toBe(
    'The record in the hub The hub has no such table now, so the record cannot be looked up. You can still send the report.',
  );
});

it('a column the hub lacks (the field, or a key column): the look-up says a column is missing', async () => {
  // gender is in the catalog's staff_basic, not in the hub's.
  const zh = await lookup({ table: 'staff_basic', field: 'gender', 'record_key[staff_no]': STAFF.staff_no });
  expect(panel(zh)).toBe('中台当前记录 中台的这张表中缺少查询所需的列（本字段或标识记录的列），无法查询。仍可提交报告。');
});

it('the report is still filed, and the hub recorded as not read', async () => {
  const filed = (
    await world
      .api('reporter')
      .post('/reports', reportBody({ table: 'student_status', field: 'name', record_key: { student_no: '2024000001' } }))
      .expect(201)
  ).body as { id: number };
  expect(await world.db('reports').where({ id: filed.id }).first('hub_found', 'hub_value')).toEqual({
    hub_found: null,
    hub_value: null,
  });
});

it('the catalog page of such a table still offers to report an error in it', async () => {
  const s = await world.as('reporter');
  const page = (await s.agent.get('/catalog/tables/student_status').expect(200)).text;
  expect(page).toContain('<a class="button" href="/reports/new?table=student_status">报告本表数据错误</a>');
});

it('asked to confirm a fix of a table the hub no longer has, the reporter reads that, not a passing outage', async () => {
  const filed = (await world.api('reporter').post('/reports', reportBody()).expect(201)).body as {
    id: number;
    ticket_id: number;
  };
  const org = await world.as('orgSteward');
  await org.agent
    .post(`/reports/tickets/${filed.ticket_id}/answer`)
    .field('_csrf', org.csrf)
    .field('answer', 'fixed')
    .expect(302);
  const hubNow = async (locale: 'zh-CN' | 'en') => {
    const s = await world.as('reporter');
    const html = (await s.agent.get(`/reports/${filed.id}`).set('Accept-Language', locale).expect(200)).text;
    return (/<p class="hub-now">([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '').replace(/\s+/g, ' ').trim();
  };
  await world.db.schema.renameTable('staff_basic', 'staff_basic_away');
  try {
    expect(await hubNow('zh-CN')).toBe('中台中现在没有这张表，无法读取当前值。');
    expect(await hubNow('en')).toBe('The hub has no such table now; its current value cannot be read.');
  } finally {
    await world.db.schema.renameTable('staff_basic_away', 'staff_basic');
  }
});
