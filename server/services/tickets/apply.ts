/**
 * Check results → tickets. The only code (with transitions.ts) that decides a ticket's state.
 *
 * Each fingerprint is handled in its own transaction that first takes a transaction-scoped advisory
 * lock on the fingerprint, then reads the fingerprint's latest ticket FOR UPDATE. So concurrent runs
 * (several instances, a re-check racing the hourly run) apply one after the other per fingerprint,
 * and the partial unique index `tickets_one_active_per_fingerprint` is the last line of defence.
 *
 * The check runner hands over each table's results after storing them (`stored`). Such an outcome may
 * be applied more than once — recovery applies again an outcome whose hand-off a crash cut short,
 * possibly on several instances at once (server/services/checks/handoff.ts) — and every change is
 * still made once: under the fingerprint's lock, a ticket last changed by this run is left alone (the
 * run applied this result already), and so is one last changed by an outcome of the same table that
 * was stored after this one (older results never overwrite newer ones). The notices are worked out
 * from the tickets' history, not from what this call changed, and sent by the call that records the
 * outcome as applied first.
 */
import type { Knex } from 'knex';
import { todayIn } from '../calendar';
import type { Catalog } from '../catalog/types';
import type { Notifier } from '../notifications';
import { recordAndAudit, recordEvent, updateTicket } from './events';
import { fingerprintOf } from './fingerprint';
import { describeProblem } from './message';
import { notifyNewHighSeverity, notifyRecheckFailed } from './notify';
import { maskSampleKeys } from './samples';
import { loadDueWorkingDays } from './settings';
import { ACTIVE_STATUSES, CheckResult, DueWorkingDays, endingExtension, REOPEN_WINDOW_DAYS, TicketRow } from './types';

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
  /**
   * The results are the stored outcome of table checks of run `runId` (check_run_tables), which may be
   * applied more than once: applying them again changes nothing and notifies nobody again.
   */
  stored?: StoredOutcome;
}

export interface StoredOutcome {
  /**
   * Records the outcome as applied; called after the last ticket change, before any notice. True when
   * this call recorded it, false when another application of the same outcome already had (its
   * notices are that application's to send).
   */
  markApplied(): Promise<boolean>;
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
  const recheckFailed: TicketRow[] = [];
  for (const [fingerprint, result] of byFingerprint) {
    if (result.passed && !passingWithTicket.has(fingerprint)) continue;
    const outcome = await db.transaction((trx) => applyOne(trx, fingerprint, result, opts, dueDays));
    if (!outcome) continue;
    summary[outcome.kind].push(outcome.ticket.id);
    if (outcome.recheckFailed) recheckFailed.push(outcome.ticket);
    if ((outcome.kind === 'filed' || outcome.kind === 'reopened') && outcome.ticket.severity === 'high')
      newHigh.push(outcome.ticket);
  }
  let notices = newHigh;
  if (opts.stored) {
    // An earlier application of this outcome may have filed some of its tickets and then died, and
    // another may be applying it right now: every high-severity ticket this run filed or reopened is
    // announced, once, by whichever application records the outcome as applied first.
    notices = (await opts.stored.markApplied()) ? await filedOrReopenedHigh(db, String(opts.runId), byFingerprint) : [];
  }
  if (opts.notifier && notices.length) await notifyNewHighSeverity(opts.notifier, notices);
  // Only the application that moved a ticket from fixed back to open sees it (an outcome applied again finds it
  // open): at most one notice per failed re-check. A crash between that transaction and this notice loses the
  // notice, not the ticket's state or its history entry.
  if (opts.notifier && recheckFailed.length) await notifyRecheckFailed(opts.notifier, recheckFailed);
  return summary;
}

/** The high-severity tickets of these results that run `runId` filed or reopened, in the results' order. */
async function filedOrReopenedHigh(db: Knex, runId: string, byFingerprint: Map<string, CheckResult>): Promise<TicketRow[]> {
  const high = [...byFingerprint].filter(([, r]) => !r.passed && r.severity === 'high').map(([fingerprint]) => fingerprint);
  if (!high.length) return [];
  const rows = (await db('tickets as t')
    .whereIn('t.fingerprint', high)
    .whereExists((q) =>
      q
        .select(db.raw('1'))
        .from('ticket_events as e')
        .whereRaw('e.ticket_id = t.id')
        .whereIn('e.kind', ['filed', 'reopened'])
        .whereRaw(`e.details->>'runId' = ?`, [runId]),
    )
    .select('t.*')) as TicketRow[];
  const order = new Map(high.map((fingerprint, i) => [fingerprint, i]));
  return rows.sort((a, b) => order.get(a.fingerprint)! - order.get(b.fingerprint)! || a.id - b.id);
}

