/**
 * More time for a ticket (申请延期). A department that cannot fix its data by the due date — it waits for an official
 * document, a system vendor, the next term's enrolment — asks the IT office for a number of working days with a
 * reason; the office grants them (possibly fewer) or refuses. One request waits at a time, on the ticket itself
 * (`extension_requested_at`, `extension_days`); each step is a history row and an audit row.
 *
 * Unlike a dispute, a request does not stop the clock: the ticket is still due on its date, it is reminded and shown
 * overdue as before. Only the escalation waits for the office's answer (deadlines.ts), so that a department which
 * asked in time is not reported to the office for the office's own delay. A granted extension moves the due date on
 * by the granted working days counted from the current due date; a refusal leaves it where it was.
 *
 * Order of refusals as in transitions.ts: unknown ticket (404) → not allowed (403) → already done (409
 * AlreadyDoneError) → not possible now (409) → the form's own input (422).
 */
import type { Knex } from 'knex';
import { AlreadyDoneError, ConflictError, ForbiddenError, ValidationError } from '../../errors';
import { can, CurrentUser } from '../../policies';
import { todayIn } from '../calendar';
import { typedWholeNumber } from '../typed-number';
import type { TicketCalendar } from './apply';
import { byActor, recordAndAudit, updateTicket } from './events';
import { checkSentTypes, checkVersion, lockActiveForOffice, lockVisible, sentRequiredText, sentText } from './transitions';
import { EXTENSION_STATUSES, extensionPending, NO_EXTENSION, type RequestOrigin, type TicketRow } from './types';

/** At most four working weeks at a time: longer is a plan, for the IT office to agree in a comment or a close. */
export const MAX_EXTENSION_DAYS = 20;

/**
 * A number of working days as sent: a form's text (full-width digits too) or the API's number (`json`: a JSON number
 * only, as its `version` — `"3"` is a mistake of type there). Anything but a whole number 1–MAX_EXTENSION_DAYS is a
 * problem of `days`, added to `problems` (0 returned), its message giving the range 1–`shownMax`: the IT office's
 * grant form offers 1 to the days asked for, and is told that range, not the department's.
 */
function sentDays(sent: unknown, problems: ValidationError['fields'], json = false, shownMax = MAX_EXTENSION_DAYS): number {
  if (json && sent != null && typeof sent !== 'number') {
    problems.push({ field: 'days', key: 'tickets.errors.daysType', params: { max: shownMax } });
    return 0;
  }
  const text = (typeof sent === 'number' ? String(sent) : typeof sent === 'string' ? sent : '').trim();
  const digits = text ? typedWholeNumber(text, 6) : null;
  const days = digits == null ? NaN : Number(digits);
  if (days >= 1 && days <= MAX_EXTENSION_DAYS) return days;
  problems.push({
    field: 'days',
    key: text ? 'tickets.errors.extensionDays' : 'tickets.errors.extensionDaysRequired',
    params: { max: shownMax, value: text.slice(0, 20) },
  });
  return 0;
}

interface ExtensionRequestInput {
  ticketId: number;
  actor: CurrentUser;
  days: unknown;
  /** `days` as the API sends it: a JSON number, not text (sentDays). */
  jsonDays?: boolean;
  reason: unknown;
  expectedVersion?: unknown;
  origin?: RequestOrigin;
  now?: Date;
}

/** The department asks for `days` more working days, with a reason; the IT office is told by the caller (notify.ts). */
export async function requestExtension(db: Knex, input: ExtensionRequestInput): Promise<TicketRow> {
  const now = input.now ?? new Date();
  return db.transaction(async (trx) => {
    const current = await lockVisible(trx, input.ticketId, input.actor);
    if (!can(input.actor, 'tickets.work', { department: current.department_code })) throw new ForbiddenError();
    if (extensionPending(current)) throw new AlreadyDoneError('tickets.errors.alreadyExtensionAsked', { id: current.id });
    if (!EXTENSION_STATUSES.includes(current.status))
      throw new ConflictError('tickets.errors.extensionStatus', {
        id: current.id,
        status: current.status,
        check: current.check_kind,
      });
    // Disputed: the clock already stands still until the office decides whose data it is.
    if (current.disputed_at) throw new ConflictError('tickets.errors.extensionDisputed', { id: current.id });
    checkSentTypes({ expectedVersion: input.expectedVersion });
    await checkVersion(trx, current, input.expectedVersion as number | null | undefined, input.actor);
    // Every mistake of the form at once: the days and the reason (missing, of the wrong type, too long).
    const problems: ValidationError['fields'] = [];
    const days = sentDays(input.days, problems, input.jsonDays);
    const reason = sentRequiredText(input.reason, 'reason', 'tickets.errors.extensionReasonRequired', problems);
    if (problems.length) throw new ValidationError(problems);
    const updated = await updateTicket(trx, current, { extension_requested_at: now, extension_days: days }, now);
    await recordAndAudit(
      trx,
      updated,
      'ticket.extension_request',
      { kind: 'extension_asked', at: now, actor: input.actor, comment: reason, details: { days, due_at: current.due_at } },
      input.origin,
    );
    return updated;
  });
}

interface ExtensionDecisionInput {
  ticketId: number;
  actor: CurrentUser;
  /** Granting: the working days granted (the form offers the days asked for); refusing: ignored. */
  days?: unknown;
  /** `days` as the API sends it: a JSON number, not text (sentDays). */
  jsonDays?: boolean;
  reason?: unknown;
  calendar: TicketCalendar;
  expectedVersion?: unknown;
  origin?: RequestOrigin;
  now?: Date;
}

