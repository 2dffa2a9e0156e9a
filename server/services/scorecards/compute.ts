import type { Knex } from 'knex';
import { isTableVerdict } from '../../../rules/types';
import { addDays } from '../calendar/dates';
import {
  addCheck,
  checkComponents,
  emptySums,
  scoreOf,
  share,
  type CheckSums,
  type ComponentValues,
  type Weights,
} from './components';

/**
 * What one department measured on one day (the snapshot row without its id), computed from check
 * results, tickets and sharing stages. The definitions are in README.md; this is the only code
 * that decides them.
 */
export interface DepartmentDay extends ComponentValues {
  department_code: string;
  day: string;
  freshness_tables: number;
  freshness_passed: number;
  deadline_violations: number;
  deadline_checked: number;
  validity_violations: number;
  validity_checked: number;
  completeness_violations: number;
  completeness_checked: number;
  tickets_active: number;
  tickets_overdue: number;
  tickets_escalated: number;
  tickets_resolved_30d: number;
  median_resolve_hours: number | null;
  reports_received: number;
  reports_open: number;
  reports_due_30d: number;
  reports_in_time_30d: number;
  sharing_due_30d: number;
  sharing_in_time_30d: number;
  score: number | null;
}

export interface TableDay {
  table_name: string;
  day: string;
  department_code: string;
  fresh: boolean | null;
  hours_since_update: number | null;
  checks: number;
  checks_failed: number;
  /** Records in violation and records checked, over the record-level checks only (not freshness nor custom rules). */
  violations: number;
  checked: number;
}

export interface CheckDay {
  department_code: string;
  day: string;
  table_name: string;
  field_name: string | null;
  check_kind: string;
  passed: boolean;
  violations: number;
  checked_rows: number;
}

export interface ComputedDay {
  departments: DepartmentDay[];
  tables: TableDay[];
  checks: CheckDay[];
}

/** Rolling windows end the day before `day`, so a due date is judged once it has fully passed. */
export const WINDOW_DAYS = 30;
type Db = Knex | Knex.Transaction;

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** [start, end) of `day` in `timezone`, as timestamptz bounds computed by the database. */
async function dayBounds(db: Db, day: string, timezone: string): Promise<{ start: Date; end: Date }> {
  const { rows } = await db.raw(
    `select (?::date)::timestamp at time zone ? as start, (?::date)::timestamp at time zone ? as "end"`,
    [day, timezone, addDays(day, 1), timezone],
  );
  return { start: rows[0].start, end: rows[0].end };
}

/** The day's latest result of every check (table, kind, field). */
async function latestChecks(db: Db, start: Date, end: Date): Promise<CheckDay[]> {
  const { rows } = await db.raw(
    `select distinct on (table_name, check_kind, coalesce(field_name, '')) table_name, field_name, check_kind, department_code, passed, violations, checked_rows
       from check_results where checked_at >= ? and checked_at < ?
      order by table_name, check_kind, coalesce(field_name, ''), checked_at desc, id desc`,
    [start, end],
  );
  return rows.map((r: Record<string, unknown>) => ({
    department_code: r.department_code,
    day: '',
    table_name: r.table_name,
    field_name: r.field_name ?? null,
    check_kind: r.check_kind,
    passed: Boolean(r.passed),
    violations: num(r.violations),
    checked_rows: num(r.checked_rows),
  }));
}

/** Per table: the last outcome of the day (its facts hold hours_since_update). */
async function latestTableFacts(db: Db, start: Date, end: Date): Promise<Map<string, number | null>> {
  const { rows } = await db.raw(
    `select distinct on (table_name) table_name, facts from check_run_tables where finished_at >= ? and finished_at < ? and status = 'ok' order by table_name, finished_at desc`,
    [start, end],
  );
  const out = new Map<string, number | null>();
  for (const r of rows) {
    const facts = typeof r.facts === 'string' ? JSON.parse(r.facts) : r.facts;
    const h = facts?.hours_since_update;
    out.set(r.table_name, typeof h === 'number' ? h : null);
  }
  return out;
}

interface TicketCounts {
  active: number;
  overdue: number;
  escalated: number;
  reports_open: number;
  reports_received: number;
  resolved: number;
  median: number | null;
  reports_due: number;
  reports_in_time: number;
}

/**
 * Ticket counts as they stood at the end of `day`. A ticket is active then if it was filed before
 * the end and is still active, or was resolved (resolved_at) or closed (its last change) after the
 * end. For the day being snapshotted this is exact; replaying an old day does not rebuild reopenings.
 */
