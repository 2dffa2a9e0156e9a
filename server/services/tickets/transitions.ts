/**
 * What people do to a ticket. Every function locks the ticket row (SELECT … FOR UPDATE), checks
 * who may act and whether the status allows it, and writes the change, a history row and an audit
 * row in one transaction, so concurrent clicks and check runs never lose a transition.
 *
 * Order of refusals: an unknown target (422) → not allowed for this user (403) → already done: the
 * ticket is where the action leads (409 `AlreadyDoneError`) → stale version or not allowed from the
 * current status (409) → the form's own input: comment, reason (422). The form comes last because the
 * pages offer an action's form only where the action is possible: a 422 for a form the page does not
 * show would show its message nowhere.
 */
import type { Knex } from 'knex';
import { AlreadyDoneError, ConflictError, ForbiddenError, ValidationError } from '../../errors';
import { Action, can, CurrentUser } from '../../policies';
import { todayIn } from '../calendar';
import { departmentCodeAsWritten } from '../department-code';
import { dueDateFor, TicketCalendar } from './apply';
import { byActor, lockTicket, recordAndAudit, updateTicket } from './events';
import { visibleTicket } from './visibility';
import { clearAnswerForNewOwner, disputedByReportAnswer, REPORT_CHECK } from './report-state';
import { loadDueWorkingDays } from './settings';
import { ACTIVE_STATUSES, DueWorkingDays, endingExtension, NO_EXTENSION, RequestOrigin, TicketRow, TicketStatus } from './types';
import { textTooLong, visibleText } from '../characters';
import { forbiddenCharacterProblem } from '../../middleware/body-safety';

export const TRANSITION_TARGETS = ['acknowledged', 'fixed', 'closed'] as const;
export type TransitionTarget = (typeof TRANSITION_TARGETS)[number];

/** From which statuses each target may be reached. `resolved` is only ever set by a passing check. */
export const ALLOWED_FROM: Record<TransitionTarget, TicketStatus[]> = {
  acknowledged: ['open'],
  fixed: ['open', 'acknowledged'],
  closed: ['open', 'acknowledged', 'fixed'],
};

const ACTION_FOR: Record<TransitionTarget, Action> = {
  acknowledged: 'tickets.work',
  fixed: 'tickets.work',
  closed: 'tickets.close',
};

/**
 * The longest comment or reason (characters): a ticket's, a report's answer and its reasons to reopen. The report pages'
 * boxes and the ticket page's take it as their maxlength (`{{limit "ticket.comment"}}`, views/limits.ts), so the browser
 * stops where this refuses.
 */
export const MAX_COMMENT = 2000;

export interface TransitionInput {
  ticketId: number;
  to: string;
  actor: CurrentUser;
  /**
   * What was sent (the API passes its JSON as it came): judged only once the action is possible, so a
   * ticket the action no longer applies to answers 409 whatever was typed; anything but text is a 422.
   */
  comment?: unknown;
  /** The version the form showed (an integer; anything else is a 422, judged as the comment is). */
  expectedVersion?: unknown;
  origin?: RequestOrigin;
  now?: Date;
  /** Called after commit when the department marks a ticket fixed: the check runner re-checks the table. */
  requestRecheck?: (table: string) => void | Promise<void>;
}

/** What was sent of the wrong type (the API's JSON), every such field at once. */
export function checkSentTypes(input: Pick<TransitionInput, 'comment' | 'expectedVersion'>): void {
  const problems: ValidationError['fields'] = [];
  // A version is a count from 1: `-1` or `1e308` is no version the ticket ever had, a malformed body (422), not a stale one.
  const v = input.expectedVersion;
  if (v != null && !(Number.isSafeInteger(v) && (v as number) >= 1))
    problems.push({ field: 'version', key: 'tickets.errors.version' });
  if (input.comment != null && typeof input.comment !== 'string')
    problems.push({ field: 'comment', key: 'tickets.errors.commentType' });
  if (problems.length) throw new ValidationError(problems);
}

