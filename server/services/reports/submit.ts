import type { Knex } from 'knex';
import { AlreadyDoneError, AppError, ConflictError, FieldError, NotFoundError, ValidationError } from '../../errors';
import type { Hub } from '../../hub';
import type { CurrentUser } from '../../policies';
import { appendAudit, auditActorOf } from '../audit';
import { loadCurrentCatalog } from '../catalog/repository';
import type { Catalog, CatalogField } from '../catalog/types';
import { addToInbox, settleNotices, type Notifier } from '../notifications';
import { maskFreeText, maskIdNumbersIn, type FieldLike } from '../privacy';
import {
  fileReport,
  loadTicketCalendar,
  notifyNewHighSeverity,
  RequestOrigin,
  subjectOf,
  TicketActor,
  TicketRow,
  ticketField,
} from '../tickets';
import { saveUpload } from '../uploads';
import { reportMessage, shownKey } from './describe';
import { HubLookup, HubRecord, hubMatches, presentLookup, readHubRecord, storedHubValue, storedMasked } from './lookup';
import { countLookup } from './lookup-limit';
import { maskReportText, maskReportValue } from './privacy';
import { loadReportSettings } from './settings';
import { Attachment, RawReport, ReportRow, REPORTS_PER_HOUR } from './types';
import { checkAttachment, checkReport } from './validate';
import { characterCount } from '../characters';
import { wallClockText } from '../calendar/zone';

export interface ReportDeps {
  db: Knex;
  hub: Hub;
  timezone: string;
  notifier?: Notifier;
}

/** 'HWRP': the advisory-lock namespace of per-reporter rate limiting. */
const RATE_LOCK = 0x48575250;

export interface PreviewInput {
  raw: RawReport;
  user: CurrentUser;
  origin?: RequestOrigin;
}

/**
 * The form's "look up" step: validates (input problems write nothing and are not counted), counts
 * the look-up against the user's hourly limit (429 over it), reads the record and answers what this
 * user may know of it (`presentLookup`: the value only for a table shared with everyone or for the
 * people owning it; otherwise whether the record exists and holds the value the user saw). Every
 * look-up is in the audit log with the masked key and the outcome, never the value.
 */
export async function previewReport(
  deps: ReportDeps,
  input: PreviewInput,
): Promise<{ lookup: HubLookup | null; problems: ReturnType<typeof checkReport>['problems'] }> {
  const catalog = (await loadCurrentCatalog(deps.db))?.catalog ?? null;
  // The look-up needs only table, field and key: the form offers it above the description, so
  // people look up before they describe (a missing description must not hide the hub value).
  const { input: report, problems } = checkReport(catalog, { ...input.raw, description: '(look-up)' });
  if (!report || !catalog) return { lookup: null, problems };
  await countLookup(deps.db, input.user.id);
  const record = await readHubRecord(deps.hub, report.table, report.field, report.recordKey);
  const lookup = presentLookup(record, {
    user: input.user,
    table: report.table,
    field: report.field,
    observed: report.observedValue,
  });
  await appendAudit(deps.db, {
    actor: auditActorOf(input.user),
    action: 'report.lookup',
    objectType: 'hub_record',
    objectId: `${report.table.name}.${report.field.name}`,
    summary: {
      table: report.table.name,
      field: report.field.name,
      key: shownKey(catalog, report.table.name, report.recordKey),
      result: record.status,
      shown: lookup.status === 'found' ? (lookup.shown ? 'value' : 'comparison') : undefined,
      matches: lookup.status === 'found' ? (lookup.matches ?? undefined) : undefined,
    },
    ...input.origin,
  });
  return { lookup, problems };
}

export interface SubmitInput {
  raw: RawReport;
  attachment?: Attachment | null;
  /**
   * What the form's upload parser found wrong with the attachment (a file over the limit, read and
   * dropped: `attachment` is then null), refused together with the report's other problems so the
   * form shows every message at once.
   */
  uploadProblems?: FieldError[];
  reporter: CurrentUser;
  now: Date;
  origin?: RequestOrigin;
}

export interface SubmitResult {
  report: ReportRow;
  ticket: TicketRow | null;
  joined: boolean;
  /** The report joined a ticket answered `fixed` and reopened it (an objection to the fix). */
  reopened: boolean;
  /** What the hub held (unmasked: for the service's own use, never shown as it is). */
  lookup: HubRecord;
}

