import { buildUser } from '../factories';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * Bulk acknowledge (签收所选工单): nothing chosen asks to choose (nothing changed); a ticket already
 * acknowledged is said so (nothing changed), apart from those skipped because the user may not
 * acknowledge them or their status does not allow it; in both languages.
 */
const catalog = exampleCatalog();
const T0 = new Date('2026-09-30T02:00:00Z');

let t: TestApp;
let steward: { login: string; password: string };
type Session = Awaited<ReturnType<typeof signIn>>;

const flashOf = (html: string) => /<div class="flash flash-(\w+)"[^>]*>([^<]*)<\/div>/.exec(html)?.slice(1);

async function acknowledge(s: Session, ids: number[], lang?: 'en') {
  const body = [`_csrf=${encodeURIComponent(s.csrf)}`, ...ids.map((id) => `ids=${id}`), 'back=%2Ftickets%3Fstatus%3Dactive'].join(
    '&',
  );
  const post = s.agent.post('/tickets/acknowledge').type('form');
  if (lang) post.set('Accept-Language', 'en');
  const res = await post.send(body);
  expect([res.status, res.headers.location]).toEqual([302, '/tickets?status=active']);
  const page = s.agent.get(res.headers.location);
  if (lang) page.set('Accept-Language', 'en');
  return flashOf((await page).text);
}

const statuses = async (ids: number[]) =>
  Promise.all(ids.map(async (id) => (await t.db.knex('tickets').where({ id }).first()).status as string));
const events = async () => Number((await t.db.knex('ticket_events').count({ n: '*' }))[0].n);

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => new Date('2026-10-01T02:00:00Z');
  await seedCatalogDepartments(t.db.knex, catalog);
  steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
});
afterAll(() => t.close());

describe('POST /tickets/acknowledge', () => {
  it('with no ticket chosen asks to choose one, changing nothing', async () => {
    const open = await buildTicket(t.db.knex, catalog, T0, { field: 'name' });
    const s = await signIn(t.app, steward.login, steward.password);
    const before = await events();
    expect(await acknowledge(s, [])).toEqual(['error', '请至少选择一个工单，再点“签收所选工单”；未作任何改动']);
    expect(await acknowledge(s, [], 'en')).toEqual([
      'error',
      'Choose at least one ticket, then “Acknowledge selected”; nothing was changed',
    ]);
    expect(await events()).toBe(before);
    expect(await statuses([open.id])).toEqual(['open']);
  });

  it('refuses more tickets than a page lists (200), naming the limit, changing nothing', async () => {
    const open = await buildTicket(t.db.knex, catalog, T0, { field: 'email' });
    const s = await signIn(t.app, steward.login, steward.password);
    const before = await events();
    const many = [open.id, ...Array.from({ length: 200 }, (_, i) => 1_000_000 + i)];
    expect(await acknowledge(s, many)).toEqual(['error', '一次最多签收 200 个工单（本次选了 201 个），请分批签收；未作任何改动']);
    expect(await events()).toBe(before);
    expect(await statuses([open.id])).toEqual(['open']);
    // The same id twice counts once: 200 distinct tickets are taken.
    expect((await acknowledge(s, [...many.slice(0, 200), open.id]))?.[0]).not.toBe('error');
    expect(await statuses([open.id])).toEqual(['acknowledged']);
  });

  it('reports tickets already acknowledged apart from the skipped ones', async () => {
    const db = t.db.knex;
    const fresh = await buildTicket(db, catalog, T0, { field: 'gender' });
    const acked = await buildTicket(db, catalog, T0, { field: 'birth_date' });
    await db('tickets').where({ id: acked.id }).update({ status: 'acknowledged' });
    const fixed = await buildTicket(db, catalog, T0, { field: 'staff_no' });
    await db('tickets').where({ id: fixed.id }).update({ status: 'fixed' });
    const other = await buildTicket(db, catalog, T0, {
      table: 'student_status',
      field: 'id_card',
      department: 'STU',
      check: 'validate',
    });
    const s = await signIn(t.app, steward.login, steward.password);

    expect(await acknowledge(s, [fresh.id, acked.id, fixed.id, other.id])).toEqual([
      'info',
      `已签收 1 个工单；1 个工单此前已签收（#${acked.id}），本次未作改动；跳过 2 个工单（无权操作，或当前状态不能签收）`,
    ]);
    expect(await statuses([fresh.id, acked.id, fixed.id, other.id])).toEqual(['acknowledged', 'acknowledged', 'fixed', 'open']);

    // Sent again (a double click): every ticket is already acknowledged, nothing changed.
    const before = await events();
    expect(await acknowledge(s, [fresh.id, acked.id], 'en')).toEqual([
      'info',
      `2 tickets already acknowledged (#${fresh.id}, #${acked.id}), nothing was changed`,
    ]);
    expect(await events()).toBe(before);
  });

  it('says only what was done when every ticket was acknowledged', async () => {
    const a = await buildTicket(t.db.knex, catalog, T0, { field: 'mobile' });
    const s = await signIn(t.app, steward.login, steward.password);
    expect(await acknowledge(s, [a.id, a.id], 'en')).toEqual(['success', 'Acknowledged 1 ticket']);
  });

  it('offers the checkboxes and the button only to someone who can tick a row', async () => {
    await buildTicket(t.db.knex, catalog, T0, { field: 'title_rank' });
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const s = await signIn(t.app, steward.login, steward.password);
    const own = (await s.agent.get('/tickets').expect(200)).text;
    expect(own).toContain('id="ticket-select-all"');
    expect(own).toContain('action="/tickets/acknowledge"');
    expect(own).toContain('签收所选工单');
    const o = await signIn(t.app, office.login, office.password);
    const all = (await o.agent.get('/tickets?view=all').expect(200)).text;
    expect(all).not.toContain('id="ticket-select-all"');
    expect(all).not.toContain('签收所选工单');
  });
});