export function cleanComment(comment: string | null | undefined, field: 'comment' | 'reason' = 'comment'): string | null {
  const c = visibleText(comment ?? '');
  // A NUL or a direction override (U+202A–U+202E: Windows puts U+202A/U+202C around a phone number copied from its
  // apps): the app-wide refusal leaves the ticket page's boxes to this check (CHECKED_BY_ROUTE in
  // middleware/body-safety.ts), so that the page comes back with the text as typed and the message beside its box,
  // not the bare error page with the text gone. The API's bodies are refused before they get here.
  const forbidden = forbiddenCharacterProblem(field, c);
  if (forbidden) throw new ValidationError([forbidden]);
  // Named as the form names it: a dispute's or reassignment's text is its `reason`, shown under that box.
  // Saying the count typed, as the sharing boxes do (最多 2000 个字符（已填写 2001 个）).
  const tooLong = textTooLong(c, field, MAX_COMMENT);
  if (tooLong) throw new ValidationError([tooLong]);
  return c || null;
}

/**
 * A comment or reason as sent: text (trimmed, at most a comment's length), null when none; JSON of another type (the
 * API's `"reason": 7`) is a 422 naming the field, not a text made of it. Problems are added to `problems`, so a form's
 * mistakes come at once.
 */
export function sentText(sent: unknown, field: 'comment' | 'reason', problems: ValidationError['fields']): string | null {
  if (sent != null && typeof sent !== 'string') {
    problems.push({ field, key: `tickets.errors.${field}Type` });
    return null;
  }
  try {
    return cleanComment(sent as string | null | undefined, field);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    problems.push(...err.fields);
    return null;
  }
}

/**
 * `sentText` for a text that must be given: none (or only blanks) adds `missingKey` as the field's problem, unless the
 * text already had one (of another type, too long). Null when there is a problem.
 */
export function sentRequiredText(
  sent: unknown,
  field: 'comment' | 'reason',
  missingKey: string,
  problems: ValidationError['fields'],
): string | null {
  const before = problems.length;
  const text = sentText(sent, field, problems);
  if (!text && problems.length === before) problems.push({ field, key: missingKey });
  return text;
}

/** A text that must be given, alone on its form (a comment, a dispute's reason): its text, else a 422 naming it. */
function requiredText(sent: unknown, field: 'comment' | 'reason', missingKey: string): string {
  const problems: ValidationError['fields'] = [];
  const text = sentRequiredText(sent, field, missingKey, problems);
  if (problems.length || !text) throw new ValidationError(problems);
  return text;
}

/** Loads and locks the ticket; 404 when missing or when this user may not even see it (ticketNotFound). */
export async function lockVisible(trx: Knex.Transaction, id: number, actor: CurrentUser): Promise<TicketRow> {
  const ticket = Number.isSafeInteger(id) ? await lockTicket(trx, id) : undefined;
  return visibleTicket(ticket, actor, id);
}

/** Loads and locks an active ticket for the IT office's decisions on it (reassign, keep after a dispute): 404, 403, 409. */
export async function lockActiveForOffice(trx: Knex.Transaction, id: number, actor: CurrentUser): Promise<TicketRow> {
  const current = await lockVisible(trx, id, actor);
  if (!can(actor, 'tickets.reassign', { department: current.department_code })) throw new ForbiddenError();
  if (!ACTIVE_STATUSES.includes(current.status))
    throw new ConflictError('tickets.errors.notActive', { id: current.id, status: current.status, check: current.check_kind });
  return current;
}

/**
 * 409 when the page's version is not the ticket's. When the latest change is the sender's own (another tab or window,
 * a comment sent there) it says so: "changed by someone else" had them look for a colleague who was not there.
 */
