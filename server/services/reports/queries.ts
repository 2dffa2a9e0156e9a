import type { Knex } from 'knex';
import type { CurrentUser } from '../../policies';
import type { Catalog } from '../catalog/types';
import { REOPEN_WINDOW_DAYS, shownFreeText, type TicketStatus } from '../tickets';
import { downloadName, type FileType } from '../uploads';
import { mayReadHubValue } from './lookup';
import { STATUS_WORDS } from './notify';
import type { ReportRow, ReportStatus } from './types';
import { mayWithdraw } from './withdraw';

/** A report with what its reporter may know of the ticket: status, due date, answer. */
export interface ReportWithTicket extends ReportRow {
  ticket_status: TicketStatus | null;
  ticket_department: string | null;
  due_at: string | null;
  closed_reason: string | null;
  answer: string | null;
  answer_comment: string | null;
  answered_at: Date | null;
  fixed_at: Date | null;
  reporter_reopens: number | null;
  /** The people who reported the ticket's record (a person filing twice counts once); null without a ticket. */
  reporters: number | string | null;
  /** The ticket's, for the reopen window (`reporterActions`). */
  ticket_resolved_at: Date | null;
  ticket_updated_at: Date | null;
  /** Whether a "not ours" of the ticket waits for the IT office (no withdrawal then: `mayWithdraw`). */
  ticket_disputed_at: Date | null;
}

function withTicket(db: Knex) {
  return db('reports as r')
    .leftJoin('tickets as t', 't.id', 'r.ticket_id')
    .leftJoin('report_tickets as rt', 'rt.ticket_id', 'r.ticket_id')
    .select(
      'r.*',
      't.status as ticket_status',
      't.department_code as ticket_department',
      't.due_at',
      't.closed_reason',
      't.disputed_at as ticket_disputed_at',
      // People, not reports (the ticket's `occurrences`): "共 2 人报告" when one user filed twice was wrong.
      db.raw(
        "(select count(distinct o.reporter_id) from reports o where o.ticket_id = r.ticket_id and o.status <> 'withdrawn') as reporters",
      ),
      't.resolved_at as ticket_resolved_at',
      't.updated_at as ticket_updated_at',
      'rt.answer',
      'rt.answer_comment',
      'rt.answered_at',
      'rt.fixed_at',
      'rt.reporter_reopens',
    );
}

/** What a report list filters by: the status its reporter sees (or `active` for triage + open + acknowledged + fixed), the table. */
export interface ReportFilters {
  status?: ReportStatusFilter;
  table?: string;
}

export const REPORT_STATUS_FILTERS = [
  'active',
  'triage',
  'rejected',
  'open',
  'acknowledged',
  'fixed',
  'resolved',
  'closed',
  'withdrawn',
] as const;
export type ReportStatusFilter = (typeof REPORT_STATUS_FILTERS)[number];

export function isReportStatusFilter(value: string): value is ReportStatusFilter {
  return (REPORT_STATUS_FILTERS as readonly string[]).includes(value);
}

/** A page of a list and how many match in all. */
export interface Page<T> {
  items: T[];
  total: number;
}

export interface PageWindow {
  limit: number;
  offset: number;
}

/**
 * The status as `reporterStatus` gives it, as a condition (reports waiting or turned down have no ticket status).
 * `active` (未办结) is every report not finished: waiting for triage too, not only the ticket's open, acknowledged
 * and fixed.
 */
function whereStatus(q: Knex.QueryBuilder, status: ReportStatusFilter | undefined): Knex.QueryBuilder {
  if (!status) return q;
  // Withdrawn is the report's own status (its ticket may live on for others); 未办结 (active) never includes it.
  if (status === 'triage' || status === 'rejected' || status === 'withdrawn') return q.where('r.status', status);
  if (status === 'active')
    return q.where((w) =>
      w
        .where('r.status', 'triage')
        .orWhere((routed) => routed.where('r.status', 'routed').whereIn('t.status', ['open', 'acknowledged', 'fixed'])),
    );
  return q.where('r.status', 'routed').where('t.status', status);
}

/** One user's reports, newest first, a page at a time. */
export async function listMyReports(
  db: Knex,
  reporterId: number,
  filters: ReportFilters = {},
  page: PageWindow = { limit: 50, offset: 0 },
): Promise<Page<ReportWithTicket>> {
  const filtered = (q: Knex.QueryBuilder) => {
    q.where('r.reporter_id', reporterId);
    if (filters.table) q.where('r.table_name', filters.table);
    return whereStatus(q, filters.status);
  };
  const [items, counted] = await Promise.all([
    filtered(withTicket(db)).orderBy('r.id', 'desc').limit(page.limit).offset(page.offset) as Promise<ReportWithTicket[]>,
    filtered(db('reports as r').leftJoin('tickets as t', 't.id', 'r.ticket_id'))
      .count({ n: '*' })
      .first() as Promise<{ n: number | string } | undefined>,
  ]);
  return { items, total: Number(counted?.n ?? 0) };
}

