import { escalateOverdueTickets } from '../../server/services/tickets/deadlines';
import { buildUser } from '../factories';
import { buildTicket, exampleCalendar, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

const catalog = exampleCatalog();
/** Filed Wednesday 2026-09-30: medium, due 2026-10-13 (5 working days); escalated on 2026-10-14. */
const T0 = new Date('2026-09-30T02:00:00Z');
const ESCALATED = new Date('2026-10-14T00:30:00Z');

/**
 * 已督办 says the IT office is supervising an overdue ticket: the 已督办 view lists the escalated tickets still worked.
 * A resolved or closed ticket kept the red 已督办 badge on its page and in the list of every status, while that view
 * left it out — as if still under supervision. It now reads 曾督办 (a plain tag: history, as the ticket's history
 * records the escalation), and the badge stays for the tickets the view lists.
 */
describe('an escalated ticket once settled', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof buildUser>>;
  beforeAll(async () => {
    t = await createTestApp();
    t.ctx.now = () => new Date('2026-10-15T02:00:00Z');
    await seedCatalogDepartments(t.db.knex, catalog);
    office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
  });
  afterAll(() => t.close());

  /** The list row of ticket `id` (its message cell), or null when not listed. */
  const row = (page: string, id: number) => {
    const start = page.indexOf(`<td><a href="/tickets/${id}">#${id}</a></td>`);
    return start < 0 ? null : page.slice(start, page.indexOf('</tr>', start));
  };
  const badges = (html: string) => html.slice(html.indexOf('<p>'), html.indexOf('</p>', html.indexOf('<p>')));

  it('shows 已督办 while worked, 曾督办 once closed or resolved, as the escalated view lists them', async () => {
    const db = t.db.knex;
    const closing = await buildTicket(db, catalog, T0, { field: 'gender', check: 'codes', violations: 1 });
    const resolving = await buildTicket(db, catalog, T0, { field: 'mobile', check: 'validate', violations: 2 });
    const worked = await buildTicket(db, catalog, T0, { field: 'id_card', check: 'validate', violations: 3 });
    const escalated = await escalateOverdueTickets(db, { calendar: exampleCalendar(catalog), now: ESCALATED });
    expect(escalated.map((e) => e.id).sort()).toEqual([closing.id, resolving.id, worked.id].sort());

    const { agent, csrf } = await signIn(t.app, office.login, office.password);
    const all = (await agent.get('/tickets?status=all').expect(200)).text;
    for (const id of [closing.id, resolving.id, worked.id]) {
      expect(row(all, id)).toContain('<span class="badge bad">已督办</span>');
    }

    // The office closes one; a passing check resolves another (as the check run writes it).
    const page = (await agent.get(`/tickets/${closing.id}`).expect(200)).text;
    const version = /name="to" value="closed"><input type="hidden" name="version" value="(\d+)"/.exec(page)?.[1];
    expect(version).toBeDefined();
    await agent
      .post(`/tickets/${closing.id}/transition`)
      .type('form')
      .send({ _csrf: csrf, to: 'closed', version, comment: '数据已由人事处另行核实' })
      .expect(302);
    await db('tickets')
      .where({ id: resolving.id })
      .update({ status: 'resolved', resolved_at: new Date('2026-10-15T01:00:00Z') });

    const view = (await agent.get('/tickets?view=escalated').expect(200)).text;
    expect([closing.id, resolving.id, worked.id].map((id) => row(view, id) !== null)).toEqual([false, false, true]);

    const after = (await agent.get('/tickets?status=all').expect(200)).text;
    for (const id of [closing.id, resolving.id]) {
      expect(row(after, id)).not.toContain('>已督办<');
      expect(row(after, id)).toContain(
        '<span class="tag escalated-past" title="逾期时曾上报信息化办公室督办；工单已办结，不再在“已督办”中列出">曾督办</span>',
      );
    }
    expect(row(after, worked.id)).toContain('<span class="badge bad">已督办</span>');

    const closedPage = badges((await agent.get(`/tickets/${closing.id}`).expect(200)).text);
    expect(closedPage).toContain('>曾督办</span>');
    expect(closedPage).not.toContain('>已督办<');
    expect(badges((await agent.get(`/tickets/${worked.id}`).expect(200)).text)).toContain(
      '<span class="badge bad">已督办</span>',
    );

    // In English too.
    await db('users').where({ id: office.id }).update({ locale: 'en' });
    const english = await signIn(t.app, office.login, office.password);
    const en = badges((await english.agent.get(`/tickets/${resolving.id}`).expect(200)).text);
    expect(en).toContain('>Was escalated</span>');
    expect(en).not.toContain('badge bad">Escalated');
    expect(row((await english.agent.get('/tickets?status=all').expect(200)).text, worked.id)).toContain(
      '<span class="badge bad">Escalated</span>',
    );
  });
});
