import { checkRunnerDeps } from '../../server/services/checks/deps';
import { runNow } from '../../server/services/checks/runs';
import { parseCatalog } from '../../server/services/catalog/parse';
import { importCatalog } from '../../server/services/catalog/repository';
import { notifierFromConfig } from '../../server/services/notifications';
import { fingerprintOf } from '../../server/services/tickets';
import { buildUser } from '../factories';
import { buildTicket, OWNER_CHANGE_AFTER, OWNER_CHANGE_BEFORE } from '../factories/tickets';
import { createTestApp, TestApp } from '../helpers/app';

/**
 * A catalog import that hands a field to another department, or stops checking one: the active tickets follow
 * (moved to the new owner, or closed by the system), the dry run says so first, and the next check run neither
 * files a duplicate for the new owner nor leaves the moved ticket unresolved.
 */

describe('catalog import and the active tickets of what it changes', () => {
  let t: TestApp;
  const run = () => runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });
  const ticketOf = (field: string) => t.db.knex('tickets').where({ table_name: 'staff', field_name: field }).orderBy('id');

  beforeAll(async () => {
    t = await createTestApp();
    await t.db.knex.schema.createTable('staff', (b) => {
      b.string('staff_no');
      b.string('email');
      b.string('alt_email');
    });
    await t.db.knex('staff').insert([
      { staff_no: '10000001', email: 'a@example.edu.cn', alt_email: 'a2@example.edu.cn' },
      { staff_no: '10000002', email: 'not-an-email', alt_email: 'also-not' },
    ]);
    expect((await importCatalog(t.db.knex, OWNER_CHANGE_BEFORE)).ok).toBe(true);
    await buildUser(t.db.knex, { department: 'ACA', roles: ['steward'], login: 'aca_steward' });
    await buildUser(t.db.knex, { department: 'HR', roles: ['steward'], login: 'hr_steward' });
    await run();
    const [email] = await ticketOf('email');
    const [alt] = await ticketOf('alt_email');
    expect([email, alt].map((x) => [x.department_code, x.status])).toEqual([
      ['HR', 'open'],
      ['HR', 'open'],
    ]);
    // HR said it was on the email one: the new department starts from open, as with the office's reassignment.
    await t.db.knex('tickets').where({ id: email.id }).update({ status: 'acknowledged' });
  });
  afterAll(() => t.close());

  it('the dry run says how many tickets move to which department and how many close, and changes nothing', async () => {
    const before = await t.db.knex('tickets').orderBy('id');
    const versions = await t.db.knex('catalog_versions').count({ n: '*' }).first();
    const result = await importCatalog(t.db.knex, OWNER_CHANGE_AFTER, { dryRun: true });
    expect(result.ok).toBe(true);
    expect(result.summary.tickets).toEqual({ moved: [{ department: 'ACA', count: 1 }], closed: 1, duplicates: 0 });
    expect(await t.db.knex('tickets').orderBy('id')).toEqual(before);
    expect(await t.db.knex('catalog_versions').count({ n: '*' }).first()).toEqual(versions);
  });

  it('the import moves the ticket to the new owner (fingerprint, history, notices) and closes the one no longer checked', async () => {
    const result = await importCatalog(t.db.knex, OWNER_CHANGE_AFTER, {
      notifier: notifierFromConfig(t.db.knex, t.ctx.config, t.ctx.logger),
    });
    expect(result.ok).toBe(true);
    expect(result.summary.tickets).toEqual({ moved: [{ department: 'ACA', count: 1 }], closed: 1, duplicates: 0 });

    const [email] = await ticketOf('email');
    expect(email).toMatchObject({
      department_code: 'ACA',
      fingerprint_department: 'ACA',
      fingerprint: fingerprintOf({ check: 'validate', table: 'staff', field: 'email', department: 'ACA' }),
      status: 'open',
    });
    const moved = await t.db.knex('ticket_events').where({ ticket_id: email.id, kind: 'reassigned' });
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ actor_user_id: null, from_status: 'acknowledged', to_status: 'open' });
    expect(moved[0].details).toMatchObject({
      reason: 'catalog_owner_changed',
      from_department: 'HR',
      to_department: 'ACA',
      catalog_version: result.versionId,
    });
    const told = await t.db.knex('notifications').whereIn('kind', ['ticket.reassigned_in', 'ticket.reassigned_out']);
    expect(told.map((n) => n.kind).sort()).toEqual(['ticket.reassigned_in', 'ticket.reassigned_out']);

    const [alt] = await ticketOf('alt_email');
    expect(alt).toMatchObject({ status: 'closed', department_code: 'HR' });
    expect(alt.closed_reason).toContain('数据目录已不再检查此项');
    expect(alt.resolved_at).not.toBeNull();
    const closed = await t.db.knex('ticket_events').where({ ticket_id: alt.id, kind: 'transition', to_status: 'closed' });
    expect(closed).toHaveLength(1);
    expect(closed[0].details).toMatchObject({ reason: 'catalog_dropped', catalog_version: result.versionId });

    // The same file again: nothing left to move or close.
    expect((await importCatalog(t.db.knex, OWNER_CHANGE_AFTER)).summary.tickets).toEqual({ moved: [], closed: 0, duplicates: 0 });
  });

  it('the next run updates the moved ticket instead of filing a duplicate, and resolves it once the data is fixed', async () => {
    await run();
    const tickets = await ticketOf('email');
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ department_code: 'ACA', status: 'open', occurrences: 2 });
    expect(await ticketOf('alt_email')).toHaveLength(1);

    await t.db.knex('staff').where({ staff_no: '10000002' }).update({ email: 'b@example.edu.cn' });
    await run();
    const fixed = await ticketOf('email');
    expect(fixed).toHaveLength(1);
    expect(fixed[0].status).toBe('resolved');
  });

  it('closes a ticket an older import left under the previous owner as a duplicate of the new owner’s, and keeps that one', async () => {
    // The state an import before tickets followed the catalog left: HR's ticket on 电子邮箱 still active under HR's
    // fingerprint, and ACA's own ticket for the same check, filed by a run after the catalog gave ACA the field.
    const { catalog: v2 } = parseCatalog(OWNER_CHANGE_AFTER);
    const now = new Date();
    const result = (department: string) => ({
      check: 'validate' as const,
      table: 'staff',
      field: 'email',
      department,
      violations: 1,
      checkedRows: 2,
      sampleKeys: [{ staff_no: '10000002' }],
    });
    const kept = await buildTicket(t.db.knex, v2!, now, result('ACA'));
    const left = await buildTicket(t.db.knex, v2!, now, result('HR'));
    expect([kept.department_code, kept.status]).toEqual(['ACA', 'open']);
    expect([left.department_code, left.status, left.fingerprint_department]).toEqual(['HR', 'open', 'HR']);
    const keptBefore = await t.db.knex('tickets').where({ id: kept.id }).first();

    const dry = await importCatalog(t.db.knex, OWNER_CHANGE_AFTER, { dryRun: true });
    expect(dry.summary.tickets).toEqual({ moved: [], closed: 0, duplicates: 1 });
    expect((await t.db.knex('tickets').where({ id: left.id }).first()).status).toBe('open');

    const imported = await importCatalog(t.db.knex, OWNER_CHANGE_AFTER);
    expect(imported.summary.tickets).toEqual({ moved: [], closed: 0, duplicates: 1 });
    const closed = await t.db.knex('tickets').where({ id: left.id }).first();
    expect(closed).toMatchObject({ status: 'closed', department_code: 'HR' });
    expect(closed.closed_reason).toContain(`与工单 #${kept.id} 重复`);
    expect(closed.closed_reason).toContain(`duplicate of ticket #${kept.id}`);
    expect(closed.resolved_at).not.toBeNull();
    const events = await t.db.knex('ticket_events').where({ ticket_id: left.id, kind: 'transition', to_status: 'closed' });
    expect(events).toHaveLength(1);
    expect(events[0].details).toMatchObject({
      reason: 'catalog_duplicate',
      duplicate_of: kept.id,
      catalog_version: imported.versionId,
    });
    // The new owner's ticket is the one that stays, untouched.
    expect(await t.db.knex('tickets').where({ id: kept.id }).first()).toEqual(keptBefore);
    expect((await importCatalog(t.db.knex, OWNER_CHANGE_AFTER)).summary.tickets).toEqual({ moved: [], closed: 0, duplicates: 0 });
  });
});
