import { buildUser } from '../factories';
import { applyCheckResults } from '../../server/services/tickets';
import { buildTicket, checkResult, exampleCalendar, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * A ticket resolved by a passing check keeps the count and sample keys it last failed with (the history and the trend
 * say it passed since). Shown bare, "问题记录数 4" on a resolved ticket read as four records still wrong right after the
 * steward fixed them: the list and the page say the count is from when it last failed.
 */
const catalog = exampleCatalog();
const T0 = new Date('2026-09-30T02:00:00Z');
let t: TestApp;
let resolved: number;
let open: number;
let steward: { login: string; password: string };

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => new Date('2026-10-01T02:00:00Z');
  const db = t.db.knex;
  await seedCatalogDepartments(db, catalog);
  resolved = (await buildTicket(db, catalog, T0, { field: 'staff_no', violations: 4 })).id;
  open = (await buildTicket(db, catalog, T0, { field: 'name', check: 'required', violations: 6 })).id;
  // The next run finds staff_no's deadline kept: its ticket is resolved.
  await applyCheckResults(db, {
    runId: 'next',
    results: [checkResult({ field: 'staff_no', passed: true }), checkResult({ field: 'name', check: 'required', violations: 6 })],
    catalog,
    calendar: exampleCalendar(catalog),
    now: new Date('2026-09-30T03:00:00Z'),
  });
  expect((await db('tickets').where({ id: resolved }).first('status')).status).toBe('resolved');
  steward = await buildUser(db, { department: 'HR', roles: ['steward'] });
});
afterAll(() => t.close());

const factsOf = (html: string) => /<dt>问题记录数<\/dt><dd>([\s\S]*?)<\/dd>/.exec(html)?.[1];

it("a resolved ticket's page says its count and sample keys are from when it last failed; an open one's does not", async () => {
  const { agent } = await signIn(t.app, steward.login, steward.password);
  const page = (await agent.get(`/tickets/${resolved}`).expect(200)).text;
  expect(factsOf(page)).toBe('4 / 120<span class="muted">（最后一次未通过时）</span>');
  expect(page).toContain('工单已结束：以下为最后一次未通过时的记录。');
  const openPage = (await agent.get(`/tickets/${open}`).expect(200)).text;
  expect(factsOf(openPage)).toBe('6 / 120');
  expect(openPage).not.toContain('最后一次未通过时');
});

it('the list says it of resolved tickets, in English too', async () => {
  const { agent } = await signIn(t.app, steward.login, steward.password);
  const list = (await agent.get('/tickets?status=resolved').expect(200)).text;
  expect(list).toContain('4<span class="muted">（最后一次未通过时）</span>');
  const en = (await agent.get('/tickets?status=resolved').set('Accept-Language', 'en').expect(200)).text;
  expect(en).toContain('4<span class="muted"> (when it last failed)</span>');
});
