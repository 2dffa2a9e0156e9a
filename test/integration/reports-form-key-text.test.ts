import { translator } from '../../server/i18n';
import { useReportsWorld } from '../factories/reports';

/**
 * The report form's key column sent as something other than one text (`record_key[staff_no][a]=1`, a list) is said to
 * take text, next to its input: it was read as the column left empty ("请填写职工号"), which it was not.
 */

const zh = translator('zh-CN');
const en = translator('en');
const escaped = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');

const world = useReportsWorld();

async function postForm(key: [string, string][]) {
  const s = await world.as('reporter');
  let req = s.agent.post('/reports').field('_csrf', s.csrf).set('Accept', 'text/html');
  const fields: [string, string][] = [
    ['table', 'staff_basic'],
    ['field', 'political_status'],
    ...key,
    ['description', '应为中共党员'],
    ['action', 'submit'],
  ];
  for (const [k, v] of fields) req = req.field(k, v);
  return req;
}
const count = async (table: string) => Number((await world.db(table).count({ n: '*' }).first())?.n);
/** The messages beside the form's boxes (each with its id, for the summary at the top to link to). */
const messages = (html: string) =>
  [...html.matchAll(/<p class="field-error" id="report-[\w-]+-error">([^<]*)<\/p>/g)].map((m) => m[1]);
const message = (text: string) => escaped(text);

it.each([
  ['record_key[staff_no][a]=1', [['record_key[staff_no][a]', '1']]],
  ['record_key[staff_no][]=20190001', [['record_key[staff_no][]', '20190001']]],
  [
    'record_key[staff_no] twice',
    [
      ['record_key[staff_no]', '20190001'],
      ['record_key[staff_no]', '20190002'],
    ],
  ],
] as [string, [string, string][]][])('%s: the key column takes text (not "请填写职工号"); nothing filed', async (_label, key) => {
  const before = [await count('reports'), await count('tickets')];
  const res = await postForm(key);
  expect(res.status).toBe(422);
  expect(messages(res.text)).toEqual([message(zh('reports.errors.valueType', { field: 'record_key.staff_no' }))]);
  expect(res.text).not.toContain(zh('reports.errors.keyValueRequired', { column: '职工号' }));
  // The key input comes back empty, not as "[object Object]".
  expect(res.text).toMatch(/name="record_key\[staff_no\]"[^>]* value=""/);
  expect([await count('reports'), await count('tickets')]).toEqual(before);
});

it('the key sent as one text, not by column: said so under the key, in English too', async () => {
  const s = await world.as('reporter');
  await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'en', next: '/' }).expect(302);
  const res = await postForm([['record_key', '20190001']]);
  expect(res.status).toBe(422);
  expect(messages(res.text)).toEqual([message(en('reports.errors.recordKeyType', { expected: 'staff_no' }))]);
  await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'zh-CN', next: '/' }).expect(302);
});