/**
 * Files a report: validation (every problem at once, 422), the per-user hourly limit (429), the hub
 * look-up, then one transaction for the attachment, the report and its ticket (or, with triage on,
 * the report alone, waiting for the IT office). Notices go out after commit.
 */
export async function submitReport(deps: ReportDeps, input: SubmitInput): Promise<SubmitResult> {
  const { db } = deps;
  const catalog = (await loadCurrentCatalog(db))?.catalog ?? null;
  const { input: report, problems } = checkReport(catalog, input.raw);
  problems.push(...checkAttachment(input.attachment), ...(input.uploadProblems ?? []));
  if (problems.length || !report || !catalog) throw new ValidationError(problems);
  // Cheap refusal before the hub is asked; the binding count is the one under the lock below.
  const timezone = catalog.calendar.timezone || deps.timezone;
  await assertUnderLimit(db, input.reporter.id, input.now, timezone);

  const lookup = await readHubRecord(deps.hub, report.table, report.field, report.recordKey);
  const department = report.field.department ?? report.table.department;
  const { triage } = await loadReportSettings(db);
  const { calendar } = await loadTicketCalendar(db, deps.timezone);
  const shown = shownKey(catalog, report.table.name, report.recordKey);

  const result = await db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(?::int, ?::int)', [RATE_LOCK, input.reporter.id]);
    await assertUnderLimit(trx, input.reporter.id, input.now, timezone);
    const attachmentId = input.attachment
      ? await saveUpload(trx, {
          purpose: 'report',
          filename: input.attachment.filename,
          buffer: input.attachment.buffer,
          uploadedBy: input.reporter.id,
        })
      : null;
    const [row] = (await trx('reports')
      .insert({
        reporter_id: input.reporter.id,
        status: triage ? 'triage' : 'routed',
        table_name: report.table.name,
        field_name: report.field.name,
        record_key: JSON.stringify(report.recordKey),
        department_code: department,
        description: report.description,
        suggested_value: report.suggestedValue,
        observed_value: report.observedValue,
        attachment_id: attachmentId,
        // Null when the hub could not be read for it (down, or without the table or a column): not known either way.
        hub_found: lookup.status === 'found' ? true : lookup.status === 'not_found' ? false : null,
        hub_value: storedHubValue(lookup, report.field),
        hub_value_masked: storedMasked(report.field),
        hub_matches: hubMatches(lookup, report.field, report.observedValue),
        ip: input.origin?.ip?.slice(0, 64) ?? null,
        created_at: input.now,
      })
      .returning('*')) as ReportRow[];
    if (triage) {
      await appendAudit(trx, {
        actor: auditActorOf(input.reporter),
        action: 'report.file',
        objectType: 'report',
        objectId: row.id,
        summary: { table: row.table_name, field: row.field_name, department, triage: true },
        ...input.origin,
      });
      return { report: row, ticket: null, joined: false, reopened: false };
    }
    const filed = await fileReport(trx, {
      table: report.table.name,
      field: report.field.name,
      department,
      recordKey: report.recordKey,
      severity: report.field.severity,
      message: reportMessage(catalog, report.table.name, report.field.name, shown),
      messageEn: reportMessage(catalog, report.table.name, report.field.name, shown, 'en'),
      sampleKey: shown,
      reportId: Number(row.id),
      description: report.description,
      suggestedValue: report.suggestedValue,
      audited: auditedTexts(report.field, report.description, report.suggestedValue, report.observedValue),
      actor: input.reporter,
      calendar,
      now: input.now,
      origin: input.origin,
    });
    const [linked] = (await trx('reports')
      .where({ id: row.id })
      .update({ ticket_id: filed.ticket.id })
      .returning('*')) as ReportRow[];
    return { report: linked, ticket: filed.ticket, joined: filed.joined, reopened: filed.reopened };
  });

  if (deps.notifier) await announce(deps.notifier, result.report, result.ticket, result, report.field, catalog);
  return { ...result, lookup };
}

const HOUR_MS = 3_600_000;

