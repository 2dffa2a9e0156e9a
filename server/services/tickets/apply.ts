/**
 * Check results → tickets. The only code (with transitions.ts) that decides a ticket's state.
 *
 * Each fingerprint is handled in its own transaction that first takes a transaction-scoped advisory
 * lock on the fingerprint, then reads the fingerprint's latest ticket FOR UPDATE. So concurrent runs
 * (several instances, a re-check racing the hourly run) apply one after the other per fingerprint,
 * and the partial unique index `tickets_one_active_per_fingerprint` is the last line of defence.
 */
import type { Knex } from 'knex';
import { todayIn } from '../calendar';
import type { Catalog } from '../catalog/types';
import type { Notifier } from '../notifications';
import { recordAndAudit, recordEvent, updateTicket } from './events';
import { fingerprintOf } from './fingerprint';
import { describeProblem } from './message';
import { notifyNewHighSeverity } from './notify';
import { maskSampleKeys } from './samples';
import { loadDueWorkingDays } from './settings';
import { ACTIVE_STATUSES, CheckResult, DueWorkingDays, REOPEN_WINDOW_DAYS, TicketRow } from './types';

/** What ticket due dates need from the working-day calendar (`WorkingDayCalendar` satisfies it). */
export interface TicketCalendar {
  timezone: string;
  addWorkingDays(date: string, n: number): string;
}

export interface ApplyOptions {
  runId: string | number | null;
  /** Results of the tables that were checked; tables that errored are simply absent. */
  results: CheckResult[];
  catalog: Catalog;
  calendar: TicketCalendar;
  now: Date;
  /** When given, new (and reopened) high-severity tickets are sent at once. */
  notifier?: Notifier;
  /** Defaults to the IT office's setting. */
  dueDays?: DueWorkingDays;
}

export interface ApplySummary {
  filed: number[];
  updated: number[];
  reopened: number[];
  resolved: number[];
}

/** 'HWTK': the advisory-lock namespace of ticket fingerprints (the audit log uses a single-key lock). */
const LOCK_NAMESPACE = 0x4857544b;

export async function lockFingerprint(trx: Knex.Transaction, fingerprint: string): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(?::int, hashtext(?))', [LOCK_NAMESPACE, fingerprint]);
}

export function dueDateFor(calendar: TicketCalendar, now: Date, severity: keyof DueWorkingDays, dueDays: DueWorkingDays): string {
  return calendar.addWorkingDays(todayIn(calendar.timezone, now), dueDays[severity]);
}

export async function applyCheckResults(db: Knex, opts: ApplyOptions): Promise<ApplySummary> {
  const summary: ApplySummary = { filed: [], updated: [], reopened: [], resolved: [] };
  const dueDays = opts.dueDays ?? (await loadDueWorkingDays(db));
  const byFingerprint = new Map<string, CheckResult>();
  for (const r of opts.results) {
    byFingerprint.set(fingerprintOf({ check: r.check, table: r.table, field: r.field, department: r.department }), r);
  }

  // Most results pass and have no ticket: find the few fingerprints with one in a single query.
  const passingWithTicket = new Set<string>();
  const passing = [...byFingerprint].filter(([, r]) => r.passed).map(([fp]) => fp);
  for (let i = 0; i < passing.length; i += 500) {
    const rows = await db('tickets')
      .whereIn('fingerprint', passing.slice(i, i + 500))
      .where((q) => q.whereIn('status', ACTIVE_STATUSES).orWhere((c) => c.where({ status: 'closed' }).whereNull('resolved_at')))
      .select('fingerprint');
    for (const row of rows) passingWithTicket.add(row.fingerprint);
  }

  const newHigh: TicketRow[] = [];
  for (const [fingerprint, result] of byFingerprint) {
    if (result.passed && !passingWithTicket.has(fingerprint)) continue;
    const outcome = await db.transaction((trx) => applyOne(trx, fingerprint, result, opts, dueDays));
    if (!outcome) continue;
    summary[outcome.kind].push(outcome.ticket.id);
    if ((outcome.kind === 'filed' || outcome.kind === 'reopened') && outcome.ticket.severity === 'high')
      newHigh.push(outcome.ticket);
  }
  if (opts.notifier && newHigh.length) await notifyNewHighSeverity(opts.notifier, newHigh);
  return summary;
}

type Outcome = { kind: keyof ApplySummary; ticket: TicketRow } | null;