async function ticketCounts(db: Db, day: string, start: Date, end: Date, timezone: string): Promise<Map<string, TicketCounts>> {
  const windowStart = new Date(end.getTime() - WINDOW_DAYS * 86_400_000);
  // In turn, not Promise.all: one transaction's connection (see computeDay).
  const state = await db.raw(
    `with t as (
         select department_code, check_kind, due_at, escalated_at, first_seen, disputed_at,
                (status in ('open','acknowledged','fixed') or (status = 'resolved' and resolved_at >= ?) or (status = 'closed' and updated_at >= ?)) as active
           from tickets where first_seen < ?)
       select department_code,
              count(*) filter (where active) as active,
              count(*) filter (where active and due_at < ? and disputed_at is null) as overdue,
              count(*) filter (where active and escalated_at < ?) as escalated,
              count(*) filter (where active and check_kind = 'report') as reports_open,
              count(*) filter (where check_kind = 'report' and first_seen >= ?) as reports_received
         from t group by department_code`,
    [end, end, end, day, end, start],
  );
  // Resolved by the department's work (verified by a check, confirmed by a reporter): not a ticket the system closed
  // because a catalog import dropped its check or made it a duplicate (catalog-change.ts sets resolved_at so that a
  // later failure files a new ticket) — nobody in the department resolved it, and its age would move the median.
  const resolved = await db.raw(
    `select department_code, count(*) as resolved,
              percentile_cont(0.5) within group (order by extract(epoch from (resolved_at - first_seen)) / 3600.0) as median
         from tickets t where resolved_at >= ? and resolved_at < ?
          and coalesce((select e.details->>'reason' from ticket_events e
                         where e.ticket_id = t.id and e.to_status is not null order by e.id desc limit 1), '')
              not in ('catalog_dropped', 'catalog_duplicate')
        group by department_code`,
    [windowStart, end],
  );
  // A report is answered when the department moves it to fixed/resolved/closed, or records an
  // answer event (kind 'answered', should the reports feature add one); the first such moment counts — since the
  // ticket came to the department that has it: a ticket reassigned (by the IT office, or a catalog import changing
  // its owner) sets the previous department's answer aside and is due anew, so only an answer after the latest
  // reassignment counts for the department it counts for.
  // A ticket whose last status change is the system's closing after a withdrawal is not counted at all.
  const reports = await db.raw(
    `select t.department_code, count(*) as due,
              count(*) filter (where ans.at is not null and (ans.at at time zone ?)::date <= t.due_at) as in_time
         from tickets t
         left join lateral (
           select min(e.at) as at from ticket_events e
            where e.ticket_id = t.id and ((e.kind = 'transition' and e.to_status in ('fixed','resolved','closed')) or e.kind = 'answered')
              -- the system's closing after a withdrawal answers nothing (a ticket reopened since is the department's again)
              and coalesce(e.details->>'reason', '') <> 'report_withdrawn'
              and e.id > coalesce((select max(r.id) from ticket_events r where r.ticket_id = t.id and r.kind = 'reassigned'), 0)
         ) ans on true
        where t.check_kind = 'report' and t.due_at >= ? and t.due_at < ?
          -- Closed because its last reporter withdrew before any answer (reports/withdraw.ts): nothing was asked of
          -- the department any more, so the ticket counts neither for nor against it (unless reopened since).
          and coalesce((select e.details->>'reason' from ticket_events e
                         where e.ticket_id = t.id and e.to_status is not null order by e.id desc limit 1), '') <> 'report_withdrawn'
        group by t.department_code`,
    [timezone, addDays(day, -WINDOW_DAYS), day],
  );
  const out = new Map<string, TicketCounts>();
  const get = (code: string) => {
    let c = out.get(code);
    if (!c)
      out.set(
        code,
        (c = {
          active: 0,
          overdue: 0,
          escalated: 0,
          reports_open: 0,
          reports_received: 0,
          resolved: 0,
          median: null,
          reports_due: 0,
          reports_in_time: 0,
        }),
      );
    return c;
  };
  for (const r of state.rows)
    Object.assign(get(r.department_code), {
      active: num(r.active),
      overdue: num(r.overdue),
      escalated: num(r.escalated),
      reports_open: num(r.reports_open),
      reports_received: num(r.reports_received),
    });
  for (const r of resolved.rows)
    Object.assign(get(r.department_code), {
      resolved: num(r.resolved),
      median: r.median === null ? null : Math.round(Number(r.median) * 10) / 10,
    });
  for (const r of reports.rows)
    Object.assign(get(r.department_code), { reports_due: num(r.due), reports_in_time: num(r.in_time) });
  return out;
}

/**
 * Source-department reviews of sharing requests (issue 8) whose 5-working-day due date fell in the
 * window: answered in time when decided on or before `due_on` by the department itself (not by the
 * IT office on its behalf). A review the IT office gave because nobody in the department but the applicant could
 * (on_behalf_reason 'no_other_reviewer') was never the department's to give: not counted. Null when the sharing
 * tables do not exist.
 */
