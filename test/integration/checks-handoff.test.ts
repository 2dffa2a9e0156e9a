import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { recover } from '../../jobs/check-hub';
import type { CheckResult } from '../../rules/types';
import type { AppContext } from '../../server/context';
import { openPostgres } from '../../server/db/connect';
import { createCalendar } from '../../server/services/calendar';
import { importCatalog, loadCurrentCatalog } from '../../server/services/catalog/repository';
import { checkRunnerDeps } from '../../server/services/checks/deps';
import { handOffInterruptedOutcomes, markTicketsApplied } from '../../server/services/checks/handoff';
import { CheckRunnerDeps, runNow, TableResultsHandoff } from '../../server/services/checks/runs';
import { notifierFromConfig } from '../../server/services/notifications';
import { applyCheckResults, StoredOutcome } from '../../server/services/tickets/apply';
import { buildUser } from '../factories';
import { createTestApp, TestApp } from '../helpers/app';
import { usingRealPostgres } from '../helpers/database';

/**
 * A table's results are stored in one transaction and handed to the ticket service after it. An
 * instance that dies or loses the database in between must not lose the hand-off: recovery (or the
 * table's next run, before its own) applies the stored results, and applying them again — on several
 * instances at once, or after a crash half-way — files, changes, records and notifies each thing once.
 *
 * The cut is a hand-off that throws a lost-connection error (what the run sees when PostgreSQL goes
 * away) after applying part of the results: our code's seam, not the database's behaviour. The fault
 * test test/faults/kill-during-handoff.test.ts kills a real instance at that point.
 */
const CATALOG = `
calendar: { timezone: Asia/Shanghai }
departments:
  - { code: HR, name: 人事处, stewards: [hr-steward@example.edu.cn] }
  - { code: ITC, name: 信息中心 }
tables:
  - name: staff
    title: 教职工
    department: HR
    sharing: conditional
    key: [staff_no]
    fields:
      - { name: staff_no, title: 职工号 }
      - { name: name, title: 姓名, required: true, severity: high }
      - { name: mobile, title: 手机号, validate: cn_mobile, severity: high }
      - { name: email, title: 电子邮箱, validate: email }
  - name: units
    title: 单位
    department: HR
    sharing: universal
    key: [unit_code]
    fields:
      - { name: unit_code, title: 单位号, required: true }
  - name: rooms
    title: 房间
    department: HR
    sharing: universal
    key: [room_no]
    fields:
      - { name: room_no, title: 房间号 }
      - { name: building, title: 楼宇, required: true, severity: high }
`;

function connectionLost(): Error {
  return Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
}

