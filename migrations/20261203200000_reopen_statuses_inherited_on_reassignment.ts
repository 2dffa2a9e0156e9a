import type { Knex } from 'knex';
import type * as Calendar from '../server/services/calendar';
import type * as Apply from '../server/services/tickets/apply';
import type * as CalendarSource from '../server/services/tickets/calendar-source';
import type * as Events from '../server/services/tickets/events';
import type * as Settings from '../server/services/tickets/settings';

/**
 * Tickets reassigned before a reassignment handed the new department an open ticket (commit
 * 0c0dbfe) kept the previous department's status: `fixed` (its fix, waiting for the re-check or for
 * the reporter's confirmation — 5 working days of silence resolve a report ticket on it, a change the
 * new department never made) or `acknowledged` (its "we are on it"). Such a ticket is one whose
 * latest status-setting history event is a `reassigned` one while it is still `fixed` or
 * `acknowledged`: every other change of status (a transition by people or check runs, an answer, a
 * confirmation, a reopen) records its `to_status`, so nothing the new department did came after the
 * reassignment. Since 0c0dbfe a reassignment records `to_status` 'open' itself, so a ticket reassigned
 * since then is found only if it is still open — never.
 *
 * Each such ticket is put as the reassignment now leaves one: `open`, with a due date as for a new
 * ticket of its severity counted from today (the day the department learns it has work to do; counted
 * from the reassignment day it would often be overdue at once), reminders and escalation starting over,
 * no re-check pending; a report ticket's fix (`fixed_at`, `confirmed_at`) set aside, and an answer given
 * before the reassignment (the previous department's) cleared — a "not ours" the new department gave
 * after it stays, with its dispute, for the IT office. A `transition` history event (system, from the
 * status to open, a comment in Chinese saying why, details.reason 'reassignment_correction') and an
 * audit row `ticket.reassignment_corrected` record it; reporters hear of it through the usual notices
 * (jobs/report-confirmations). `first_answered_at` stays (scorecards).
 *
 * Idempotent: a corrected ticket's latest status event is the correction, not the reassignment.
 *
 * The due date is the ticket service's own (`dueDateFor` on the catalog's working-day calendar, with
 * the IT office's due days): Chinese holidays and make-up days come from the `chinese-days` package
 * and the catalog, which SQL cannot see. The service code is loaded only when there is something to
 * correct, so a new database (and one migrated since) never runs it: only a database still holding
 * such tickets depends on those functions reading the schema as it is at this point of the history —
 * the catalog versions, `settings`, `tickets`, `ticket_events`, `report_tickets` and `audit_log`.
 *
 * Data only, and nothing to restore on the way down: the statuses put back were wrong.
 */
export async function up(knex: Knex): Promise<void> {
  await reopenInheritedStatuses(knex, new Date());
}

export async function down(): Promise<void> {}

/** The status words of the history comment (tickets.status in zh-CN, frozen here as written). */
const STATUS_WORDS: Record<string, string> = { acknowledged: '已确认', fixed: '已整改待复查' };

interface Candidate {
  id: number;
  event_id: number;
  reassigned_at: Date;
  details: { from_department?: string; to_department?: string } | string | null;
}

/** Fixed or acknowledged tickets whose latest status-setting event is a reassignment (optionally one ticket). */
function candidates(db: Knex | Knex.Transaction, ticketId?: number): Knex.QueryBuilder {
  const q = db('tickets as t')
    .join('ticket_events as e', 'e.ticket_id', 't.id')
    .whereIn('t.status', ['acknowledged', 'fixed'])
    .where('e.kind', 'reassigned')
    .whereRaw(
      `e.id = (select max(x.id) from ticket_events as x
                where x.ticket_id = t.id and (x.kind = 'reassigned' or x.to_status is not null))`,
    )
    .select('t.id', 'e.id as event_id', 'e.at as reassigned_at', 'e.details')
    .orderBy('t.id');
  if (ticketId !== undefined) q.where('t.id', ticketId);
  return q;
}

/**
 * Puts back to `open` every ticket that kept its status through a reassignment (see above), as of
 * `now`; returns the ids corrected. Inside the caller's transaction when given one (the migrator's),
 * else in one of its own.
 */