export async function checkVersion(
  trx: Knex.Transaction,
  ticket: TicketRow,
  expected: number | null | undefined,
  actor: CurrentUser,
): Promise<void> {
  if (expected == null || ticket.version === expected) return;
  const last = await trx('ticket_events').where({ ticket_id: ticket.id }).orderBy('id', 'desc').first('actor_user_id');
  throw new ConflictError(byActor(last, actor) ? 'tickets.errors.staleByYou' : 'tickets.errors.stale', { id: ticket.id });
}

export async function transitionTicket(db: Knex, input: TransitionInput): Promise<TicketRow> {
  const to = input.to as TransitionTarget;
  if (!TRANSITION_TARGETS.includes(to)) {
    throw new ValidationError([{ field: 'to', key: 'tickets.errors.to', params: { allowed: TRANSITION_TARGETS.join(', ') } }]);
  }
  const now = input.now ?? new Date();
  const ticket = await db.transaction(async (trx) => {
    const current = await lockVisible(trx, input.ticketId, input.actor);
    if (!can(input.actor, ACTION_FOR[to], { department: current.department_code })) throw new ForbiddenError();
    // Before the version: the form sent twice carries the version the first one changed.
    if (current.status === to) throw new AlreadyDoneError(`tickets.errors.already.${to}`, { id: current.id });
    if (!ALLOWED_FROM[to].includes(current.status)) {
      throw new ConflictError('tickets.errors.illegal', { id: current.id, from: current.status, to, check: current.check_kind });
    }
    // A report ticket is fixed by answering its report (已更正): the reporter confirms the fix, as no check re-runs on
    // one record. "Fixed" here re-checked the table, which never looks at the reported record, and asked the
    // reporter to confirm a fix nobody described.
    if (to === 'fixed' && current.check_kind === REPORT_CHECK)
      throw new ConflictError('tickets.errors.reportFixedByAnswer', { id: current.id });
    // Then what was sent: the version the form showed, the comment.
    checkSentTypes(input);
    await checkVersion(trx, current, input.expectedVersion as number | null | undefined, input.actor);
    const comment = cleanComment(input.comment as string | null | undefined);
    if (to === 'closed' && !comment) throw new ValidationError([{ field: 'comment', key: 'tickets.errors.reasonRequired' }]);
    const changes: Partial<TicketRow> = { status: to };
    if (to === 'fixed') changes.recheck_requested_at = now;
    if (to === 'closed') Object.assign(changes, { closed_reason: comment, resolved_at: null });
    const ended = to === 'acknowledged' ? undefined : endingExtension(current);
    const updated = await updateTicket(trx, current, changes, now);
    await recordAndAudit(
      trx,
      updated,
      'ticket.transition',
      {
        kind: 'transition',
        at: now,
        actor: input.actor,
        from: current.status,
        to,
        comment,
        // Fixed or closed, a request for more time waiting ends with it (events.ts updateTicket): the history says so.
        ...(ended ? { details: { extension_ended: ended } } : {}),
      },
      input.origin,
    );
    return updated;
  });
  if (to === 'fixed' && input.requestRecheck) await input.requestRecheck(ticket.table_name);
  return ticket;
}

/**
 * A comment in the ticket's history, by the department that works the ticket or the IT office
 * (`tickets.comment`; a university leader reads the ticket but may not comment: 403).
 */
/** The same comment by the same person within this time is the same form sent again. */
export const REPEATED_COMMENT_WINDOW_MS = 2 * 60_000;