/** The tables one user has reported on (the filter menu of "我的报告"), sorted. */
export async function myReportTables(db: Knex, reporterId: number): Promise<string[]> {
  const rows: { table_name: string }[] = await db('reports')
    .where({ reporter_id: reporterId })
    .distinct('table_name')
    .orderBy('table_name');
  return rows.map((r) => r.table_name);
}

export async function findReport(db: Knex, id: number): Promise<ReportWithTicket | undefined> {
  if (!Number.isSafeInteger(id) || id < 1) return undefined;
  return withTicket(db).where('r.id', id).first();
}

/** Every report joined to one ticket, with who filed it: the steward's answer page lists them. */
export async function reportsOfTicket(db: Knex, ticketId: number) {
  return db('reports as r')
    .join('users as u', 'u.id', 'r.reporter_id')
    .leftJoin('uploads as up', 'up.id', 'r.attachment_id')
    .where('r.ticket_id', ticketId)
    .orderBy('r.id')
    .select(
      'r.*',
      'u.name as reporter_name',
      'u.login as reporter_login',
      'u.department_code as reporter_department',
      'up.filename as attachment_name',
      'up.file_type as attachment_type',
    )
    .then((rows) =>
      // Named as it is downloaded (no direction overrides: `invoice\u202efdp.hta` read as a PDF's name), as on the report's page.
      rows.map((r) => ({
        ...r,
        attachment_name:
          r.attachment_name == null ? null : downloadName(String(r.attachment_name), r.attachment_type as FileType),
      })),
    );
}

/** What a report saw and suggested: the values a text about its ticket may repeat (`knownValues`). */
type ReportValues = Pick<ReportRow, 'suggested_value' | 'observed_value' | 'hub_value'>;

/**
 * The values each ticket's reports saw and suggested, for many tickets in one query (a list page masks its report
 * tickets' closing reasons with them: `closedReasonsForOutsider`), by ticket id, each ticket's reports in their order.
 */
export async function reportValuesOfTickets(db: Knex, ticketIds: number[]): Promise<Map<number, ReportValues[]>> {
  const byTicket = new Map<number, ReportValues[]>();
  if (ticketIds.length === 0) return byTicket;
  const rows: (ReportValues & { ticket_id: number | string })[] = await db('reports')
    .whereIn('ticket_id', ticketIds)
    .orderBy(['ticket_id', 'id'])
    .select('ticket_id', 'suggested_value', 'observed_value', 'hub_value');
  for (const { ticket_id, ...values } of rows) {
    const id = Number(ticket_id);
    byTicket.set(id, [...(byTicket.get(id) ?? []), values]);
  }
  return byTicket;
}

export type TriageRow = ReportRow & { reporter_name: string; reporter_login: string };

/** Reports waiting for the IT office, oldest first, a page at a time; `table` narrows them to one table. */
export async function listTriage(
  db: Knex,
  filters: Pick<ReportFilters, 'table'> = {},
  page: PageWindow = { limit: 50, offset: 0 },
): Promise<Page<TriageRow>> {
  const filtered = () => {
    const q = db('reports as r').where('r.status', 'triage');
    if (filters.table) q.where('r.table_name', filters.table);
    return q;
  };
  const [items, counted] = await Promise.all([
    filtered()
      .join('users as u', 'u.id', 'r.reporter_id')
      .orderBy('r.id')
      .limit(page.limit)
      .offset(page.offset)
      .select('r.*', 'u.name as reporter_name', 'u.login as reporter_login') as Promise<TriageRow[]>,
    filtered().count({ n: '*' }).first() as Promise<{ n: number | string } | undefined>,
  ]);
  return { items, total: Number(counted?.n ?? 0) };
}

/** The triage queue's page length (its route and the links to a report's row in it). */
export const TRIAGE_PAGE_SIZE = 25;

/** The page of the triage queue (unfiltered, `TRIAGE_PAGE_SIZE` a page, oldest first) that lists this waiting report. */
export async function triagePageOf(db: Knex, reportId: number): Promise<number> {
  const before = await db('reports').where('status', 'triage').where('id', '<', reportId).count({ n: '*' }).first();
  return Math.floor(Number(before?.n ?? 0) / TRIAGE_PAGE_SIZE) + 1;
}

/** The tables of the reports waiting for triage (the queue's filter menu), sorted. */
export async function triageTables(db: Knex): Promise<string[]> {
  const rows: { table_name: string }[] = await db('reports')
    .where({ status: 'triage' })
    .distinct('table_name')
    .orderBy('table_name');
  return rows.map((r) => r.table_name);
}

/**
 * What the reporter sees as the status: waiting for triage, turned down, or the ticket's status
 * (open/acknowledged/fixed/resolved/closed).
 */
export function reporterStatus(r: Pick<ReportWithTicket, 'status' | 'ticket_status'>): ReportStatus | TicketStatus {
  if (r.status !== 'routed' || !r.ticket_status) return r.status;
  return r.ticket_status;
}