/**
 * The per-account limit refused a report (`REPORTS_PER_HOUR` in a rolling hour): the message says the limit and when
 * the next report may be sent, in the university's time (`at`, to the minute, rounded up); `retryAfterSeconds` is the
 * same for the API's Retry-After.
 */
export class ReportLimitError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    at: string,
  ) {
    super(429, 'rate_limited', 'reports.errors.rateLimited', { max: REPORTS_PER_HOUR, at });
  }
}

/** Refuses the report (`ReportLimitError`) when the reporter has filed `REPORTS_PER_HOUR` within the hour before `now`. */
async function assertUnderLimit(db: Knex | Knex.Transaction, reporterId: number, now: Date, timezone: string): Promise<void> {
  const recent: { created_at: Date }[] = await db('reports')
    .where({ reporter_id: reporterId })
    .where('created_at', '>', new Date(now.getTime() - HOUR_MS))
    .orderBy('created_at', 'desc')
    .limit(REPORTS_PER_HOUR)
    .select('created_at');
  if (recent.length < REPORTS_PER_HOUR) return;
  // Once the limit's oldest report in the window is an hour old, fewer than the limit are left in it.
  const next = new Date(new Date(recent[REPORTS_PER_HOUR - 1].created_at).getTime() + HOUR_MS);
  const minute = new Date(Math.ceil(next.getTime() / 60_000) * 60_000);
  throw new ReportLimitError(Math.max(1, Math.ceil((next.getTime() - now.getTime()) / 1000)), clockTime(minute, timezone));
}

/** `2026-03-02 10:59` in the zone, as the pages show times (views/engine.ts `datetime`). */
const clockTime = (instant: Date, timezone: string) => wallClockText(instant, timezone).slice(0, 16);

/**
 * New tickets to the department's inbox, and tickets a new report reopened after a fix (the
 * department must look again); reports waiting for triage to the IT office's. A report joining a
 * ticket still being worked on tells nobody: the department has it already. A high-severity ticket
 * filed or reopened is announced by the check tickets' rule (`notifyNewHighSeverity`: inbox, e-mail
 * and the department's robot at once), in place of the report's inbox notice.
 */
async function announce(
  notifier: Notifier,
  report: ReportRow,
  ticket: TicketRow | null,
  { joined, reopened }: { joined: boolean; reopened: boolean },
  field: CatalogField | null,
  catalog: Catalog,
): Promise<void> {
  // Notices carry no personal data (they may be mailed): the description as the IT office reads it on its pages
  // (reports/privacy.ts), for the department too, whose ticket page shows it in full.
  const description = maskReportText(report.description, field, [report.suggested_value, report.observed_value]);
  if (!ticket) {
    // The IT office triages: the field by its titles, the hub's names beside them.
    const subject = subjectOf(catalog, report.table_name, report.field_name);
    const names = `${report.table_name}.${report.field_name}`;
    await notifier.office({
      kind: 'report.triage',
      subject: triageSubject(Number(report.id)),
      title: `【数据纠错】新的错误报告 #${report.id} 待分派`,
      body: `${subject}（${names}）：${description}`,
      // The report's own page, not the queue: once a colleague has routed or turned it down it is no longer listed
      // there, and its page says what became of it (while it waits, the page links to its row in the queue).
      link: `/reports/${report.id}`,
      en: {
        title: `[Error report] New error report #${report.id} to route`,
        body: `${subject} (${names}): ${description}`,
      },
    });
    return;
  }
  if (joined && !reopened) return;
  if (ticket.severity === 'high') {
    await notifyNewHighSeverity(notifier, [ticket]);
    return;
  }
  if (reopened) {
    await notifier.department(ticket.department_code, {
      kind: 'report.reopened',
      title: `【数据纠错】#${ticket.id} 已整改的记录收到新的错误报告，工单已重新打开`,
      body: `${maskIdNumbersIn(ticket.message)}\n${description}\n整改期限 ${ticket.due_at}`,
      link: `/reports/tickets/${ticket.id}`,
      en: {
        title: `[Error report] #${ticket.id}: a fixed record was reported again; the ticket is open again`,
        body: `${maskIdNumbersIn(ticket.message_en ?? ticket.message)}\n${description}\nDue ${ticket.due_at}`,
      },
    });
    return;
  }
  await notifier.department(ticket.department_code, {
    kind: 'report.new',
    title: `【数据纠错】#${ticket.id} ${maskIdNumbersIn(ticket.message)}`,
    body: `${description}\n整改期限 ${ticket.due_at}`,
    link: `/reports/tickets/${ticket.id}`,
    en: {
      title: `[Error report] #${ticket.id} ${maskIdNumbersIn(ticket.message_en ?? ticket.message)}`,
      body: `${description}\nDue ${ticket.due_at}`,
    },
  });
}

