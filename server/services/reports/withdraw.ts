/**
 * A reporter takes back their own report (撤回报告): while it waits for triage, or while its ticket still waits for
 * the department's first word — the ticket active and being worked (open or acknowledged), no current answer
 * (`report_tickets.answer` null: no "fixed", "not an error" or "not ours" stands) and no dispute waiting for the IT
 * office. Once the department has answered, the report is part of what it answered; the reporter confirms or reopens.
 *
 * A routed report leaves its ticket: with other reports still on it the ticket stays (a `withdrawn` history row for
 * the department); as its last report the ticket is closed by the system (`closed_reason` 报告人已撤回, the history's
 * closing row `details.reason = 'report_withdrawn'`, which the scorecards skip: not the department's failure).
 * Report row, ticket, history and audit rows in one transaction.
 */
import type { Knex } from 'knex';
import { AlreadyDoneError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import { can, type CurrentUser } from '../../policies';
import { appendAudit, auditActorOf } from '../audit';
import { characterCount } from '../characters';
import { forbiddenCharacterProblem } from '../../middleware/body-safety';
import { settleNotices, type Notifier } from '../notifications';
import { maskFreeText } from '../privacy';
import { ticketLine, ticketLineEn } from '../tickets/notify';
import { lockTicket, recordAndAudit, updateTicket } from '../tickets/events';
import { endingExtension, type RequestOrigin, type TicketRow, type TicketStatus } from '../tickets/types';
import { triageSubject } from './submit';
import type { ReportRow } from './types';
import { systemCloseReason } from '../tickets/closed-reason';

/** The longest withdrawal reason (characters). */
export const WITHDRAW_REASON_MAX = 500;
/**
 * The ticket's closing reason when its last report was withdrawn, in both languages as a catalog import's closing
 * reasons are; the history says it in the reader's language from `details.reason` (tickets/presenter.ts withNotes).
 */
export const WITHDRAWN_CLOSE_REASON = systemCloseReason('withdrawn');
/** The closing history row's `details.reason` (the scorecards skip such tickets). */
export const WITHDRAWN_CLOSE_DETAIL = 'report_withdrawn';

/** The ticket statuses a routed report may be withdrawn in (the department works it and has not answered). */
const WITHDRAWABLE_TICKET: TicketStatus[] = ['open', 'acknowledged'];

/** Whether the report can be withdrawn now, from what its page knows (the service checks again on locked rows). */
export function mayWithdraw(r: {
  status: string;
  ticket_status?: string | null;
  answer?: string | null;
  ticket_disputed_at?: Date | null;
}): boolean {
  if (r.status === 'triage') return true;
  return (
    r.status === 'routed' && WITHDRAWABLE_TICKET.includes(r.ticket_status as TicketStatus) && !r.answer && !r.ticket_disputed_at
  );
}

export interface WithdrawResult {
  report: ReportRow;
  /** The ticket it left (null for a report withdrawn from triage). */
  ticket: TicketRow | null;
  /** The ticket was closed: the report was its last. */
  closed: boolean;
}

export async function withdrawReport(
  db: Knex,
  input: { reportId: number; actor: CurrentUser; reason?: unknown; now: Date; origin?: RequestOrigin },
): Promise<WithdrawResult> {
  const { now } = input;
  return db.transaction(async (trx) => {
    const row = Number.isSafeInteger(input.reportId)
      ? ((await trx('reports').where({ id: input.reportId }).forUpdate().first()) as ReportRow | undefined)
      : undefined;
    if (!row) throw new NotFoundError('reports.errors.notFound', { id: String(input.reportId) });
    // Only its reporter: the IT office reads any report but does not take one back for its reporter.
    if (!can(input.actor, 'reports.withdraw', { ownerId: Number(row.reporter_id) })) throw new ForbiddenError();
    // The form sent twice, or withdrawn meanwhile in another tab: done, nothing changed.
    if (row.status === 'withdrawn') throw new AlreadyDoneError('reports.errors.already.withdrawn', { id: row.id });
    let ticket: TicketRow | undefined;
    let state: { answer: string | null } | undefined;
    if (row.status === 'routed' && row.ticket_id) {
      ticket = await lockTicket(trx, Number(row.ticket_id));
      state = await trx('report_tickets').where({ ticket_id: row.ticket_id }).first('answer');
    }
    const shownStatus = row.status === 'routed' ? (ticket?.status ?? 'closed') : row.status;
    if (
      !mayWithdraw({
        status: row.status,
        ticket_status: ticket?.status ?? null,
        answer: state?.answer ?? null,
        ticket_disputed_at: ticket?.disputed_at ?? null,
      })
    )
      throw new ConflictError(
        // "Not ours" (answer not_ours, or the ticket page's dispute) waits for the IT office: no reopen to offer yet.
        ticket?.disputed_at
          ? 'reports.errors.notWithdrawableDisputed'
          : state?.answer
            ? 'reports.errors.notWithdrawableAnswered'
            : 'reports.errors.notWithdrawable',
        { id: row.id, status: shownStatus },
      );
    // After who and when (the page shows the reason's box only where withdrawal is possible), as a reopen's comment.
    const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
    // A NUL or a direction override (the page's form is this route's to check: CHECKED_BY_ROUTE): beside the box, and
    // only here, after the status — a report withdrawn already is "done" whatever its reason holds.
    const characterProblem = forbiddenCharacterProblem('reason', reason);
    if (characterProblem) throw new ValidationError([characterProblem]);
    if (characterCount(reason) > WITHDRAW_REASON_MAX)
      throw new ValidationError([
        { field: 'reason', key: 'reports.errors.withdrawReasonTooLong', params: { max: WITHDRAW_REASON_MAX } },
      ]);
    // The reason as others read it (the department's history, the audit log): ID numbers, phones, e-mails masked.
    const shownReason = reason ? maskFreeText(reason) : null;
    let closed = false;
    let updatedTicket: TicketRow | null = null;
    if (ticket) {
      const remaining = await trx('reports')
        .where({ ticket_id: ticket.id, status: 'routed' })
        .whereNot({ id: row.id })
        .count({ n: '*' })
        .first();
      closed = Number(remaining?.n ?? 0) === 0;
      const actor = {
        id: input.actor.id,
        login: input.actor.login,
        name: input.actor.name,
        department: input.actor.department,
        roles: input.actor.roles,
      };
      // `occurrences` counts the reports on a report ticket: one fewer.
      updatedTicket = await updateTicket(trx, ticket, { occurrences: Math.max(1, ticket.occurrences - 1) }, now);
      await recordAndAudit(
        trx,
        updatedTicket,
        'ticket.report_withdrawn',
        { kind: 'withdrawn', at: now, actor, comment: shownReason, details: { report_id: Number(row.id) } },
        input.origin,
      );
      if (closed) {
        // A request for more time waiting ends with the ticket (events.ts updateTicket): the history says so.
        const extensionEnded = endingExtension(updatedTicket);
        updatedTicket = await updateTicket(
          trx,
          updatedTicket,
          { status: 'closed', closed_reason: WITHDRAWN_CLOSE_REASON, resolved_at: null },
          now,
        );
        // By the system: nobody decided the department's data was right or wrong.
        await recordAndAudit(
          trx,
          updatedTicket,
          'ticket.transition',
          {
            kind: 'transition',
            at: now,
            actor: null,
            from: ticket.status,
            to: 'closed',
            details: { reason: WITHDRAWN_CLOSE_DETAIL, report_id: Number(row.id), extension_ended: extensionEnded },
          },
          input.origin,
        );
      }
    }
    const [withdrawn] = (await trx('reports')
      .where({ id: row.id })
      .update({ status: 'withdrawn', withdrawn_at: now, withdraw_reason: reason || null })
      .returning('*')) as ReportRow[];
    // Waiting for triage: the IT office's "待分派" notice is done with, as when the office routes or rejects it.
    if (row.status === 'triage') await settleNotices(trx, [triageSubject(Number(row.id))], now);
    await appendAudit(trx, {
      actor: auditActorOf(input.actor),
      action: 'report.withdraw',
      objectType: 'report',
      objectId: row.id,
      summary: {
        from: row.status,
        ticket: ticket ? Number(ticket.id) : undefined,
        ticket_closed: ticket ? closed : undefined,
        reason: shownReason ?? undefined,
      },
      ...input.origin,
    });
    return { report: withdrawn, ticket: updatedTicket, closed };
  });
}

/**
 * The department's stewards hear that a report ticket they had not answered yet was closed because its last reporter
 * withdrew (inbox, as the other ticket events they are told of): it leaves their queue.
 */
export async function notifyWithdrawnClosed(notifier: Notifier, ticket: TicketRow, reason: string | null): Promise<void> {
  const shown = reason ? maskFreeText(reason) : '';
  await notifier.department(ticket.department_code, {
    kind: 'ticket.report_withdrawn',
    title: `【纠错撤回】质量工单 #${ticket.id}：报告人已撤回报告，工单已关闭，无需再处理`,
    body: `${ticketLine(ticket)}${shown ? `\n理由：${shown}` : ''}`,
    link: `/reports/tickets/${ticket.id}`,
    en: {
      title: `[Report withdrawn] Quality ticket #${ticket.id}: the reporter withdrew the report; the ticket is closed, nothing to do`,
      body: `${ticketLineEn(ticket)}${shown ? `\nReason: ${shown}` : ''}`,
    },
  });
}