export function statusWords(status: string): string {
  return status === 'triage'
    ? '待信息化办公室分派'
    : status === 'rejected'
      ? '未受理'
      : status === 'withdrawn'
        ? '已撤回'
        : (STATUS_WORDS[status] ?? status);
}

/**
 * What the reporter may do now, as the ticket service would allow it (`reopenReport`): confirm a fix;
 * reopen once after an answer (fixed, resolved, closed), a resolved or closed one within
 * REOPEN_WINDOW_DAYS. The page offers only these; `reopenUsed` and `reopenLate` say why an answered
 * report can no longer be reopened.
 */
export function reporterActions(r: ReportWithTicket, now: Date = new Date()) {
  const status = reporterStatus(r);
  const answered = status === 'fixed' || status === 'resolved' || status === 'closed';
  const used = answered && Number(r.reporter_reopens ?? 0) >= 1;
  const since = r.ticket_resolved_at ?? r.ticket_updated_at;
  const late =
    answered && status !== 'fixed' && !!since && now.getTime() - new Date(since).getTime() > REOPEN_WINDOW_DAYS * 86_400_000;
  return {
    confirm: status === 'fixed',
    reopen: answered && !used && !late,
    reopenUsed: used,
    reopenLate: late && !used,
    withdraw: mayWithdraw(r),
  };
}

/** When a report joined its ticket: when it was routed, if the IT office triaged it first; else when it was sent. */
export function joinedTicketAt(r: Pick<ReportRow, 'created_at' | 'triaged_at' | 'status'>): Date {
  return new Date(r.status === 'routed' && r.triaged_at ? r.triaged_at : r.created_at);
}

/**
 * The ticket's current answer was given before this report joined it (a "not ours" the ticket still stands on): its
 * words and document were written to the earlier reporters and the IT office, not to this reporter, who reads only
 * what the answer is.
 */
export function answeredBeforeJoining(
  r: Pick<ReportWithTicket, 'answer' | 'answered_at' | 'created_at' | 'triaged_at' | 'status'>,
): boolean {
  return !!r.answer && !!r.answered_at && new Date(r.answered_at).getTime() < joinedTicketAt(r).getTime();
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/**
 * Whether this user may read the hub's value kept with a report (`hub.value`): as on the report
 * form's look-up (`mayReadHubValue`), judged on the current catalog; not when the catalog no longer
 * has the table or field.
 */
export function hubValueVisible(
  catalog: Catalog | null | undefined,
  user: CurrentUser,
  r: Pick<ReportRow, 'table_name' | 'field_name'>,
): boolean {
  const table = catalog?.tables.find((t) => t.name === r.table_name);
  const field = table?.fields.find((f) => f.name === r.field_name);
  return !!table && !!field && mayReadHubValue(user, table, field);
}

/**
 * The public shape of a report (`GET /api/v1/reports/mine`, a contract): snake_case, stable.
 * `ticket_id` is null while the report waits for triage or after it was turned down. `hub.value` is
 * given only with `hubValue` (see `hubValueVisible`), else null; `hub.matches` says whether the hub
 * held the value the reporter saw (`observed_value`) when the report was filed.
 */
export function toPublicReport(r: ReportWithTicket, opts: { hubValue?: boolean } = {}) {
  return {
    id: Number(r.id),
    ticket_id: r.ticket_id === null ? null : Number(r.ticket_id),
    status: reporterStatus(r),
    table: r.table_name,
    field: r.field_name,
    record_key: r.record_key,
    description: r.description,
    suggested_value: r.suggested_value,
    observed_value: r.observed_value,
    department: r.ticket_department ?? r.department_code,
    due_at: r.due_at,
    reporters: Number(r.reporters ?? 0) || 1,
    hub: { found: r.hub_found, value: opts.hubValue ? r.hub_value : null, matches: r.hub_matches },
    // The department's words as the ticket's pages show them to everyone (tickets' shownFreeText).
    // An answer given before the report joined the ticket: what it is, not its words (`answeredBeforeJoining`).
    // A withdrawn report left its ticket unanswered: a later answer or closing was given to the others, not to it.
    answer:
      r.answer && r.status !== 'withdrawn'
        ? {
            kind: r.answer,
            comment: answeredBeforeJoining(r) ? null : shownFreeText(r.answer_comment),
            at: iso(r.answered_at),
          }
        : null,
    closed_reason: r.status === 'withdrawn' ? null : shownFreeText(r.closed_reason),
    // The IT office's words, masked for every reader as the notice of them is (tickets' shownFreeText).
    triage_reason: shownFreeText(r.triage_reason),
    created_at: iso(r.created_at),
    // Withdrawn by its reporter: when, and their reason (masked for others by maskReportFor).
    withdrawn_at: iso(r.withdrawn_at),
    withdraw_reason: r.withdraw_reason ?? null,
  };
}