/**
 * The report waiting for triage, locked. One already routed or turned down is not: when that is what this
 * action does (the queue's form sent twice, or the same done meanwhile by a colleague) it is done — nothing
 * changed, said as such (`AlreadyDoneError`); otherwise a conflict naming what became of it.
 */
async function lockTriage(trx: Knex.Transaction, id: number, action: 'routed' | 'rejected'): Promise<ReportRow> {
  const row = Number.isSafeInteger(id)
    ? ((await trx('reports').where({ id }).forUpdate().first()) as ReportRow | undefined)
    : undefined;
  if (!row) throw new NotFoundError('reports.errors.notFound', { id: String(id) });
  if (row.status === action)
    throw new AlreadyDoneError(`reports.errors.already.${action}`, { id: row.id, ticket: Number(row.ticket_id) });
  if (row.status !== 'triage')
    throw new ConflictError(`reports.errors.notInTriage.${row.status}`, { id: row.id, ticket: Number(row.ticket_id) });
  return row;
}

/** The IT office's triage notice of a report (notifications `subject`): marked read for every officer once it is triaged. */
export const triageSubject = (reportId: number) => `report_triage:${reportId}`;

/**
 * The IT office routes a report waiting for triage: to the catalog's department or another one. It
 * files the ticket (or joins the active one) exactly as a direct report would, in the reporter's name.
 */
export async function routeTriagedReport(
  deps: ReportDeps,
  input: { reportId: number; department?: string | null; actor: CurrentUser; now: Date; origin?: RequestOrigin },
): Promise<{ report: ReportRow; ticket: TicketRow; joined: boolean; reopened: boolean }> {
  const { db } = deps;
  const catalog: Catalog = (await loadCurrentCatalog(db))?.catalog ?? {
    calendar: { timezone: deps.timezone, events: [], holidays: [], workdays: [] },
    departments: [],
    systems: [],
    tables: [],
    rules: [],
  };
  const { calendar } = await loadTicketCalendar(db, deps.timezone);
  const result = await db.transaction(async (trx) => {
    const row = await lockTriage(trx, input.reportId, 'routed');
    const department = String(input.department ?? '').trim() || row.department_code;
    const departmentRow = (await trx('departments').where({ code: department }).first('code', 'name')) as
      { code: string; name: string } | undefined;
    if (!departmentRow)
      throw new ValidationError([{ field: 'department', key: 'tickets.errors.department', params: { value: department } }]);
    const reporter = (await trx('users')
      .where({ id: row.reporter_id })
      .first('id', 'login', 'name', 'department_code', 'roles')) as {
      id: number;
      login: string;
      name: string;
      department_code: string;
      roles: string[];
    };
    const actor: TicketActor = {
      id: Number(reporter.id),
      login: reporter.login,
      name: reporter.name,
      department: reporter.department_code,
      roles: reporter.roles,
    };
    const field = catalog.tables.find((t) => t.name === row.table_name)?.fields.find((f) => f.name === row.field_name);
    const shown = shownKey(catalog, row.table_name, row.record_key);
    const filed = await fileReport(trx, {
      table: row.table_name,
      field: row.field_name,
      department,
      recordKey: row.record_key,
      severity: field?.severity ?? 'medium',
      message: reportMessage(catalog, row.table_name, row.field_name, shown),
      messageEn: reportMessage(catalog, row.table_name, row.field_name, shown, 'en'),
      sampleKey: shown,
      reportId: Number(row.id),
      description: row.description,
      suggestedValue: row.suggested_value,
      audited: auditedTexts(
        field ?? ticketField(catalog, row.table_name, row.field_name),
        row.description,
        row.suggested_value,
        row.observed_value,
      ),
      actor,
      routed: { reportedAt: new Date(row.created_at), by: input.actor.name },
      calendar,
      now: input.now,
      origin: input.origin,
    });
    const [routed] = (await trx('reports')
      .where({ id: row.id })
      .update({ status: 'routed', ticket_id: filed.ticket.id, triaged_at: input.now, triaged_by: input.actor.login })
      .returning('*')) as ReportRow[];
    await appendAudit(trx, {
      actor: auditActorOf(input.actor),
      action: 'report.route',
      objectType: 'report',
      objectId: row.id,
      summary: { ticket: filed.ticket.id, department, catalog_department: row.department_code },
      ...input.origin,
    });
    await settleNotices(trx, [triageSubject(Number(row.id))], input.now);
    // The reporter hears their report was taken up and by whom, as they hear when it is not: the ticket is filed in
    // their name, and nobody is told of their own action (notifyReporters), so no other notice would say it.
    await addToInbox(trx, [Number(row.reporter_id)], {
      kind: 'report.routed',
      title: `【数据纠错】您的报告 #${row.id} 已受理，转交${departmentRow.name}处理`,
      body: '',
      link: `/reports/${row.id}`,
      en: { title: `[Error report] Your report #${row.id} was accepted and sent to ${departmentRow.name} to fix` },
    });
    return { report: routed, ticket: filed.ticket, joined: filed.joined, reopened: filed.reopened };
  });
  const field = catalog.tables
    .find((t) => t.name === result.report.table_name)
    ?.fields.find((f) => f.name === result.report.field_name);
  if (deps.notifier) await announce(deps.notifier, result.report, result.ticket, result, field ?? null, catalog);
  return result;
}