export async function commentTicket(
  db: Knex,
  input: { ticketId: number; actor: CurrentUser; comment: unknown; origin?: RequestOrigin; now?: Date },
): Promise<TicketRow> {
  const now = input.now ?? new Date();
  return db.transaction(async (trx) => {
    const current = await lockVisible(trx, input.ticketId, input.actor);
    // Who before what: a refused commenter learns that, whatever they typed.
    if (!can(input.actor, 'tickets.comment', { department: current.department_code }))
      throw new ForbiddenError('tickets.errors.commentForbidden');
    const comment = requiredText(input.comment, 'comment', 'tickets.errors.commentRequired');
    // A form sent twice (a double click, a resend after a slow answer) adds the comment once: the
    // ticket's last event is this actor's same comment, moments ago. Under the ticket's lock, so two
    // sends at once see each other.
    const last = await trx('ticket_events')
      .where({ ticket_id: current.id })
      .orderBy('id', 'desc')
      .first('kind', 'actor_user_id', 'comment', 'at');
    if (
      last?.kind === 'comment' &&
      Number(last.actor_user_id) === input.actor.id &&
      last.comment === comment &&
      Math.abs(now.getTime() - new Date(last.at).getTime()) <= REPEATED_COMMENT_WINDOW_MS
    )
      return current;
    const updated = await updateTicket(trx, current, {}, now);
    await recordAndAudit(trx, updated, 'ticket.comment', { kind: 'comment', at: now, actor: input.actor, comment }, input.origin);
    return updated;
  });
}

export interface DisputeInput {
  ticketId: number;
  actor: CurrentUser;
  /** The form's text; the API's JSON of another type is a 422 naming `reason`. */
  reason: unknown;
  origin?: RequestOrigin;
  now?: Date;
  /**
   * A report's "not ours" (reports/not-ours.ts): given after its "fixed", it withdraws that fix — the ticket goes back
   * to `acknowledged`, so its reporters are not asked to confirm, nor is it resolved by their silence, while the IT
   * office decides who owns the record.
   */
  setsAsideFix?: boolean;
  /**
   * The dispute is a report's "not ours" answer, written with it (reports/not-ours.ts): the only dispute a report ticket
   * takes (disputedByReportAnswer); without it a report ticket's dispute is refused (409), nothing changed.
   */
  reportAnswer?: boolean;
}

/** The steward says "not our data": the ticket stays with the department, flagged for the IT office to reassign. */
export async function disputeTicket(db: Knex, input: DisputeInput): Promise<TicketRow> {
  return db.transaction((trx) => disputeInTransaction(trx, input));
}

/**
 * `disputeTicket` inside the caller's transaction, so that what the caller writes with it commits or
 * rolls back with the dispute. `alsoWrite` runs after the checks and the ticket's update, before the
 * history and audit rows (the audit row last: it holds the audit chain's lock), on the same
 * transaction — every query in it must use `trx` (the embedded database has one connection).
 */
export async function disputeInTransaction(
  trx: Knex.Transaction,
  input: DisputeInput,
  alsoWrite?: (ticket: TicketRow, reason: string, now: Date) => Promise<void>,
): Promise<TicketRow> {
  const now = input.now ?? new Date();
  const current = await lockVisible(trx, input.ticketId, input.actor);
  if (!can(input.actor, 'tickets.work', { department: current.department_code })) throw new ForbiddenError();
  if (!ACTIVE_STATUSES.includes(current.status))
    throw new ConflictError('tickets.errors.notActive', { id: current.id, status: current.status, check: current.check_kind });
  // Once is enough: the IT office has been told and the page no longer offers the form.
  if (current.disputed_at) throw new AlreadyDoneError('tickets.errors.alreadyDisputed', { id: current.id });
  // The IT office kept it with this department after an earlier dispute (dismissDispute): decided, not asked again —
  // each dispute stops the department's clock.
  if (await disputeSettled(trx, current)) throw new ConflictError('tickets.errors.disputeSettled', { id: current.id });
  // A report ticket's "not ours" is the department's answer to the report, on its answer page (as its "fixed" is): the
  // ticket page offers no dispute form for it, and a dispute sent anyway (a page from before, a hand-made form) would
  // flag the ticket without answering the report.
  if (disputedByReportAnswer(current.check_kind) && input.reportAnswer !== true)
    throw new ConflictError('tickets.errors.reportDisputedByAnswer', { id: current.id });
  const reason = requiredText(input.reason, 'reason', 'tickets.errors.reasonRequired');
  // A request for more time waiting is withdrawn: the dispute stops the clock, and keeping the ticket after it moves
  // the due date on by the dispute's days (dismissDispute); the page would otherwise say both "stopped" and "running".
  const withdrawn = endingExtension(current);
  const setAside = input.setsAsideFix === true && current.status === 'fixed';
  const updated = await updateTicket(
    trx,
    current,
    { disputed_at: now, ...(setAside ? { status: 'acknowledged' as const } : {}), ...(withdrawn ? NO_EXTENSION : {}) },
    now,
  );
  if (alsoWrite) await alsoWrite(updated, reason, now);
  await recordAndAudit(
    trx,
    updated,
    'ticket.dispute',
    {
      kind: 'disputed',
      at: now,
      actor: input.actor,
      ...(setAside ? { from: 'fixed' as const, to: 'acknowledged' as const } : {}),
      comment: reason,
      ...(withdrawn ? { details: { extension_ended: withdrawn } } : {}),
    },
    input.origin,
  );
  return updated;
}