async function applyOne(
  trx: Knex.Transaction,
  fingerprint: string,
  result: CheckResult,
  opts: ApplyOptions,
  dueDays: DueWorkingDays,
): Promise<Outcome> {
  const { now, catalog } = opts;
  await lockFingerprint(trx, fingerprint);
  const latest = (await trx('tickets').where({ fingerprint }).orderBy('id', 'desc').forUpdate().first()) as TicketRow | undefined;
  const active = latest && ACTIVE_STATUSES.includes(latest.status) ? latest : undefined;
  const runId = opts.runId == null ? null : String(opts.runId);

  if (result.passed) {
    if (active) {
      const ticket = await updateTicket(trx, active, { status: 'resolved', resolved_at: now, last_run_id: runId }, now);
      await recordAndAudit(trx, ticket, 'ticket.resolve', {
        kind: 'transition',
        at: now,
        actor: null,
        from: active.status,
        to: 'resolved',
        details: { runId, reason: 'check_passed' },
      });
      return { kind: 'resolved', ticket };
    }
    // A closed ticket keeps later failures quiet until the check passes once; then it is cleared.
    if (latest?.status === 'closed' && !latest.resolved_at) await updateTicket(trx, latest, { resolved_at: now }, now);
    return null;
  }

  const facts = {
    severity: result.severity,
    message: describeProblem(result, catalog),
    violations: result.violations,
    checked_rows: result.checkedRows,
    sample_keys: maskSampleKeys(catalog, result.table, result.sampleKeys),
    last_seen: now,
    last_run_id: runId,
  };

  if (active) {
    const changes: Partial<TicketRow> = { ...facts, occurrences: active.occurrences + 1 };
    // The department said "fixed" and a run that started after that still fails: back to work.
    const recheckFailed = active.status === 'fixed' && active.recheck_requested_at !== null && now > active.recheck_requested_at;
    if (recheckFailed) Object.assign(changes, { status: 'open', recheck_requested_at: null });
    const ticket = await updateTicket(trx, active, changes, now);
    if (recheckFailed) {
      await recordAndAudit(trx, ticket, 'ticket.transition', {
        kind: 'transition',
        at: now,
        actor: null,
        from: 'fixed',
        to: 'open',
        details: { runId, reason: 'recheck_failed', violations: result.violations },
      });
    } else if (active.violations !== result.violations || active.severity !== result.severity) {
      // Also on a severity change alone (the catalog's severity was edited): the history shows it, and
      // the queue's cached totals (queries.ts) see every change of a filtered column as a new event.
      await recordEvent(trx, ticket.id, {
        kind: 'updated',
        at: now,
        actor: null,
        details: {
          runId,
          ...(active.violations !== result.violations ? { violations: { from: active.violations, to: result.violations } } : {}),
          ...(active.severity !== result.severity ? { severity: { from: active.severity, to: result.severity } } : {}),
        },
      });
    }
    return { kind: 'updated', ticket };
  }

  if (latest?.status === 'closed' && !latest.resolved_at) {
    await trx('tickets')
      .where({ id: latest.id })
      .update({ last_seen: now, occurrences: latest.occurrences + 1 });
    return null;
  }

  const dueAt = dueDateFor(opts.calendar, now, result.severity, dueDays);
  const reopenable =
    latest?.status === 'resolved' &&
    latest.resolved_at !== null &&
    now.getTime() - latest.resolved_at.getTime() <= REOPEN_WINDOW_DAYS * 86_400_000;
  if (latest && reopenable) {
    const ticket = await updateTicket(
      trx,
      latest,
      {
        ...facts,
        status: 'open',
        reopened: latest.reopened + 1,
        occurrences: latest.occurrences + 1,
        resolved_at: null,
        due_at: dueAt,
        escalated_at: null,
        reminded_at: null,
        recheck_requested_at: null,
      },
      now,
    );
    await recordAndAudit(trx, ticket, 'ticket.reopen', {
      kind: 'reopened',
      at: now,
      actor: null,
      from: 'resolved',
      to: 'open',
      details: { runId, violations: result.violations, due_at: dueAt },
    });
    return { kind: 'reopened', ticket };
  }

  const [ticket] = (await trx('tickets')
    .insert({
      ...facts,
      sample_keys: JSON.stringify(facts.sample_keys),
      fingerprint,
      check_kind: result.check,
      table_name: result.table,
      field_name: result.field,
      fingerprint_department: result.department,
      department_code: result.department,
      status: 'open',
      first_seen: now,
      occurrences: 1,
      due_at: dueAt,
      updated_at: now,
    })
    .returning('*')) as TicketRow[];
  await recordAndAudit(trx, ticket, 'ticket.file', {
    kind: 'filed',
    at: now,
    actor: null,
    to: 'open',
    details: { runId, violations: result.violations, due_at: dueAt },
  });
  return { kind: 'filed', ticket };
}
