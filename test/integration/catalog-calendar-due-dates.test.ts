import fs from 'node:fs';
import type { CurrentUser } from '../../server/policies';
import { createCalendar } from '../../server/services/calendar';
import { importCatalog } from '../../server/services/catalog/repository';
import { grantExtension, requestExtension } from '../../server/services/tickets';
import { buildUser } from '../factories';
import { buildTicket, EXAMPLE_CATALOG, exampleCatalog } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * Due dates are stored once, counted in working days on the calendar of the day. When the IT office enters the 2027
 * holidays later (chinese-days stops at 2026-10-10), a ticket filed before stayed due on a holiday while one filed
 * after was due a week later. An import that changes the holidays counts the due dates of the tickets departments
 * still work again: the same number of working days from the same start, on the new calendar (an extension granted
 * is kept), with a history row, an audit row and the number moved in the import's result and its dry run.
 */
const EXAMPLE = fs.readFileSync(EXAMPLE_CATALOG, 'utf8');
// The Spring Festival 2027 (02-05 Fri … 02-11 Thu) with the other statutory festivals, and a make-up Saturday.
const HOLIDAYS_2027 =
  '  holidays: [2027-01-01, 2027-02-05, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11, 2027-05-03, 2027-05-01, 2027-10-01]\n  workdays: [2027-02-20]\n';
const WITH_2027 = EXAMPLE.replace(
  'calendar:\n  timezone: Asia/Shanghai\n',
  `calendar:\n  timezone: Asia/Shanghai\n${HOLIDAYS_2027}`,
);

describe('a catalog import that changes the holidays moves the due dates of open tickets', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    expect(WITH_2027).toContain(HOLIDAYS_2027);
    expect((await importCatalog(t.db.knex, EXAMPLE)).ok).toBe(true);
  });
  afterAll(() => t.close());

  it('counts the same working days on the new calendar, keeping an extension; the dry run says so first', async () => {
    const catalog = exampleCatalog();
    const filed = new Date('2027-01-25T02:00:00Z'); // Monday
    // Low: 10 working days, due Monday 2027-02-08 on the plain calendar (the Spring Festival unknown).
    const low = await buildTicket(t.db.knex, catalog, filed, { severity: 'low', field: 'staff_no' });
    expect(low.due_at).toBe('2027-02-08');
    // Medium: 5 working days (due 02-01), 3 more granted: 02-04, before the break: it does not move.
    const medium = await buildTicket(t.db.knex, catalog, filed, { severity: 'medium', field: 'name' });
    expect(medium.due_at).toBe('2027-02-01');
    const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const as = (u: typeof steward, department: string, roles: CurrentUser['roles']): CurrentUser => ({
      id: u.id,
      login: u.login,
      name: u.login,
      department,
      roles,
      locale: null,
    });
    // High: 3 working days (due 01-28), 7 more granted: Monday 02-08.
    const high = await buildTicket(t.db.knex, catalog, filed, { severity: 'high', field: 'gender' });
    expect(high.due_at).toBe('2027-01-28');
    const plain = createCalendar({ timezone: 'Asia/Shanghai', events: [], holidays: [], workdays: [] });
    for (const [ticket, days] of [
      [medium, 3],
      [high, 7],
    ] as const) {
      await requestExtension(t.db.knex, {
        ticketId: ticket.id,
        actor: as(steward, 'HR', ['steward']),
        days,
        reason: '等待正式文件',
        now: new Date('2027-01-26T02:00:00Z'),
      });
      await grantExtension(t.db.knex, {
        ticketId: ticket.id,
        actor: as(office, 'ITC', ['it_office']),
        days,
        calendar: plain,
        now: new Date('2027-01-26T03:00:00Z'),
      });
    }
    const due = async (id: number) => (await t.db.knex('tickets').where({ id }).first('due_at')).due_at as string;
    expect(await due(medium.id)).toBe('2027-02-04');
    expect(await due(high.id)).toBe('2027-02-08');
    // Imported two days after the tickets were filed.
    const importedAt = new Date('2027-01-27T02:00:00Z');

    const dry = await importCatalog(t.db.knex, WITH_2027, { dryRun: true, now: importedAt });
    expect(dry.ok).toBe(true);
    expect(dry.summary.dueDates).toEqual({
      count: 2,
      examples: [
        { id: low.id, from: '2027-02-08', to: '2027-02-15' },
        { id: high.id, from: '2027-02-08', to: '2027-02-15' },
      ],
    });
    expect(await due(low.id)).toBe('2027-02-08');

    const imported = await importCatalog(t.db.knex, WITH_2027, { now: importedAt });
    expect(imported.ok).toBe(true);
    expect(imported.summary.dueDates?.count).toBe(2);
    // Counted as a ticket filed now would be: 10 working days from 01-25 on the new calendar.
    expect(await due(low.id)).toBe('2027-02-15');
    // 3 + 7 working days from 01-25: the granted extension is kept.
    expect(await due(high.id)).toBe('2027-02-15');
    expect(await due(medium.id)).toBe('2027-02-04');

    const history = await t.db.knex('ticket_events').where({ ticket_id: low.id, kind: 'due_moved' });
    expect(history).toHaveLength(1);
    expect(history[0].details).toMatchObject({
      due_at_before: '2027-02-08',
      due_at: '2027-02-15',
      catalog_version: imported.versionId,
    });
    const audit = await t.db.knex('audit_log').where({ action: 'ticket.due_moved', object_id: String(low.id) });
    expect(audit).toHaveLength(1);
    const importAudit = await t.db.knex('audit_log').where({ action: 'catalog.import' }).orderBy('seq', 'desc').first();
    expect(importAudit.summary).toMatchObject({ due_dates_moved: 2 });

    // The ticket page says why the date moved.
    const admin = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const { agent } = await signIn(t.app, admin.login, admin.password);
    const page = (await agent.get(`/tickets/${low.id}`).expect(200)).text;
    expect(page).toContain(
      `数据目录版本 ${imported.versionId} 调整了节假日或调休上班日：整改期限由 2027-02-08 改为 2027-02-15（工作日数不变）`,
    );

    // The same file again changes no calendar: nothing moves.
    const again = await importCatalog(t.db.knex, WITH_2027, { now: importedAt });
    expect(again.summary.dueDates).toEqual({ count: 0, examples: [] });
  });

  it('the import page says how many due dates move, and which', async () => {
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const signedIn = await signIn(t.app, office.login, office.password);
    t.ctx.now = () => new Date('2027-01-27T02:00:00Z');
    // Back to the plain calendar: the two tickets' dates would move back to 02-08.
    const res = await signedIn.agent
      .post('/catalog/import')
      .field('_csrf', signedIn.csrf)
      .field('dry_run', '1')
      .attach('file', Buffer.from(EXAMPLE), 'catalog.yaml')
      .expect(200);
    expect(res.text).toMatch(
      /导入后节假日或调休上班日有变：2 个未结工单的整改期限将按同样的工作日数重新计算：#\d+ 2027-02-15 → 2027-02-08、#\d+ 2027-02-15 → 2027-02-08/,
    );
  });
});