/**
 * The IT office hands an active ticket to another department (e.g. after a dispute). The new
 * department gets a ticket to work on, whatever the previous one had done with it: `open`, with a due
 * date as for a new ticket of its severity counted from today (it has only just heard of the
 * problem), reminders and escalation starting over. From `acknowledged` that is the previous
 * department's "we are on it"; from `fixed` its fix, which is set aside — for a report ticket the
 * answer and the fix waiting for the reporter's confirmation (5 working days of silence would
 * otherwise resolve it on a change the new department never made), for a check ticket the re-check
 * request (the next run still resolves the ticket if the check passes, from any status). The
 * history row and the audit row name the status change, the cleared answer and fix, and the due date.
 */
export async function reassignTicket(
  db: Knex,
  input: {
    ticketId: number;
    actor: CurrentUser;
    /** A department code; the API's JSON of another type is a 422 naming `department`. */
    department: unknown;
    reason: unknown;
    calendar: TicketCalendar;
    /** The version the page showed: another officer's reassignment (or any change) since then is a 409, not overwritten. */
    expectedVersion?: unknown;
    origin?: RequestOrigin;
    now?: Date;
  },
): Promise<TicketRow & { reassigned_from: string }> {
  const sentDepartment = input.department;
  const department = typeof sentDepartment === 'string' ? sentDepartment.trim() : '';
  const now = input.now ?? new Date();
  return db.transaction(async (trx) => {
    const current = await lockActiveForOffice(trx, input.ticketId, input.actor);
    // A code in any case, as the tickets list takes it (`org` is ORG); null when no department has it.
    const written = department ? await departmentCodeAsWritten(trx, department) : null;
    // The page never offers the ticket's own department: this is the form sent again after it was reassigned.
    if (written === current.department_code) throw new AlreadyDoneError('tickets.errors.already.department', { id: current.id });
    checkSentTypes({ expectedVersion: input.expectedVersion });
    await checkVersion(trx, current, input.expectedVersion as number | null | undefined, input.actor);
    const problems: ValidationError['fields'] = [];
    const reason = sentText(input.reason, 'reason', problems);
    // Nothing chosen is the form's mistake, said as the form says it; a code no department has, a crafted one.
    if (sentDepartment != null && typeof sentDepartment !== 'string')
      problems.push({ field: 'department', key: 'tickets.errors.departmentType' });
    else if (!department) problems.push({ field: 'department', key: 'tickets.errors.departmentRequired' });
    else if (!written) problems.push({ field: 'department', key: 'tickets.errors.department', params: { value: department } });
    // Named after the department, as the form reads: a reason of another type or too long was named above.
    if (!reason && !problems.some((p) => p.field === 'reason'))
      problems.push({ field: 'reason', key: 'tickets.errors.reasonRequired' });
    if (problems.length || !reason || !written) throw new ValidationError(problems);
    return reassignLocked(trx, current, {
      department: written,
      actor: input.actor,
      comment: reason,
      calendar: input.calendar,
      origin: input.origin,
      now,
    });
  });
}