async function sharingCounts(
  db: Db,
  day: string,
  timezone: string,
): Promise<Map<string, { due: number; inTime: number }> | null> {
  if (!(await db.schema.hasTable('sharing_stages'))) return null;
  const { rows } = await db.raw(
    `select department_code, count(*) as due,
            count(*) filter (where decided_at is not null and not on_behalf and status in ('approved','rejected') and (decided_at at time zone ?)::date <= due_on) as in_time
       from sharing_stages
      where kind = 'source' and department_code is not null and due_on >= ? and due_on < ? and status <> 'cancelled'
        and coalesce(on_behalf_reason, '') <> 'no_other_reviewer'
      group by department_code`,
    [timezone, addDays(day, -WINDOW_DAYS), day],
  );
  return new Map(
    rows.map((r: Record<string, unknown>) => [String(r.department_code), { due: num(r.due), inTime: num(r.in_time) }]),
  );
}

export async function computeDay(db: Db, opts: { day: string; timezone: string; weights: Weights }): Promise<ComputedDay> {
  const { day, timezone } = opts;
  const { start, end } = await dayBounds(db, day, timezone);
  // One after another: this runs in the snapshot's transaction, one connection, where concurrent
  // queries only queue inside the driver (pg deprecates it; PGlite has one connection anyway).
  const checks = await latestChecks(db, start, end);
  const facts = await latestTableFacts(db, start, end);
  const tickets = await ticketCounts(db, day, start, end, timezone);
  const sharing = await sharingCounts(db, day, timezone);
  const catalogTables = await db('catalog_tables').select('name', 'department_code', 'active');
  const catalogDepartments = await db('departments').select('code', 'in_catalog');
  for (const c of checks) c.day = day;

  const owner = new Map<string, string>(
    catalogTables.map((t: { name: string; department_code: string }) => [t.name, t.department_code]),
  );
  // Departments of the catalog, and any other that owns tables, checks or tickets (and exists).
  const known = new Set<string>(catalogDepartments.map((d: { code: string }) => d.code));
  const codes = new Set<string>([
    ...catalogDepartments.filter((d: { in_catalog: boolean }) => d.in_catalog).map((d: { code: string }) => d.code),
    ...catalogTables.filter((t: { active: boolean }) => t.active).map((t: { department_code: string }) => t.department_code),
    ...checks.map((c) => c.department_code),
    ...tickets.keys(),
  ]);

  const sums = new Map<string, CheckSums>();
  const sumOf = (code: string) => {
    let s = sums.get(code);
    if (!s) sums.set(code, (s = emptySums()));
    return s;
  };
  const tables = new Map<string, TableDay>();
  for (const c of checks) {
    addCheck(sumOf(c.department_code), c);
    let t = tables.get(c.table_name);
    if (!t) {
      t = {
        table_name: c.table_name,
        day,
        department_code: owner.get(c.table_name) ?? c.department_code,
        fresh: null,
        hours_since_update: facts.get(c.table_name) ?? null,
        checks: 0,
        checks_failed: 0,
        violations: 0,
        checked: 0,
      };
      tables.set(c.table_name, t);
    }
    t.checks += 1;
    if (!c.passed) t.checks_failed += 1;
    // A whole-table verdict's "1 of 1" is no record: counting it made a table failing only those read 0 % compliant.
    if (!isTableVerdict(c.check_kind, c.field_name)) {
      t.violations += c.violations;
      t.checked += c.checked_rows;
    }
    if (c.check_kind === 'freshness') t.fresh = c.passed;
  }

  const departments: DepartmentDay[] = [...codes]
    .filter((code) => known.has(code))
    .sort()
    .map((code) => {
      const s = sums.get(code) ?? emptySums();
      const tk = tickets.get(code);
      const sh = sharing ? (sharing.get(code) ?? { due: 0, inTime: 0 }) : null;
      const active = tk?.active ?? 0;
      const overdue = tk?.overdue ?? 0;
      const values: ComponentValues = {
        ...checkComponents(s),
        tickets: active > 0 ? 1 - overdue / active : 1,
        reports: share(tk?.reports_in_time ?? 0, tk?.reports_due ?? 0),
        sharing: sh ? share(sh.inTime, sh.due) : null,
      };
      return {
        department_code: code,
        day,
        ...values,
        freshness_tables: s.fT,
        freshness_passed: s.fP,
        deadline_violations: s.dV,
        deadline_checked: s.dC,
        validity_violations: s.vV,
        validity_checked: s.vC,
        completeness_violations: s.cV,
        completeness_checked: s.cC,
        tickets_active: active,
        tickets_overdue: overdue,
        tickets_escalated: tk?.escalated ?? 0,
        tickets_resolved_30d: tk?.resolved ?? 0,
        median_resolve_hours: tk?.median ?? null,
        reports_received: tk?.reports_received ?? 0,
        reports_open: tk?.reports_open ?? 0,
        reports_due_30d: tk?.reports_due ?? 0,
        reports_in_time_30d: tk?.reports_in_time ?? 0,
        sharing_due_30d: sh?.due ?? 0,
        sharing_in_time_30d: sh?.inTime ?? 0,
        score: scoreOf(values, opts.weights),
      };
    });
  return { departments, tables: [...tables.values()], checks };
}
