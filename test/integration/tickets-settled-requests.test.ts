import { updateTicket } from '../../server/services/tickets/events';
import { buildUser } from '../factories';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

const catalog = exampleCatalog();
const at = (iso: string) => new Date(iso);

/**
 * 有异议 and 已申请延期 say the IT office has something to decide: the ticket is in the office's ?view=disputed or
 * ?view=extension and counted on its home card. A ticket closed by the office or resolved by a passing run while a
 * dispute or a request for more time waits leaves both (events.ts updateTicket ends them): its page and every list
 * show neither badge — unlike 已督办, which becomes 曾督办 (tickets-escalated-past), nothing of the request is left to
 * describe but its history — and the views, the home card and the API agree. Filed Monday 2026-03-02, asked Tuesday.
 */
describe('a dispute or a request for more time waiting when the ticket is closed or resolved', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    t.ctx.now = () => at('2026-03-03T02:00:00Z');
    await seedCatalogDepartments(t.db.knex, catalog);
  });
  afterAll(() => t.close());

  const row = (page: string, id: number) => {
    const start = page.indexOf(`<td><a href="/tickets/${id}">#${id}</a></td>`);
    return start < 0 ? null : page.slice(start, page.indexOf('</tr>', start));
  };
  const badges = (html: string) => html.slice(html.indexOf('<p>'), html.indexOf('</p>', html.indexOf('<p>')));

  it('leaves no 有异议 or 已申请延期 behind, and the office has nothing left to decide', async () => {
    const db = t.db.knex;
    const steward = await buildUser(db, { department: 'HR', roles: ['steward'] });
    const office = await buildUser(db, { department: 'ITC', roles: ['it_office'] });
    const filed = at('2026-03-02T02:00:00Z');
    const closedDisputed = (await buildTicket(db, catalog, filed, { field: 'staff_no' })).id;
    const resolvedDisputed = (await buildTicket(db, catalog, filed, { field: 'unit_code' })).id;
    const closedAsking = (await buildTicket(db, catalog, filed, { field: 'gender', check: 'codes' })).id;
    const resolvedAsking = (await buildTicket(db, catalog, filed, { field: 'political_status' })).id;
    const disputed = [closedDisputed, resolvedDisputed];
    const asking = [closedAsking, resolvedAsking];

    const hr = await signIn(t.app, steward.login, steward.password);
    for (const id of disputed)
      await hr.agent.post(`/tickets/${id}/dispute`).type('form').send({ _csrf: hr.csrf, reason: '非本单位数据' }).expect(302);
    for (const id of asking)
      await hr.agent
        .post(`/tickets/${id}/extension`)
        .type('form')
        .send({ _csrf: hr.csrf, days: '3', reason: '等待正式文件' })
        .expect(302);

    const it = await signIn(t.app, office.login, office.password);
    const home = async () => (await it.agent.get('/').expect(200)).text;
    const listed = async (view: string) => {
      const page = (await it.agent.get(`/tickets?view=${view}`).expect(200)).text;
      return [...disputed, ...asking].filter((id) => row(page, id) !== null);
    };
    expect(await home()).toContain('2 个异议待决定');
    expect(await home()).toContain('2 个延期申请待决定');
    expect(await listed('disputed')).toEqual(disputed);
    expect(await listed('extension')).toEqual(asking);
    const before = (await it.agent.get('/tickets?status=all').expect(200)).text;
    for (const id of disputed) expect(row(before, id)).toContain('<span class="badge warn">有异议</span>');
    for (const id of asking) expect(row(before, id)).toContain('<span class="badge warn">已申请延期 3 个工作日</span>');

    // The office closes one of each; a passing run resolves the others (as apply.ts writes it).
    for (const id of [closedDisputed, closedAsking])
      await it.agent
        .post(`/tickets/${id}/transition`)
        .type('form')
        .send({ _csrf: it.csrf, to: 'closed', comment: '数据表已撤销' })
        .expect(302);
    const now = at('2026-03-04T02:00:00Z');
    t.ctx.now = () => now;
    for (const id of [resolvedDisputed, resolvedAsking])
      await db.transaction(async (trx) => {
        const current = await trx('tickets').where({ id }).first();
        await updateTicket(trx, current, { status: 'resolved', resolved_at: now }, now);
      });

    expect(await home()).toContain('0 个异议待决定');
    expect(await home()).toContain('0 个延期申请待决定');
    expect(await listed('disputed')).toEqual([]);
    expect(await listed('extension')).toEqual([]);
    const after = (await it.agent.get('/tickets?status=all').expect(200)).text;
    for (const id of [...disputed, ...asking]) {
      expect(row(after, id)).not.toContain('有异议');
      expect(row(after, id)).not.toContain('已申请延期');
      const page = await it.agent.get(`/tickets/${id}`).expect(200);
      expect(badges(page.text)).not.toContain('有异议');
      expect(badges(page.text)).not.toContain('已申请延期');
      // Nothing left for the office to decide on the page either.
      expect(page.text).not.toContain('class="muted dispute-waiting"');
      expect(page.text).not.toContain('class="muted extension-waiting"');
      expect(page.text).not.toContain(`action="/tickets/${id}/extension/grant"`);
      expect(page.text).not.toContain(`action="/tickets/${id}/dispute/dismiss"`);
      const api = await it.agent.get(`/api/v1/tickets/${id}`).expect(200);
      expect(api.body).toMatchObject({ disputed_at: null, extension_requested_at: null, extension_days: null });
    }
  });
});