/**
 * The reassignment itself, on a ticket the caller has locked (`lockTicket`) and found active, inside the caller's
 * transaction: the IT office's form (reassignTicket) and a catalog import that hands a table or field to another
 * department (catalog-change.ts), which passes no actor (the system), a `fingerprint` for the new owner (the check
 * results now carry its code) and `details` saying why. Every query uses `trx`.
 */
export async function reassignLocked(
  trx: Knex.Transaction,
  current: TicketRow,
  input: {
    department: string;
    actor: CurrentUser | null;
    comment: string | null;
    calendar: TicketCalendar;
    now: Date;
    origin?: RequestOrigin;
    /** The ticket's identity under its new owner (catalog-change.ts); the office's reassignment keeps it. */
    fingerprint?: { fingerprint: string; fingerprint_department: string };
    details?: Record<string, unknown>;
    /** The due-date settings, when the caller moves many tickets in one transaction (read here otherwise). */
    dueDays?: DueWorkingDays;
  },
): Promise<TicketRow & { reassigned_from: string }> {
  const { now } = input;
  const written = input.department;
  const updated = await updateTicket(
    trx,
    current,
    {
      department_code: written,
      ...(input.fingerprint ?? {}),
      status: 'open',
      due_at: dueDateFor(input.calendar, now, current.severity, input.dueDays ?? (await loadDueWorkingDays(trx))),
      disputed_at: null,
      escalated_at: null,
      reminded_at: null,
      recheck_requested_at: null,
      // The new department has asked for nothing.
      ...NO_EXTENSION,
    },
    now,
  );
  // A report ticket's current answer was the previous department's ("not ours", as a rule, or a
  // fix): the new one starts unanswered. The history keeps the answer (the `disputed`/`answered`
  // event) and who gave it.
  const cleared =
    current.check_kind === REPORT_CHECK ? await clearAnswerForNewOwner(trx, current.id, now) : { answer: null, fixedAt: null };
  // When the previous department said it was fixed: its answer's time, else the "fixed" button's.
  const clearedFix = current.status === 'fixed' ? (cleared.fixedAt ?? current.recheck_requested_at) : null;
  const moved = current.status !== 'open';
  await recordAndAudit(
    trx,
    updated,
    'ticket.reassign',
    {
      kind: 'reassigned',
      at: now,
      actor: input.actor,
      from: moved ? current.status : null,
      to: moved ? 'open' : null,
      comment: input.comment,
      details: {
        ...(input.details ?? {}),
        from_department: current.department_code,
        to_department: written,
        due_at: updated.due_at,
        cleared_answer: cleared.answer ?? undefined,
        cleared_fix: clearedFix ? new Date(clearedFix).toISOString() : undefined,
        extension_ended: endingExtension(current),
      },
    },
    input.origin,
  );
  // Who had it: both departments are told once this commits (routes/tickets/notices.ts tellReassigned).
  return { ...updated, reassigned_from: current.department_code };
}

/** Whether the IT office kept this ticket with its current department after a dispute (a `dispute_refused` row naming it). */
export async function disputeSettled(
  db: Knex | Knex.Transaction,
  ticket: Pick<TicketRow, 'id' | 'department_code'>,
): Promise<boolean> {
  const row = await db('ticket_events')
    .where({ ticket_id: ticket.id, kind: 'dispute_refused' })
    .whereRaw(`details->>'department' = ?`, [ticket.department_code])
    .first('id');
  return !!row;
}

/**
 * The IT office keeps a disputed ticket with its department: "not our data" is not accepted, and says why (the
 * department reads it in its history and inbox). While the office decided, the department's clock stood still —
 * reminders and escalation skip a disputed ticket (deadlines.ts) — so the due date moves on by the working days the
 * dispute lasted, and the reminder may come again. A report ticket's answer "not ours" is set aside: the department
 * answers the report again. Reassigning (reassignTicket) is the office's other way to settle a dispute.
 */
