import { reportBody, STAFF, useReportsWorld } from '../factories/reports';

/**
 * A field coded by a national list (政治面貌, GB/T 4762) holds codes in the hub — 13 — while the systems reporters and
 * stewards use show labels — 群众. Wherever a report's page shows the hub's value, the code comes with its label
 * (13（群众）), so the steward fixing the record and the IT office reading the report need no code table beside them.
 */
const world = useReportsWorld({ apiTokens: true });

beforeAll(async () => {
  await world.db('staff_basic').where({ staff_no: STAFF.staff_no }).update({ political_status: '13' });
  // A value the list lacks is shown as it is.
  await world.db('staff_basic').insert({ ...STAFF, staff_no: '20190002', political_status: '99' });
});

/** The look-up panel's text, tags stripped. */
const panel = (html: string) =>
  (/<section class="report-lookup[^>]*>([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

async function lookUp(who: 'office' | 'orgSteward', staffNo: string, lang = 'zh-CN') {
  const s = await world.as(who);
  const res = await s.agent
    .post('/reports')
    .set('Accept', 'text/html')
    .set('Accept-Language', lang)
    .field('_csrf', s.csrf)
    .field('table', 'staff_basic')
    .field('field', 'political_status')
    .field('record_key[staff_no]', staffNo)
    .field('action', 'lookup');
  return panel(res.text);
}

it('the look-up shows the code with its label, in Chinese and in English', async () => {
  expect(await lookUp('orgSteward', STAFF.staff_no)).toContain('13（群众）');
  expect(await lookUp('office', STAFF.staff_no, 'en')).toContain('13 (群众)');
});

it('a value the list lacks is shown as it is', async () => {
  const text = await lookUp('office', '20190002');
  expect(text).toContain('99');
  expect(text).not.toMatch(/99[（(]/);
});

it("the steward's answer page and the IT office's report page show the hub's value kept with the report with its label", async () => {
  const filed = await world
    .api('reporter')
    .post('/reports', reportBody({ observed_value: '群众' }))
    .expect(201);
  const steward = await world.as('orgSteward');
  const answerPage = (await steward.agent.get(`/reports/tickets/${filed.body.ticket_id}`).expect(200)).text;
  expect(answerPage).toContain('<code>13</code>（群众）');
  const office = await world.as('office');
  const reportPage = (await office.agent.get(`/reports/${filed.body.id}`).expect(200)).text;
  expect(/<dt>提交时中台中的值<\/dt><dd>([\s\S]*?)<\/dd>/.exec(reportPage)?.[1]).toContain('<code>13</code>（群众）');
});