/** The longest triage reason (characters), as the column takes it. */
export const TRIAGE_REASON_MAX = 2000;

/** The IT office turns a report down at triage (e.g. not a data problem), with the reason the reporter will read. */
export async function rejectTriagedReport(
  db: Knex,
  input: { reportId: number; reason: string; actor: CurrentUser; now: Date; origin?: RequestOrigin },
): Promise<ReportRow> {
  const reason = String(input.reason ?? '').trim();
  return db.transaction(async (trx) => {
    const row = await lockTriage(trx, input.reportId, 'rejected');
    if (!reason) throw new ValidationError([{ field: 'reason', key: 'reports.errors.reasonRequired' }]);
    // Refused whole, not cut: the reporter's notice and the audit row carry the reason as the report keeps it.
    if (characterCount(reason) > TRIAGE_REASON_MAX)
      throw new ValidationError([{ field: 'reason', key: 'reports.errors.reasonTooLong', params: { max: TRIAGE_REASON_MAX } }]);
    const [rejected] = (await trx('reports')
      .where({ id: row.id })
      .update({ status: 'rejected', triage_reason: reason, triaged_at: input.now, triaged_by: input.actor.login })
      .returning('*')) as ReportRow[];
    await settleNotices(trx, [triageSubject(Number(row.id))], input.now);
    await addToInbox(trx, [Number(row.reporter_id)], {
      kind: 'report.rejected',
      title: `【数据纠错】您的报告 #${row.id} 未受理`,
      body: `理由：${maskFreeText(reason)}`,
      link: `/reports/${row.id}`,
      // The reason as the IT office typed it, personal data in it masked (notices carry none); the label in the reader's language.
      en: { title: `[Error report] Your report #${row.id} was not accepted`, body: `Reason: ${maskFreeText(reason)}` },
    });
    await appendAudit(trx, {
      actor: auditActorOf(input.actor),
      action: 'report.reject',
      objectType: 'report',
      objectId: row.id,
      summary: { reason },
      ...input.origin,
    });
    return rejected;
  });
}

/**
 * A report's description and suggested value as the audit log keeps them: as the IT office reads them
 * (`maskReportText`, `maskReportValue`), names included — the audit row is permanent and read by the IT office.
 */
function auditedTexts(
  field: FieldLike | null,
  description: string,
  suggestedValue: string | null,
  observedValue: string | null,
): { description: string; suggestedValue: string | null } {
  return {
    description: maskReportText(description, field, [suggestedValue, observedValue]),
    suggestedValue: suggestedValue === null ? null : maskReportValue(suggestedValue, field),
  };
}
