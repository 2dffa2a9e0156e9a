/**
 * User error reports (issue 6) as ticket state changes. Like transitions.ts, every function locks
 * the ticket, checks who may act and from which status, and writes the change, a history row and
 * an audit row in one transaction.
 *
 * - `fileReport` files a `report` ticket for (table, field, department, record key) or joins the
 *   active one; runs inside the caller's transaction (the report row is written there too).
 * - `answerReport`: the department answers `fixed` (→ fixed, the reporter is asked to confirm) or
 *   `not_error` (→ closed with the reason). "Not our data" is `disputeTicket`.
 * - `confirmReportFix` (reporter) and `resolveUnconfirmedFixes` (job, 5 working days of silence):
 *   fixed → resolved.
 * - `reopenReport`: a reporter may reopen once with a comment; the IT office may always reopen.
 *
 * History kinds: `reported` (one per report, comment = the reporter's description), `answered`
 * (the department's answer; the scorecards count the first one against the due date),
 * `confirmed` (fixed → resolved, by the reporter or by silence), `reopened`.
 */
import type { Knex } from 'knex';
import { AlreadyDoneError, ConflictError, FieldError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import { visibleTicket } from './visibility';
import { can, CurrentUser } from '../../policies';
import { todayIn } from '../calendar';
import { saveUpload, uploadProblem } from '../uploads';
import { dueDateFor, lockFingerprint, TicketCalendar } from './apply';
import { lockTicket, recordAndAudit, updateTicket } from './events';
import { fingerprintOf } from './fingerprint';
import { NO_CURRENT_ANSWER, patchReportState, REPORT_CHECK } from './report-state';
import { loadDueWorkingDays } from './settings';
import { MAX_COMMENT } from './transitions';
import {
  ACTIVE_STATUSES,
  endingExtension,
  REOPEN_WINDOW_DAYS,
  RequestOrigin,
  Severity,
  TicketActor,
  TicketRow,
  TicketStatus,
} from './types';
import { textTooLong, visibleText } from '../characters';
import { forbiddenCharacterProblem } from '../../middleware/body-safety';

export { REPORT_CHECK };
export const REPORT_ANSWERS = ['fixed', 'not_error'] as const;
export type ReportAnswer = (typeof REPORT_ANSWERS)[number];
/** Working days a reporter has to confirm a fix before silence counts as yes. */
export const CONFIRM_WORKING_DAYS = 5;

export interface FileReportInput {
  table: string;
  field: string;
  department: string;
  recordKey: Record<string, string>;
  severity: Severity;
  /** The ticket's sentence (shared by every reporter), e.g. "教职工基本信息·政治面貌：数据使用者报告记录（职工号 20190001）有误". */
  message: string;
  /** The same in English (English pages). */
  messageEn: string;
  /** The record key as stewards may see it (sensitive key columns masked). */
  sampleKey: Record<string, string>;
  reportId: number;
  /**
   * A report the IT office routed from triage: when the reporter sent it and who routed it. The ticket's history
   * records the report at the routing (when the department got it), in the reporter's name; these say the rest,
   * so the entry does not read as the reporter's act at the routing's time.
   */
  routed?: { reportedAt: Date; by: string };
  description: string;
  suggestedValue: string | null;
  /**
   * The description and suggested value as the audit log keeps them: masked as the IT office reads them
   * (a name field's value `张*`, IDs and phones in the text). The ticket's history keeps them as typed,
   * for the department that fixes the record.
   */
  audited: { description: string; suggestedValue: string | null };
  actor: TicketActor;
  calendar: TicketCalendar;
  now: Date;
  origin?: RequestOrigin;
}

/**
 * What a reopen changes on a report ticket: back to `open` with a fresh due date, reminders and
 * escalation starting over. `disputed_at` is the caller's choice (see `reopenReport`, `fileReport`).
 */
function reopenChanges(current: TicketRow, dueAt: string): Partial<TicketRow> {
  return {
    status: 'open',
    reopened: current.reopened + 1,
    due_at: dueAt,
    resolved_at: null,
    closed_reason: null,
    escalated_at: null,
    reminded_at: null,
    recheck_requested_at: null,
  };
}

/**
 * Files the report's ticket or joins the active one for the same record and field. A report on a
 * ticket the department answered `fixed` is an objection to that fix: the ticket is reopened
 * (`reopened: true`) — back to the department with a fresh due date — instead of waiting for
 * confirmations the new reporter never gave.
 */
export async function fileReport(
  trx: Knex.Transaction,
  input: FileReportInput,
): Promise<{ ticket: TicketRow; joined: boolean; reopened: boolean }> {
  const fingerprint = fingerprintOf({
    check: REPORT_CHECK,
    table: input.table,
    field: input.field,
    department: input.department,
    recordKey: input.recordKey,
  });
  await lockFingerprint(trx, fingerprint);
  const active = (await trx('tickets').where({ fingerprint }).whereIn('status', ACTIVE_STATUSES).forUpdate().first()) as
    TicketRow | undefined;
  const event = {
    kind: 'reported' as const,
    at: input.now,
    actor: input.actor,
    comment: input.description,
    details: {
      report_id: input.reportId,
      suggested_value: input.suggestedValue ?? undefined,
      ...(input.routed ? { reported_at: input.routed.reportedAt.toISOString(), routed_by: input.routed.by } : {}),
    },
  };
  const auditView = {
    comment: input.audited.description,
    details: { ...event.details, suggested_value: input.audited.suggestedValue ?? undefined },
  };
  if (active && active.status === 'fixed') {
    const dueAt = dueDateFor(input.calendar, input.now, active.severity, await loadDueWorkingDays(trx));
    // The dispute (if any) stays: the IT office has not decided it yet.
    const ticket = await updateTicket(
      trx,
      active,
      { ...reopenChanges(active, dueAt), occurrences: active.occurrences + 1, last_seen: input.now },
      input.now,
    );
    await patchReportState(trx, active.id, NO_CURRENT_ANSWER, input.now);
    await recordAndAudit(trx, ticket, 'ticket.report', event, input.origin, auditView);
    // No comment: the earlier reporters read this event, and the new reporter's description is theirs alone.
    await recordAndAudit(
      trx,
      ticket,
      'ticket.reopen',
      {
        kind: 'reopened',
        at: input.now,
        actor: input.actor,
        from: 'fixed',
        to: 'open',
        details: { by: 'report', report_id: input.reportId, due_at: dueAt },
      },
      input.origin,
    );
    return { ticket, joined: true, reopened: true };
  }
  if (active) {
    const ticket = await updateTicket(trx, active, { occurrences: active.occurrences + 1, last_seen: input.now }, input.now);
    await recordAndAudit(trx, ticket, 'ticket.report', event, input.origin, auditView);
    return { ticket, joined: true, reopened: false };
  }
  const dueAt = dueDateFor(input.calendar, input.now, input.severity, await loadDueWorkingDays(trx));
  const [ticket] = (await trx('tickets')
    .insert({
      fingerprint,
      check_kind: REPORT_CHECK,
      table_name: input.table,
      field_name: input.field,
      fingerprint_department: input.department,
      department_code: input.department,
      status: 'open',
      severity: input.severity,
      message: input.message,
      message_en: input.messageEn,
      // One record is in question; how many people reported it is `occurrences`.
      violations: 1,
      checked_rows: 1,
      sample_keys: JSON.stringify([input.sampleKey]),
      record_key: JSON.stringify(input.recordKey),
      first_seen: input.now,
      last_seen: input.now,
      occurrences: 1,
      due_at: dueAt,
      updated_at: input.now,
    })
    .returning('*')) as TicketRow[];
  await trx('report_tickets').insert({ ticket_id: ticket.id, updated_at: input.now });
  await recordAndAudit(
    trx,
    ticket,
    'ticket.report',
    { ...event, to: 'open', details: { ...event.details, due_at: dueAt } },
    input.origin,
    { ...auditView, details: { ...auditView.details, due_at: dueAt } },
  );
  return { ticket, joined: false, reopened: false };
}

/** The trimmed text (null when empty), or the field's problem when it is too long. */
function textOf(value: string | null | undefined, field: string): { text: string | null; problem?: FieldError } {
  const c = visibleText(value ?? '');
  const problem = textTooLong(c, field, MAX_COMMENT);
  return problem ? { text: null, problem } : { text: c || null };
}

function cleanText(value: string | null | undefined, field: string): string | null {
  const { text, problem } = textOf(value, field);
  if (problem) throw new ValidationError([problem]);
  return text;
}

/** The report ticket `id`, locked; undefined when there is none (another check's ticket is none). */
async function lockedReportTicket(trx: Knex.Transaction, id: number): Promise<TicketRow | undefined> {
  const ticket = Number.isSafeInteger(id) ? await lockTicket(trx, id) : undefined;
  return ticket?.check_kind === REPORT_CHECK ? ticket : undefined;
}

async function lockReportTicket(trx: Knex.Transaction, id: number): Promise<TicketRow> {
  const ticket = await lockedReportTicket(trx, id);
  if (!ticket) throw new NotFoundError('tickets.errors.notFound', { id: String(id) });
  return ticket;
}

async function isReporter(trx: Knex.Transaction, ticketId: number, userId: number): Promise<boolean> {
  // A withdrawn report left the ticket: its reporter no longer confirms or reopens it.
  return !!(await trx('reports')
    .where({ ticket_id: ticketId, reporter_id: userId })
    .whereNot({ status: 'withdrawn' })
    .first('id'));
}

export interface AnswerInput {
  ticketId: number;
  answer: string;
  actor: CurrentUser;
  comment?: string | null;
  /** The source document backing "not an error" (PDF or image, checked by content). */
  document?: { filename: string; buffer: Buffer } | null;
  /** What the form's upload parser found wrong with the document (too large: `document` is then null), refused with the rest. */
  uploadProblems?: FieldError[];
  origin?: RequestOrigin;
  now?: Date;
}

type AnswerDocument = { filename: string; buffer: Buffer };

/**
 * A report answer's document as the answer takes it (any of the three answers): an empty file is none; one that is not
 * a PDF, PNG or JPEG (by content) adds its problem, naming the document, to the answer's `problems`.
 */
export function answerDocument(document: AnswerDocument | null | undefined, problems: FieldError[]): AnswerDocument | null {
  const kept = document && document.buffer.length ? document : null;
  const problem = kept && uploadProblem(kept.buffer);
  if (problem) problems.push({ field: 'document', key: `reports.errors.upload.${problem}` });
  return kept;
}

/** Stores an answer's document in the answer's transaction: its upload's id, null without one. */
export async function saveAnswerDocument(
  trx: Knex.Transaction,
  document: AnswerDocument | null,
  actor: CurrentUser,
): Promise<number | null> {
  return document
    ? saveUpload(trx, { purpose: 'report_answer', filename: document.filename, buffer: document.buffer, uploadedBy: actor.id })
    : null;
}

/**
 * The ticket already stands on this answer: answered fixed and waiting for the reporters, or answered not an
 * error and closed. Another answer, or the same one after a reopen, is not the same.
 */
export function sameAnswerGiven(ticket: Pick<TicketRow, 'status'>, current: string | null | undefined, answer: string): boolean {
  return current === answer && ticket.status === (answer === 'fixed' ? 'fixed' : answer === 'not_error' ? 'closed' : null);
}

/** The responsible department's answer: fixed, or not an error (reason required). */
export async function answerReport(db: Knex, input: AnswerInput): Promise<TicketRow> {
  const answer = input.answer as ReportAnswer;
  const now = input.now ?? new Date();
  return db.transaction(async (trx) => {
    // Missing or not even visible to this user: one 404 (ticketNotFound); visible but not theirs to answer (the IT office): 403.
    const current = visibleTicket(await lockedReportTicket(trx, input.ticketId), input.actor, input.ticketId, 'reports.ticket');
    if (!can(input.actor, 'tickets.work', { department: current.department_code })) throw new ForbiddenError();
    const state = await trx('report_tickets').where({ ticket_id: current.id }).first('answer', 'first_answered_at');
    // The form sent twice, or the same answer given meanwhile in another tab: done, nothing changed.
    if (sameAnswerGiven(current, state?.answer, answer))
      throw new AlreadyDoneError(`reports.errors.already.${answer}`, { id: current.id });
    const from: TicketStatus[] = ['open', 'acknowledged'];
    // Its "not ours" waits for the IT office (answersOffered): no other answer until the office decides.
    if (!from.includes(current.status) || current.disputed_at)
      throw new ConflictError('tickets.errors.illegal', {
        id: current.id,
        from: current.status,
        to: input.answer,
        check: current.check_kind,
      });
    // The form only after who and when: an answered ticket's page has no answer form to show a message in.
    if (!REPORT_ANSWERS.includes(answer))
      throw new ValidationError([
        { field: 'answer', key: 'reports.errors.answer', params: { allowed: REPORT_ANSWERS.join(', ') } },
      ]);
    // Every problem of the form at once (the reason and the document), so one correction is enough.
    const problems: FieldError[] = [...(input.uploadProblems ?? [])];
    const { text: comment, problem: commentProblem } = textOf(input.comment, 'comment');
    if (commentProblem) problems.push(commentProblem);
    else if (answer === 'not_error' && !comment) problems.push({ field: 'comment', key: 'reports.errors.reasonRequired' });
    const document = answerDocument(input.document, problems);
    if (problems.length) throw new ValidationError(problems);
    const to: TicketStatus = answer === 'fixed' ? 'fixed' : 'closed';
    const changes: Partial<TicketRow> =
      answer === 'fixed' ? { status: 'fixed' } : { status: 'closed', closed_reason: comment, resolved_at: null };
    const updated = await updateTicket(trx, current, changes, now);
    const documentId = await saveAnswerDocument(trx, document, input.actor);
    await patchReportState(
      trx,
      current.id,
      {
        answer,
        answer_comment: comment,
        answer_document_id: documentId,
        answered_at: now,
        first_answered_at: state?.first_answered_at ?? now,
        fixed_at: answer === 'fixed' ? now : null,
      },
      now,
    );
    await recordAndAudit(
      trx,
      updated,
      'ticket.answer',
      {
        kind: 'answered',
        at: now,
        actor: input.actor,
        from: current.status,
        to,
        comment,
        details: {
          answer,
          document_id: documentId ?? undefined,
          // A request for more time waiting ends with the answer (events.ts updateTicket): the history says so.
          extension_ended: endingExtension(current),
        },
      },
      input.origin,
    );
    return updated;
  });
}

/** A reporter agrees the fix is right: fixed → resolved. */
export async function confirmReportFix(
  db: Knex,
  input: { ticketId: number; actor: CurrentUser; origin?: RequestOrigin; now?: Date },
): Promise<TicketRow> {
  const now = input.now ?? new Date();
  return db.transaction(async (trx) => {
    const current = await lockReportTicket(trx, input.ticketId);
    if (!(await isReporter(trx, current.id, input.actor.id))) throw new ForbiddenError();
    // Confirmed already (the form sent twice, another reporter, or silence): done, nothing changed.
    if (current.status === 'resolved') throw new AlreadyDoneError('reports.errors.already.confirmed', { id: current.id });
    // Said of the report, as its page says it (the reporter never sees the ticket behind it): reopened by the IT
    // office meanwhile, say, there is no fix left to confirm.
    if (current.status !== 'fixed') throw new ConflictError('reports.errors.notConfirmable', { status: current.status });
    const updated = await updateTicket(trx, current, { status: 'resolved', resolved_at: now }, now);
    await patchReportState(trx, current.id, { confirmed_at: now }, now);
    await recordAndAudit(
      trx,
      updated,
      'ticket.resolve',
      {
        kind: 'confirmed',
        at: now,
        actor: input.actor,
        from: 'fixed',
        to: 'resolved',
        details: { reason: 'reporter_confirmed' },
      },
      input.origin,
    );
    return updated;
  });
}

/** Statuses an answered report can be reopened from: waiting for confirmation, resolved, closed. */
const REOPENABLE: TicketStatus[] = ['fixed', 'resolved', 'closed'];

/**
 * The reporter disagrees with the answer: back to the department with a fresh due date. Each
 * ticket's reporters may do so once; after that only the IT office reopens (it decides).
 */
export async function reopenReport(
  db: Knex,
  input: { ticketId: number; actor: CurrentUser; comment: string; calendar: TicketCalendar; origin?: RequestOrigin; now?: Date },
): Promise<TicketRow> {
  const now = input.now ?? new Date();
  return db.transaction(async (trx) => {
    const current = await lockReportTicket(trx, input.ticketId);
    const office = can(input.actor, 'tickets.reassign', { department: current.department_code });
    if (!office && !(await isReporter(trx, current.id, input.actor.id))) throw new ForbiddenError();
    if (!REOPENABLE.includes(current.status)) {
      // This user's own reopen is the ticket's last change of status (the form sent twice): done, nothing changed.
      const last = await trx('ticket_events')
        .where({ ticket_id: current.id })
        .whereNotNull('to_status')
        .orderBy('id', 'desc')
        .first('kind', 'actor_user_id');
      if (last?.kind === 'reopened' && Number(last.actor_user_id) === input.actor.id)
        throw new AlreadyDoneError('reports.errors.already.reopened', { id: current.id });
      throw new ConflictError('reports.errors.notReopenable', { status: current.status });
    }
    // Every report on it withdrawn by its reporter (reports/withdraw.ts): nobody is left to answer or to confirm a fix.
    if (!(await trx('reports').where({ ticket_id: current.id, status: 'routed' }).first('id')))
      throw new ConflictError('reports.errors.noReportsLeft');
    const state = (await trx('report_tickets').where({ ticket_id: current.id }).first('reporter_reopens')) ?? {
      reporter_reopens: 0,
    };
    if (!office && Number(state.reporter_reopens) >= 1) throw new ConflictError('reports.errors.reopenedOnce');
    const since = current.resolved_at ?? current.updated_at;
    if (current.status !== 'fixed' && now.getTime() - new Date(since).getTime() > REOPEN_WINDOW_DAYS * 86_400_000)
      throw new ConflictError('reports.errors.reopenTooLate', { days: REOPEN_WINDOW_DAYS });
    // After the state checks (its length and characters too): the page shows the comment's message only where a
    // reopen is possible, so a comment error on a report that cannot be reopened would show nothing.
    const characterProblem = forbiddenCharacterProblem('comment', input.comment ?? '');
    if (characterProblem) throw new ValidationError([characterProblem]);
    const comment = cleanText(input.comment, 'comment');
    // The reporter says why they disagree with the answer; the IT office, deciding, why it reopens.
    if (!comment)
      throw new ValidationError([
        { field: 'comment', key: office ? 'reports.errors.reopenReason' : 'reports.errors.reopenComment' },
      ]);
    await lockFingerprint(trx, current.fingerprint);
    const newer = await trx('tickets')
      .where({ fingerprint: current.fingerprint })
      .whereIn('status', ACTIVE_STATUSES)
      .whereNot({ id: current.id })
      .first('id');
    if (newer) throw new ConflictError('reports.errors.newerTicket', { id: Number(newer.id) });
    const dueAt = dueDateFor(input.calendar, now, current.severity, await loadDueWorkingDays(trx));
    const updated = await updateTicket(trx, current, { ...reopenChanges(current, dueAt), disputed_at: null }, now);
    await patchReportState(
      trx,
      current.id,
      { ...NO_CURRENT_ANSWER, reporter_reopens: Number(state.reporter_reopens) + (office ? 0 : 1) },
      now,
    );
    await recordAndAudit(
      trx,
      updated,
      'ticket.reopen',
      {
        kind: 'reopened',
        at: now,
        actor: input.actor,
        from: current.status,
        to: 'open',
        comment,
        details: { by: office ? 'it_office' : 'reporter', due_at: dueAt },
      },
      input.origin,
    );
    return updated;
  });
}

/**
 * Fixed report tickets whose reporters stayed silent for 5 working days after the fix (the day of
 * the fix not counted) are resolved. The fix time is the answer's, or — when the steward used the
 * ticket page's "fixed" button — the latest move to `fixed` in the history. Silence speaks only for
 * reporters who were there at the fix: a ticket a report joined after the fix is left for its
 * reporters to confirm or reopen (a report joining now reopens the ticket; this guards tickets that
 * got such a report before it did, or by any other way).
 */
export async function resolveUnconfirmedFixes(db: Knex, opts: { calendar: TicketCalendar; now: Date }): Promise<TicketRow[]> {
  const today = todayIn(opts.calendar.timezone, opts.now);
  const candidates: { id: number; fixed_at: Date | null; last_reported_at: Date | null }[] = await db('tickets as t')
    .leftJoin('report_tickets as rt', 'rt.ticket_id', 't.id')
    .where({ 't.check_kind': REPORT_CHECK, 't.status': 'fixed' })
    // Not one its department disputed: the IT office decides who owns the record first (a "not ours" given after
    // the fix sets the fix aside; tickets left so before that rule are not resolved behind the office's back).
    .whereNull('t.disputed_at')
    .select(
      't.id',
      db.raw(
        `coalesce(rt.fixed_at, (select max(e.at) from ticket_events e where e.ticket_id = t.id and e.to_status = 'fixed')) as fixed_at`,
      ),
      // When the last report joined (a triaged report joins when routed, not when written).
      db.raw(`(select max(e.at) from ticket_events e where e.ticket_id = t.id and e.kind = 'reported') as last_reported_at`),
    );
  const due = (c: (typeof candidates)[number]) =>
    !!c.fixed_at &&
    !(c.last_reported_at && new Date(c.last_reported_at) > new Date(c.fixed_at)) &&
    opts.calendar.addWorkingDays(todayIn(opts.calendar.timezone, new Date(c.fixed_at)), CONFIRM_WORKING_DAYS) < today;
  const resolved: TicketRow[] = [];
  for (const c of candidates.filter(due)) {
    const ticket = await db.transaction(async (trx) => {
      const t = await lockTicket(trx, Number(c.id));
      if (!t || t.status !== 'fixed') return null;
      const updated = await updateTicket(trx, t, { status: 'resolved', resolved_at: opts.now }, opts.now);
      await recordAndAudit(trx, updated, 'ticket.resolve', {
        kind: 'confirmed',
        at: opts.now,
        actor: null,
        from: 'fixed',
        to: 'resolved',
        details: { reason: 'no_reply', fixed_at: new Date(c.fixed_at!).toISOString(), working_days: CONFIRM_WORKING_DAYS },
      });
      return updated;
    });
    if (ticket) resolved.push(ticket);
  }
  return resolved;
}
