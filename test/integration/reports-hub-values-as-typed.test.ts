import { reportBody, STAFF, useReportsWorld } from '../factories/reports';

/**
 * The direction isolates (U+2066–U+2069) chat apps put invisibly around pasted text are removed from every text of a
 * body (middleware/body-safety.ts) — but not from what an error report compares with the hub: its record key, the
 * value its reporter saw and the one they suggest. A hub value holding an isolate (pasted into the source system) is a
 * defect worth reporting, and "the hub holds what you saw" must stay true of it.
 */
const world = useReportsWorld({ apiTokens: true });
const ISOLATED = '\u2068群众\u2069';

beforeAll(async () => {
  await world.db('staff_basic').where({ staff_no: STAFF.staff_no }).update({ political_status: ISOLATED });
  await world.db('staff_basic').insert({ ...STAFF, staff_no: '\u20662019\u2069' });
});

const stored = (id: number) =>
  world
    .db('reports')
    .where({ id })
    .first('record_key', 'observed_value', 'suggested_value', 'description', 'hub_found', 'hub_matches');

it('keeps the seen and suggested values as typed, so the hub is found to hold what was seen (API)', async () => {
  const res = await world
    .api('reporter')
    .post(
      '/reports',
      reportBody({
        observed_value: ISOLATED,
        suggested_value: '\u2067中共党员\u2069',
        description: '\u2068多了不可见字符\u2069',
      }),
    )
    .expect(201);
  expect(await stored(res.body.id)).toMatchObject({
    observed_value: ISOLATED,
    suggested_value: '\u2067中共党员\u2069',
    // Free text is still cleaned.
    description: '多了不可见字符',
    hub_found: true,
    hub_matches: true,
  });
});

it('finds a record whose key holds an isolate, from the web form too', async () => {
  const s = await world.as('reporter2');
  const res = await s.agent
    .post('/reports')
    .set('Accept', 'text/html')
    .field('_csrf', s.csrf)
    .field('table', 'staff_basic')
    .field('field', 'political_status')
    .field('record_key[staff_no]', '\u20662019\u2069')
    .field('observed_value', '群众')
    .field('description', '键中有不可见字符')
    .field('action', 'submit');
  expect(res.status).toBe(302);
  const id = Number(/\/reports\/(\d+)/.exec(res.headers.location)![1]);
  expect(await stored(id)).toMatchObject({ record_key: { staff_no: '\u20662019\u2069' }, hub_found: true });
});

it("shows the IT office the hub's value beside whether it was the value the reporter saw", async () => {
  // The hub holds 群众 (with its isolates); the reporter says they saw 共青团员.
  const res = await world
    .api('reporter')
    .post('/reports', reportBody({ observed_value: '共青团员' }))
    .expect(201);
  const page = (await (await world.as('office')).agent.get(`/reports/${res.body.id}`).expect(200)).text;
  const hub = /<dt>提交时中台中的值<\/dt><dd>([\s\S]*?)<\/dd>/.exec(page)?.[1] ?? '';
  expect(hub).toContain('<code>');
  expect(hub).toContain('提交时中台中的值与报告人看到的不一致');
});