export async function dismissDispute(
  db: Knex,
  input: {
    ticketId: number;
    actor: CurrentUser;
    reason: unknown;
    calendar: TicketCalendar & { workingDaysBetween(a: string, b: string): number };
    expectedVersion?: unknown;
    origin?: RequestOrigin;
    now?: Date;
  },
): Promise<TicketRow> {
  const now = input.now ?? new Date();
  return db.transaction(async (trx) => {
    const current = await lockActiveForOffice(trx, input.ticketId, input.actor);
    // Settled meanwhile. Kept already (the form sent twice, a colleague who kept it too): nothing to keep, nothing done —
    // as an extension answered twice (a 409 to the API; the page goes back with a notice, the list kept). Settled
    // otherwise (reassigned in another tab, say): a conflict — the page keeps what was typed and says so.
    // Settled by this very person (another tab or window): the message says so, not "someone else".
    if (!current.disputed_at) {
      const last = await trx('ticket_events')
        .where({ ticket_id: current.id })
        .whereIn('kind', ['disputed', 'dispute_refused'])
        .orderBy('id', 'desc')
        .first('id', 'kind', 'actor_user_id');
      if (last?.kind === 'disputed') {
        // What ended it: a reassignment or a reopening, the first after the dispute.
        const ended = await trx('ticket_events')
          .where({ ticket_id: current.id })
          .where('id', '>', last.id)
          .whereIn('kind', ['reassigned', 'reopened'])
          .orderBy('id')
          .first('actor_user_id');
        throw new ConflictError(
          byActor(ended, input.actor) ? 'tickets.errors.disputeEndedByYou' : 'tickets.errors.disputeEnded',
          {
            id: current.id,
          },
        );
      }
      if (byActor(last, input.actor)) throw new AlreadyDoneError('tickets.errors.disputeRefusedByYou', { id: current.id });
      throw new AlreadyDoneError('tickets.errors.notDisputed', { id: current.id });
    }
    checkSentTypes({ expectedVersion: input.expectedVersion });
    await checkVersion(trx, current, input.expectedVersion as number | null | undefined, input.actor);
    const reason = requiredText(input.reason, 'reason', 'tickets.errors.reasonRequired');
    const zone = input.calendar.timezone;
    const lost = Math.max(0, input.calendar.workingDaysBetween(todayIn(zone, new Date(current.disputed_at)), todayIn(zone, now)));
    const dueAt = lost > 0 ? input.calendar.addWorkingDays(current.due_at, lost) : current.due_at;
    // A report ticket disputed after its "fixed" answer: that answer and fix are set aside with the "not ours" (the
    // department answers again), so it no longer waits for its reporters' confirmation — back to acknowledged (the
    // department has it in hand), as a reassignment puts it back to open. A check ticket's fix still waits for its re-check.
    const report = current.check_kind === REPORT_CHECK;
    const status = report && current.status === 'fixed' ? 'acknowledged' : current.status;
    const updated = await updateTicket(
      trx,
      current,
      { status, disputed_at: null, due_at: dueAt, ...(dueAt !== current.due_at ? { reminded_at: null } : {}) },
      now,
    );
    const cleared = report ? await clearAnswerForNewOwner(trx, current.id, now) : { answer: null };
    const moved = status !== current.status;
    await recordAndAudit(
      trx,
      updated,
      'ticket.dispute_refuse',
      {
        kind: 'dispute_refused',
        at: now,
        actor: input.actor,
        from: moved ? current.status : null,
        to: moved ? status : null,
        comment: reason,
        details: {
          department: current.department_code,
          due_at_before: current.due_at,
          due_at: dueAt,
          working_days: lost,
          cleared_answer: cleared.answer ?? undefined,
        },
      },
      input.origin,
    );
    return updated;
  });
}
