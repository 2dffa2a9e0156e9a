import { importCatalog } from '../../server/services/catalog/repository';
import { computeDay, DEFAULT_WEIGHTS } from '../../server/services/scorecards';
import { insertTicket, SCORECARD_CATALOG, seedScorecardCatalog } from '../factories/scorecards';
import { createMigratedTestDatabase, TestDatabase } from '../helpers/database';

/**
 * A check ticket the system closes because a catalog import dropped its check (catalog-change.ts closes it with
 * resolved_at set) was counted by the scorecard as a ticket the department resolved — in tickets_resolved_30d and the
 * median time to resolve (中位解决时长) shown on the scorecard, the API and the exports. Nobody in the department
 * resolved anything.
 */
describe('scorecard: tickets closed by a catalog import', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    await seedScorecardCatalog(db.knex);
  });
  afterAll(async () => {
    await db.close();
  });

  it('are not counted as resolved by the department (median time to resolve)', async () => {
    const k = db.knex;
    const id = await insertTicket(k, {
      department: 'HR',
      check: 'required',
      table: 'payroll',
      status: 'open',
      due: '2026-11-10',
      firstSeen: '2026-11-01T09:00:00+08:00',
    });
    // The IT office imports a catalog without the payroll table: the system closes the ticket.
    const withoutPayroll = SCORECARD_CATALOG.replace(/ {2}- name: payroll[\s\S]*?(?= {2}- name: student)/, '');
    expect(withoutPayroll).not.toContain('payroll');
    const result = await importCatalog(k, withoutPayroll, { now: new Date('2026-11-20T09:00:00+08:00') });
    expect(result.ok).toBe(true);
    const ticket = await k('tickets').where({ id }).first();
    expect(ticket.status).toBe('closed');

    const day = await computeDay(k, { day: '2026-11-20', timezone: 'Asia/Shanghai', weights: DEFAULT_WEIGHTS });
    const hr = day.departments.find((d) => d.department_code === 'HR')!;
    // It read tickets_resolved_30d 1, median_resolve_hours 456 (19 days, the ticket's age when the import closed it).
    expect(hr).toMatchObject({ tickets_resolved_30d: 0, median_resolve_hours: null });
  });
});