/** The ticket after the IT office's answer, and the working days granted (granting) or asked for (refusing). */
export interface ExtensionDecision {
  ticket: TicketRow;
  days: number;
}

/**
 * Loads the ticket for the IT office's answer: 404, 403, 409 when no request waits. The same answer given already (the
 * form sent twice, a colleague who decided the same) is done, nothing changed; the other answer given meanwhile (granted
 * in one tab, refused in another), or the request ended by a change to the ticket, is a conflict — the page keeps what
 * was typed, and the message says what was decided, and that it was this person's own answer when it was (another tab).
 */
async function lockPendingRequest(
  trx: Knex.Transaction,
  input: ExtensionDecisionInput,
  decision: 'extension_given' | 'extension_denied',
): Promise<TicketRow> {
  const current = await lockActiveForOffice(trx, input.ticketId, input.actor);
  if (!extensionPending(current)) {
    const last = await trx('ticket_events')
      .where({ ticket_id: current.id })
      .whereIn('kind', ['extension_asked', 'extension_given', 'extension_denied'])
      .orderBy('id', 'desc')
      .first('kind', 'details', 'actor_user_id');
    if (!last) throw new AlreadyDoneError('tickets.errors.extensionNotPending', { id: current.id });
    // Decided by this very person (another tab or window): says so, not "someone else".
    const mine = byActor(last, input.actor);
    if (last.kind === decision)
      throw new AlreadyDoneError(mine ? 'tickets.errors.extensionSameByYou' : 'tickets.errors.extensionNotPending', {
        id: current.id,
      });
    if (last.kind === 'extension_given')
      throw new ConflictError(mine ? 'tickets.errors.extensionDecidedByYou.given' : 'tickets.errors.extensionDecided.given', {
        id: current.id,
        days: Number(last.details?.days ?? 0),
        due: String(last.details?.due_at ?? current.due_at),
      });
    if (last.kind === 'extension_denied')
      throw new ConflictError(mine ? 'tickets.errors.extensionDecidedByYou.denied' : 'tickets.errors.extensionDecided.denied', {
        id: current.id,
      });
    throw new ConflictError('tickets.errors.extensionEnded', { id: current.id });
  }
  checkSentTypes({ expectedVersion: input.expectedVersion });
  await checkVersion(trx, current, input.expectedVersion as number | null | undefined, input.actor);
  return current;
}

/**
 * The IT office grants the request (the days asked for, or fewer): the due date moves on by the granted working days
 * from the current due date.
 * The reminder comes again before the new date; an escalation is withdrawn when the new date is not past, and comes
 * again if that date passes too. The reason is optional: granting what was asked needs none.
 */
export async function grantExtension(db: Knex, input: ExtensionDecisionInput): Promise<ExtensionDecision> {
  const now = input.now ?? new Date();
  return db.transaction(async (trx) => {
    const current = await lockPendingRequest(trx, input, 'extension_given');
    const problems: ValidationError['fields'] = [];
    // The office may grant what was asked or less: more is a new plan, for the department to ask.
    const asked = current.extension_days ?? MAX_EXTENSION_DAYS;
    const days = sentDays(input.days ?? current.extension_days, problems, input.jsonDays, asked);
    if (days > asked) problems.push({ field: 'days', key: 'tickets.errors.extensionMoreThanAsked', params: { asked } });
    const reason = sentText(input.reason, 'reason', problems);
    if (problems.length) throw new ValidationError(problems);
    const dueAt = input.calendar.addWorkingDays(current.due_at, days);
    const today = todayIn(input.calendar.timezone, now);
    const updated = await updateTicket(
      trx,
      current,
      {
        ...NO_EXTENSION,
        due_at: dueAt,
        reminded_at: null,
        ...(current.escalated_at && dueAt >= today ? { escalated_at: null } : {}),
      },
      now,
    );
    await recordAndAudit(
      trx,
      updated,
      'ticket.extension_grant',
      {
        kind: 'extension_given',
        at: now,
        actor: input.actor,
        comment: reason,
        details: { days, days_asked: current.extension_days, due_at_before: current.due_at, due_at: dueAt },
      },
      input.origin,
    );
    return { ticket: updated, days };
  });
}

/** The IT office refuses the request, saying why (the department reads it); the due date stays. */
export async function refuseExtension(db: Knex, input: ExtensionDecisionInput): Promise<ExtensionDecision> {
  const now = input.now ?? new Date();
  return db.transaction(async (trx) => {
    const current = await lockPendingRequest(trx, input, 'extension_denied');
    const problems: ValidationError['fields'] = [];
    const reason = sentRequiredText(input.reason, 'reason', 'tickets.errors.reasonRequired', problems);
    if (problems.length) throw new ValidationError(problems);
    const updated = await updateTicket(trx, current, { ...NO_EXTENSION }, now);
    await recordAndAudit(
      trx,
      updated,
      'ticket.extension_refuse',
      {
        kind: 'extension_denied',
        at: now,
        actor: input.actor,
        comment: reason,
        details: { days_asked: current.extension_days, due_at: current.due_at },
      },
      input.origin,
    );
    return { ticket: updated, days: current.extension_days ?? 0 };
  });
}