/**
 * Whether a fingerprint's latest ticket already reflects this stored outcome: it was last changed by
 * this run (the outcome was applied before), or by an outcome of the same table stored later (a later
 * run's results). Outcomes of one table are stored one at a time (table leases), so the order they were
 * stored in (`finished_at`, then run id) is the order they were checked and must be applied in.
 */
async function reflectsThisOrLater(trx: Knex.Transaction, ticket: TicketRow, runId: string, table: string): Promise<boolean> {
  const last = ticket.last_run_id;
  if (last === null || !/^\d+$/.test(last)) return false;
  if (last === runId) return true;
  const later = await trx.raw(
    `SELECT 1 FROM check_run_tables o JOIN check_run_tables l ON l.table_name = o.table_name
      WHERE o.run_id = ? AND o.table_name = ? AND l.run_id = ? AND (l.finished_at, l.run_id) > (o.finished_at, o.run_id)`,
    [runId, table, last],
  );
  return later.rows.length > 0;
}

/** `recheckFailed`: the department had said "fixed" and this run still found the problem (back to open). */
type Outcome = { kind: keyof ApplySummary; ticket: TicketRow; recheckFailed?: boolean } | null;

async function applyOne(
  trx: Knex.Transaction,
  fingerprint: string,
  result: CheckResult,
  opts: ApplyOptions,
  dueDays: DueWorkingDays,
): Promise<Outcome> {
  const { now, catalog } = opts;
  await lockFingerprint(trx, fingerprint);
  // The active ticket when there is one, else the latest: a catalog import may give a fingerprint an older ticket
  // that moved to its new owner (catalog-change.ts) while a later one of that owner is resolved or closed.
  const latest = (await trx('tickets')
    .where({ fingerprint })
    .orderByRaw(`(status in (${ACTIVE_STATUSES.map(() => '?').join(', ')})) desc`, ACTIVE_STATUSES)
    .orderBy('id', 'desc')
    .forUpdate()
    .first()) as TicketRow | undefined;
  const active = latest && ACTIVE_STATUSES.includes(latest.status) ? latest : undefined;
  const runId = opts.runId == null ? null : String(opts.runId);
  if (opts.stored && runId !== null && latest && (await reflectsThisOrLater(trx, latest, runId, result.table))) return null;

  if (result.passed) {
    if (active) {
      // A dispute or a request for more time waiting on it ends with it (events.ts updateTicket).
      const ticket = await updateTicket(trx, active, { status: 'resolved', resolved_at: now, last_run_id: runId }, now);
      await recordAndAudit(trx, ticket, 'ticket.resolve', {
        kind: 'transition',
        at: now,
        actor: null,
        from: active.status,
        to: 'resolved',
        details: {
          runId,
          reason: 'check_passed',
          // A request for more time waiting ends with it (events.ts updateTicket).
          extension_ended: endingExtension(active),
        },
      });
      return { kind: 'resolved', ticket };
    }
    // A closed ticket keeps later failures quiet until the check passes once; then it is cleared.
    if (latest?.status === 'closed' && !latest.resolved_at)
      await updateTicket(trx, latest, { resolved_at: now, last_run_id: runId }, now);
    return null;
  }

  const facts = {
    severity: result.severity,
    message: describeProblem(result, catalog),
    message_en: describeProblem(result, catalog, 'en'),
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
    const ticket = await updateTicket(trx, active, changes, now, { refresh: !recheckFailed });
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
    return { kind: 'updated', ticket, recheckFailed };
  }

  if (latest?.status === 'closed' && !latest.resolved_at) {
    await trx('tickets')
      .where({ id: latest.id })
      .update({ last_seen: now, occurrences: latest.occurrences + 1, last_run_id: runId });
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