describe('the hand-off of stored check results to tickets', () => {
  let t: TestApp;
  let db: Knex;
  let outbox: string;
  const pools: Knex[] = [];

  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubwatch-handoff-'));
    outbox = path.join(dataDir, 'outbox');
    t = await createTestApp({ DATA_DIR: dataDir });
    db = t.db.knex;
    await db.raw('create table staff (staff_no text, name text, mobile text, email text)');
    await db.raw(`insert into staff values
      ('S1', '甲', '13800138000', 'a@example.edu.cn'),
      ('S2', null, '13800138001', 'b@example.edu.cn'),
      ('S3', '丙', '12345', 'c@example.edu.cn'),
      ('S4', '丁', '13800138003', 'not-an-email')`);
    await db.raw('create table units (unit_code text)');
    await db.raw(`insert into units values ('U1')`);
    await db.raw('create table rooms (room_no text, building text)');
    await db.raw(`insert into rooms values ('R1', 'A'), ('R2', null)`);
    expect((await importCatalog(db, CATALOG)).ok).toBe(true);
    await buildUser(db, { department: 'HR', roles: ['steward'], login: 'hr-steward' });
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.destroy()));
    await t.close();
    fs.rmSync(path.dirname(outbox), { recursive: true, force: true });
  });

  /** An instance of its own: on PostgreSQL its own connection pool, as a separate process would have. */
  function instance(extra: Partial<CheckRunnerDeps> = {}): CheckRunnerDeps {
    if (!usingRealPostgres()) return checkRunnerDeps(t.ctx, extra);
    const knex = openPostgres({ url: t.db.url!, poolMax: 4 }).knex;
    pools.push(knex);
    const ctx: AppContext = { ...t.ctx, db: knex, hub: { ...t.ctx.hub, knex } };
    return checkRunnerDeps(ctx, extra);
  }

  const emails = () => (fs.existsSync(outbox) ? fs.readdirSync(outbox).filter((f) => f.endsWith('.eml')) : []);
  const notices = () => db('notifications').where({ kind: 'ticket.new_high' }).orderBy('id').select('title', 'body');

  /** Everything applying results may change, to compare before and after applying them again. */
  async function state() {
    return {
      tickets: await db('tickets')
        .orderBy('id')
        .select('id', 'status', 'version', 'occurrences', 'violations', 'last_seen', 'last_run_id', 'resolved_at', 'reopened'),
      events: await db('ticket_events').orderBy('id').select('id', 'ticket_id', 'kind'),
      audit: Number((await db('audit_log').count({ n: '*' }))[0].n),
      notices: await notices(),
      emails: emails().length,
    };
  }

  const storedResults = async (runId: number, table: string): Promise<CheckResult[]> =>
    (await db('check_results').where({ run_id: runId, table_name: table }).orderBy('id')).map((r) => ({
      check: r.check_kind,
      department: r.department_code,
      table: r.table_name,
      field: r.field_name,
      passed: r.passed,
      violations: r.violations,
      checkedRows: r.checked_rows,
      sampleKeys: r.sample_keys,
      severity: r.severity,
    }));
  const storedAt = (runId: number, table: string) =>
    db('check_run_tables').where({ run_id: runId, table_name: table }).first('tickets_applied_at');
  const eventsOf = async (table: string) =>
    db('ticket_events as e')
      .join('tickets as t', 't.id', 'e.ticket_id')
      .where('t.table_name', table)
      .orderBy('e.id')
      .select('t.field_name', 'e.kind', db.raw(`e.details->>'runId' as run_id`));

  it('files the tickets of a hand-off cut half-way once, with one notice, when two instances recover at once', async () => {
    const notifier = notifierFromConfig(db, t.ctx.config, t.ctx.logger);
    // The run applies the first failing result of staff, then loses the database: no notice sent,
    // the outcome not recorded as applied.
    const cut = instance({
      onTableResults: async (h: TableResultsHandoff) => {
        const first = h.results.filter((r) => !r.passed).slice(0, 1);
        await applyCheckResults(db, { ...h, results: first, notifier, stored: { markApplied: async () => false } });
        throw connectionLost();
      },
    });
    const summary = await runNow(cut, {
      trigger: 'schedule',
      slotKey: 'check-hub:2026-11-22T02:00:00.000Z',
      scope: ['staff', 'units'],
    });
    expect(summary.status).toBe('interrupted');
    const runId = summary.runId;
    expect((await db('check_runs').where({ id: runId }).first()).status).toBe('interrupted');
    expect(await storedAt(runId, 'staff')).toEqual({ tickets_applied_at: null });
    expect(await db('check_run_tables').where({ run_id: runId, table_name: 'units' }).first()).toBeUndefined();
    expect(await db('tickets').pluck('field_name')).toHaveLength(1);
    expect(await notices()).toEqual([]);

    // Two instances recover at the same moment.
    await Promise.all([recover(instance(), { staleAfterMs: 120_000 }), recover(instance(), { staleAfterMs: 120_000 })]);

    // Every failing check of staff has its ticket, filed once, by the cut run (its check time).
    const tickets = await db('tickets')
      .where({ table_name: 'staff' })
      .orderBy('field_name')
      .select('field_name', 'check_kind', 'status', 'severity', 'violations', 'occurrences', 'last_run_id');
    expect(tickets).toEqual([
      {
        field_name: 'email',
        check_kind: 'validate',
        status: 'open',
        severity: 'medium',
        violations: 1,
        occurrences: 1,
        last_run_id: String(runId),
      },
      {
        field_name: 'mobile',
        check_kind: 'validate',
        status: 'open',
        severity: 'high',
        violations: 1,
        occurrences: 1,
        last_run_id: String(runId),
      },
      {
        field_name: 'name',
        check_kind: 'required',
        status: 'open',
        severity: 'high',
        violations: 1,
        occurrences: 1,
        last_run_id: String(runId),
      },
    ]);
    const events = await eventsOf('staff');
    expect(events.map((e) => `${e.field_name}:${e.kind}:${e.run_id}`).sort()).toEqual([
      `email:filed:${runId}`,
      `mobile:filed:${runId}`,
      `name:filed:${runId}`,
    ]);
    expect(await db('audit_log').where({ action: 'ticket.file' }).count({ n: '*' })).toEqual([{ n: 3 }]);
    // One notice for the department's two new high-severity tickets (the one filed before the cut
    // included), to the steward's inbox and by e-mail, as the uninterrupted run would have sent.
    const sent = await notices();
    expect(sent).toHaveLength(1);
    expect(sent[0].title).toBe('【数据质量】2 个高严重度问题待整改');
    expect(sent[0].body).toContain('教职工·姓名');
    expect(sent[0].body).toContain('教职工·手机号');
    expect(emails()).toHaveLength(1);
    expect((await storedAt(runId, 'staff'))!.tickets_applied_at).toBeInstanceOf(Date);

    // The tables the cut run had not reached were re-run (once), and handed off as usual.
    const reruns = await db('check_runs').where({ rerun_of: runId }).select('status', 'scope', 'id');
    expect(reruns).toHaveLength(1);
    expect(reruns[0]).toMatchObject({ status: 'completed', scope: ['units'] });
    expect((await storedAt(reruns[0].id, 'units'))!.tickets_applied_at).toBeInstanceOf(Date);

    // Applied again afterwards — a slower instance, a later recovery tick, the ticket service called
    // with the same stored results — it changes nothing: no ticket, event, audit row, notice or e-mail
    // more, no ticket touched.
    const before = await state();
    expect(await Promise.all([handOffInterruptedOutcomes(instance()), handOffInterruptedOutcomes(instance())])).toEqual([0, 0]);
    const again = await applyCheckResults(db, {
      runId,
      results: await storedResults(runId, 'staff'),
      catalog: (await loadCurrentCatalog(db))!.catalog,
      calendar: createCalendar((await loadCurrentCatalog(db))!.catalog.calendar),
      now: new Date(),
      notifier,
      stored: { markApplied: () => markTicketsApplied(db, runId, 'staff') },
    });
    expect(again).toEqual({ filed: [], updated: [], reopened: [], resolved: [] });
    expect(await state()).toEqual(before);
  });

  it('lets the table’s next run hand an interrupted outcome over before its own, as if nothing had happened', async () => {
    // A run stores rooms (R2 has no building) and dies before any ticket.
    const dead = instance({
      onTableResults: async () => {
        throw connectionLost();
      },
    });
    const a = (await runNow(dead, { trigger: 'manual', scope: ['rooms'] })).runId;
    expect(await db('tickets').where({ table_name: 'rooms' })).toEqual([]);

    // The data is fixed, and the next run of rooms comes before any recovery tick.
    await db('rooms').where({ room_no: 'R2' }).update({ building: 'B' });
    const noticesBefore = (await notices()).length;
    const b = (await runNow(instance(), { trigger: 'manual', scope: ['rooms'] })).runId;

    // The interrupted run's results went first (ticket filed, department told), then the new ones
    // (resolved), both recorded as handed off.
    const [ticket] = await db('tickets').where({ table_name: 'rooms' });
    expect(ticket).toMatchObject({ field_name: 'building', status: 'resolved', last_run_id: String(b), occurrences: 1 });
    expect((await eventsOf('rooms')).map((e) => `${e.kind}:${e.run_id}`)).toEqual([`filed:${a}`, `transition:${b}`]);
    const sent = (await notices()).slice(noticesBefore);
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toContain('房间·楼宇');
    expect((await storedAt(a, 'rooms'))!.tickets_applied_at).toBeInstanceOf(Date);
    expect((await storedAt(b, 'rooms'))!.tickets_applied_at).toBeInstanceOf(Date);

    // Recovery finds nothing left to do.
    const before = await state();
    await recover(instance(), { staleAfterMs: 120_000 });
    expect(await state()).toEqual(before);

    // Older results never overwrite newer ones: pending again, the interrupted run's outcome is left
    // out (a later one was applied) and recorded as handed off; and applied anyway, through the
    // ticket service, it changes no ticket (each was last changed by the later outcome).
    await db('check_run_tables').where({ run_id: a, table_name: 'rooms' }).update({ tickets_applied_at: null });
    await handOffInterruptedOutcomes(instance());
    expect(await state()).toEqual(before);
    expect((await storedAt(a, 'rooms'))!.tickets_applied_at).toBeInstanceOf(Date);
    const catalog = (await loadCurrentCatalog(db))!.catalog;
    const results = await storedResults(a, 'rooms');
    expect(results.filter((r) => !r.passed).map((r) => r.field)).toEqual(['building']);
    const forced = await applyCheckResults(db, {
      runId: a,
      results,
      catalog,
      calendar: createCalendar(catalog.calendar),
      now: new Date(),
      notifier: notifierFromConfig(db, t.ctx.config, t.ctx.logger),
      stored: { markApplied: () => markTicketsApplied(db, a, 'rooms') },
    });
    expect(forced).toEqual({ filed: [], updated: [], reopened: [], resolved: [] });
    expect(await state()).toEqual(before);
  });

  it('makes every kind of ticket change once when the same stored results are applied twice', async () => {
    // Results of made-up runs (no stored rows), applied directly: filing, an update with new
    // violations, resolution, reopening, and a failure on a closed ticket.
    const catalog = (await loadCurrentCatalog(db))!.catalog;
    const calendar = createCalendar(catalog.calendar);
    const notifier = notifierFromConfig(db, t.ctx.config, t.ctx.logger);
    const result = (violations: number): CheckResult => ({
      check: 'required',
      department: 'HR',
      table: 'units',
      field: 'unit_code',
      passed: violations === 0,
      violations,
      checkedRows: 10,
      sampleKeys: violations ? [{ unit_code: 'U9' }] : [],
      severity: 'high',
    });
    /** What the check runner's mark does: true for the first application only. */
    const once = (): StoredOutcome => {
      let marked = false;
      return { markApplied: async () => !marked && (marked = true) };
    };
    const base = new Date('2026-11-23T02:00:00Z');
    const steps: [number, number][] = [
      [900001, 2], // filed
      [900002, 3], // updated: violations 2 → 3
      [900003, 0], // resolved
      [900004, 1], // reopened
    ];
    for (const [i, [runId, violations]] of steps.entries()) {
      const stored = once();
      const apply = () =>
        applyCheckResults(db, {
          runId,
          results: [result(violations)],
          catalog,
          calendar,
          now: new Date(base.getTime() + i * 3_600_000),
          notifier,
          stored,
        });
      await apply();
      const after = await state();
      const again = await apply();
      expect(again).toEqual({ filed: [], updated: [], reopened: [], resolved: [] });
      expect(await state()).toEqual(after);
    }
    const [ticket] = await db('tickets').where({ table_name: 'units' });
    expect(ticket).toMatchObject({ status: 'open', violations: 1, occurrences: 3, reopened: 1, last_run_id: '900004' });
    expect((await eventsOf('units')).map((e) => `${e.kind}:${e.run_id}`)).toEqual([
      'filed:900001',
      'updated:900002',
      'transition:900003',
      'reopened:900004',
    ]);
    // Filing and reopening a high-severity ticket: one notice each.
    const unitNotices = (await notices()).filter((n) => n.body.includes('单位·单位号'));
    expect(unitNotices).toHaveLength(2);

    // A closed ticket that keeps failing counts the occurrence once per run.
    await db('tickets')
      .where({ id: ticket.id })
      .update({ status: 'closed', closed_reason: '测试', version: ticket.version + 1 });
    const stored = once();
    const apply = () =>
      applyCheckResults(db, {
        runId: 900005,
        results: [result(1)],
        catalog,
        calendar,
        now: new Date(base.getTime() + 5 * 3_600_000),
        stored,
      });
    await apply();
    await apply();
    expect(await db('tickets').where({ id: ticket.id }).first('status', 'occurrences', 'last_run_id')).toEqual({
      status: 'closed',
      occurrences: 4,
      last_run_id: '900005',
    });
  });
});