export async function reopenInheritedStatuses(knex: Knex | Knex.Transaction, now: Date): Promise<number[]> {
  if (!((await candidates(knex)) as Candidate[]).length) return [];
  // Loaded here, when there is something to correct, with require() as the migration source loads
  // migrations (a dynamic import() is ESM under tsx and cannot import the services' directories).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { todayIn } = require('../server/services/calendar') as typeof Calendar;
  const { dueDateFor } = require('../server/services/tickets/apply') as typeof Apply;
  const { loadTicketCalendar } = require('../server/services/tickets/calendar-source') as typeof CalendarSource;
  const { loadDueWorkingDays } = require('../server/services/tickets/settings') as typeof Settings;
  const events = require('../server/services/tickets/events') as typeof Events;
  /* eslint-enable @typescript-eslint/no-require-imports */

  const correct = async (trx: Knex.Transaction): Promise<number[]> => {
    // The service's calendar: the catalog's, else the official one in the service's zone (config: TZ).
    const { calendar } = await loadTicketCalendar(trx, process.env.TZ || 'Asia/Shanghai');
    const dueDays = await loadDueWorkingDays(trx);
    const corrected: number[] = [];
    for (const { id } of (await candidates(trx)) as Candidate[]) {
      const current = await events.lockTicket(trx, Number(id));
      // Under the lock: still as found (a check run or a person may have moved it meanwhile).
      const found = ((await candidates(trx, Number(id))) as Candidate[])[0];
      if (!current || !found) continue;
      const reassignedAt = new Date(found.reassigned_at);
      const details = (typeof found.details === 'string' ? JSON.parse(found.details) : (found.details ?? {})) as {
        from_department?: string;
      };
      const dueAt = dueDateFor(calendar, now, current.severity, dueDays);
      const updated = await events.updateTicket(
        trx,
        current,
        { status: 'open', due_at: dueAt, recheck_requested_at: null, escalated_at: null, reminded_at: null },
        now,
      );

      let clearedFix: Date | null = current.status === 'fixed' ? current.recheck_requested_at : null;
      let clearedAnswer: string | null = null;
      if (current.check_kind === 'report') {
        const state = (await trx('report_tickets')
          .where({ ticket_id: current.id })
          .first('answer', 'answered_at', 'fixed_at', 'confirmed_at')) as
          { answer: string | null; answered_at: Date | null; fixed_at: Date | null; confirmed_at: Date | null } | undefined;
        // An answer given after the reassignment is the new department's own ("not ours", the only one
        // possible from `fixed`; any other would have moved the ticket): it stays.
        const stale = !!state?.answer && !(state.answered_at && new Date(state.answered_at) > reassignedAt);
        if (state && (stale || state.fixed_at || state.confirmed_at)) {
          await trx('report_tickets')
            .where({ ticket_id: current.id })
            .update({
              fixed_at: null,
              confirmed_at: null,
              ...(stale ? { answer: null, answer_comment: null, answer_document_id: null, answered_at: null } : {}),
              updated_at: now,
            });
        }
        if (state?.fixed_at) clearedFix = new Date(state.fixed_at);
        if (stale) clearedAnswer = state!.answer;
      }

      const day = todayIn(calendar.timezone, reassignedAt);
      const comment =
        `系统更正：本工单于 ${day} 改派给现责任单位时沿用了原责任单位的「${STATUS_WORDS[current.status]}」状态。` +
        `改派应交给新责任单位一张待处理的工单，原单位的${current.status === 'fixed' ? '整改' : '确认'}不代表现责任单位的处理，` +
        `现改为待处理，整改期限重新计算为 ${dueAt}。`;
      await events.recordAndAudit(trx, updated, 'ticket.reassignment_corrected', {
        kind: 'transition',
        at: now,
        actor: null,
        from: current.status,
        to: 'open',
        comment,
        details: {
          reason: 'reassignment_correction',
          reassigned_event_id: Number(found.event_id),
          reassigned_at: reassignedAt.toISOString(),
          from_department: details.from_department ?? undefined,
          due_at: dueAt,
          cleared_fix: clearedFix ? new Date(clearedFix).toISOString() : undefined,
          cleared_answer: clearedAnswer ?? undefined,
        },
      });
      corrected.push(current.id);
    }
    return corrected;
  };
  return (knex as { isTransaction?: boolean }).isTransaction ? correct(knex as Knex.Transaction) : knex.transaction(correct);
}
