import type { Knex } from 'knex';
import type { Catalog } from '../catalog/types';
import { inKeyOrder, type KeyedTable } from '../catalog/record-key';
import { maskIdNumbersIn, maskRecordKey, type KeyTable } from '../privacy';
import { closedReasonIn } from './closed-reason';
import { historyAsShown, shownFreeText, shownRecordKey } from './privacy';
import { ACTIVE_STATUSES, EXTENSION_STATUSES, extensionPending, TicketRow, TicketStatus, TICKET_STATUSES } from './types';

export interface TicketFilters {
  /** One status, or 'active' for open + acknowledged + fixed. */
  status?: TicketStatus | 'active';
  department?: string;
  table?: string;
  check?: string;
  severity?: string;
  /**
   * 'overdue': active and past due (needs `today`); 'escalated': active and escalated; 'disputed':
   * active, and the department said "not our data" (waiting for the IT office to reassign).
   */
  view?: TicketView;
  today?: string;
  ids?: number[];
}

export const TICKET_VIEWS = ['overdue', 'escalated', 'disputed', 'extension'] as const;
export type TicketView = (typeof TICKET_VIEWS)[number];

export function isTicketView(value: string): value is TicketView {
  return (TICKET_VIEWS as readonly string[]).includes(value);
}

export function isStatusFilter(value: string): value is TicketStatus | 'active' {
  return value === 'active' || (TICKET_STATUSES as readonly string[]).includes(value);
}

function filtered(db: Knex, f: TicketFilters): Knex.QueryBuilder {
  const q = db('tickets');
  if (f.status === 'active') q.whereIn('status', ACTIVE_STATUSES);
  else if (f.status) q.where({ status: f.status });
  if (f.department) q.where({ department_code: f.department });
  if (f.table) q.where({ table_name: f.table });
  if (f.check) q.where({ check_kind: f.check });
  if (f.severity) q.where({ severity: f.severity });
  if (f.ids) q.whereIn('id', f.ids);
  // A disputed ticket is not overdue: it waits for the IT office, the department's clock stopped (deadlines.ts).
  if (f.view === 'overdue')
    q.whereIn('status', ACTIVE_STATUSES)
      .where('due_at', '<', f.today ?? '9999-12-31')
      .whereNull('disputed_at');
  if (f.view === 'escalated') q.whereIn('status', ACTIVE_STATUSES).whereNotNull('escalated_at');
  if (f.view === 'disputed') q.whereIn('status', ACTIVE_STATUSES).whereNotNull('disputed_at');
  // Requests for more time waiting for the IT office (extensions.ts): only ever set in these statuses.
  if (f.view === 'extension') q.whereIn('status', EXTENSION_STATUSES).whereNotNull('extension_requested_at');
  return q;
}

/**
 * Exact totals of the list per filter, kept while nothing changed: counting the 40,000 active tickets
 * of a university-wide queue was most of the page's database time (~2 ms per view at 100,000 tickets).
 * A total is reused while the marker — the highest ticket id and the highest ticket event id, read in
 * the same statement as the page, each one probe of a primary key — is unchanged: every filing adds a
 * ticket, and every change that can move a ticket in or out of a filter (status, due date, escalation,
 * department, severity) records a ticket event (events.ts, apply.ts). Ids committed out of order can
 * leave the marker as it was for a moment, so a total is also never older than TOTAL_LIFETIME_MS.
 */
const totals = new WeakMap<object, Map<string, { total: number; marker: string; at: number }>>();
const TOTAL_LIFETIME_MS = 10_000;
/** Filters remembered per database (oldest dropped first): plenty for the queue's combinations in use. */
const MAX_TOTALS = 1_000;

/**
 * A page of tickets, the most urgent first (earliest due date), and how many match in all. The page
 * and the change marker come in one statement (the page joined laterally to the marker); the count
 * runs only when the marker moved since this filter was last counted.
 */
export async function listTickets(
  db: Knex,
  f: TicketFilters,
  page: { limit: number; offset: number } = { limit: 10_000, offset: 0 },
): Promise<{ items: TicketRow[]; total: number }> {
  const items = filtered(db, f)
    .orderBy([
      { column: 'due_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ])
    .limit(page.limit)
    .offset(page.offset)
    .select('*');
  const rows: (TicketRow & { __highest: unknown; __changed: unknown })[] = await db
    .select('m.__highest', 'm.__changed', 't.*')
    .from(db.raw('(select (select max(id) from tickets) as __highest, (select max(id) from ticket_events) as __changed) as m'))
    .joinRaw('left join lateral ? as t on true', [items as unknown as Knex.Raw]);
  const marker = `${String(rows[0]?.__highest ?? '')}|${String(rows[0]?.__changed ?? '')}`;
  let cache = totals.get(db);
  if (!cache) totals.set(db, (cache = new Map()));
  const key = JSON.stringify([f.status, f.department, f.table, f.check, f.severity, f.view, f.today, f.ids]);
  const kept = cache.get(key);
  let total: number;
  if (kept && kept.marker === marker && Date.now() - kept.at < TOTAL_LIFETIME_MS) total = kept.total;
  else {
    const counted = (await filtered(db, f).count({ n: '*' }).first()) as { n: number | string } | undefined;
    total = Number(counted?.n ?? 0);
    cache.delete(key);
    cache.set(key, { total, marker, at: Date.now() });
    if (cache.size > MAX_TOTALS) cache.delete(cache.keys().next().value as string);
  }
  return {
    items: rows.filter((r) => r.id !== null).map(({ __highest: _h, __changed: _c, ...t }) => t as TicketRow),
    total,
  };
}

export async function findTicket(db: Knex, id: number): Promise<TicketRow | undefined> {
  if (!Number.isSafeInteger(id) || id < 1) return undefined;
  return (await db('tickets').where({ id }).first()) as TicketRow | undefined;
}

export interface TicketEventRow {
  id: number;
  at: Date;
  actor_login: string | null;
  actor_name: string | null;
  kind: string;
  from_status: string | null;
  to_status: string | null;
  comment: string | null;
  details: Record<string, unknown>;
}

/**
 * A ticket's history, oldest first, as it is shown (pages, API): personal data inside comments and
 * reasons masked for every reader (`historyAsShown`); reporters' descriptions as stored, for the caller
 * to mask for readers outside the department (`historyForReader`).
 */
export async function ticketHistory(db: Knex, id: number): Promise<TicketEventRow[]> {
  const rows: TicketEventRow[] = await db('ticket_events')
    .where({ ticket_id: id })
    .orderBy('id', 'asc')
    .select('id', 'at', 'actor_login', 'actor_name', 'kind', 'from_status', 'to_status', 'comment', 'details');
  return historyAsShown(rows);
}

export interface FilterChoices {
  tables: string[];
  checks: string[];
  /** Over all tickets only (the IT office's queue, which filters by department too): every department, by code. */
  departments?: { code: string; name: string }[];
}

/**
 * Distinct values for the queue's filter menus, within what the user may see, each sorted.
 *
 * For one department (a steward's queue) both menus come from `tickets_department_menus_idx` alone.
 * Over all tickets (the IT office) they are a skip scan: a recursive CTE taking the next larger value
 * from `tickets_table_name_idx` / `tickets_check_kind_idx`, one index probe per distinct value, instead
 * of reading 100,000 tickets on every page view. Even so that is 500 rows per page view, so the result
 * is kept per database under the highest ticket id: tickets are never deleted and their table and
 * check kind never change, so the menus can only change when a ticket is filed (a new highest id).
 * Tickets filed at the same moment may commit out of id order; the short lifetime below bounds how
 * long a menu can then miss a value.
 */
export async function filterChoices(db: Knex, department?: string): Promise<FilterChoices> {
  if (department) {
    const { rows } = await db.raw<{ rows: ChoiceRow[] }>(
      `(select 'table' as kind, table_name as value from tickets where department_code = ? group by table_name)
       union all
       (select 'check' as kind, check_kind as value from tickets where department_code = ? group by check_kind)
       order by kind, value`,
      [department, department],
    );
    return splitChoices(rows);
  }
  // The department menu rides along with the check of the highest id: one round trip when cached.
  const key = (db as { client?: object }).client ?? db;
  const probe = await db
    .select(
      db.raw('(select max(id) from tickets) as highest_id'),
      db.raw(
        `(select coalesce(json_agg(json_build_object('code', code, 'name', name) order by code), '[]') from departments) as departments`,
      ),
    )
    .first();
  const highestId = Number(probe?.highest_id ?? 0);
  const departments = (typeof probe?.departments === 'string' ? JSON.parse(probe.departments) : probe?.departments) ?? [];
  const cached = allChoices.get(key);
  if (cached && cached.highestId === highestId && Date.now() - cached.at < CHOICES_LIFETIME_MS) {
    return { ...cached.choices, departments };
  }
  const { rows } = await db.raw<{ rows: ChoiceRow[] }>(
    `with recursive tables(v) as (
       select min(table_name) from tickets
       union all
       select (select min(table_name) from tickets where table_name > tables.v) from tables where tables.v is not null
     ), checks(v) as (
       select min(check_kind) from tickets
       union all
       select (select min(check_kind) from tickets where check_kind > checks.v) from checks where checks.v is not null
     )
     select 'table' as kind, v as value from tables where v is not null
     union all
     select 'check' as kind, v as value from checks where v is not null
     order by kind, value`,
  );
  const choices = splitChoices(rows);
  allChoices.set(key, { highestId, at: Date.now(), choices });
  return { ...choices, departments };
}

interface ChoiceRow {
  kind: 'table' | 'check';
  value: string;
}

const CHOICES_LIFETIME_MS = 30_000;
const allChoices = new WeakMap<object, { highestId: number; at: number; choices: FilterChoices }>();

function splitChoices(rows: ChoiceRow[]): FilterChoices {
  return {
    tables: rows.filter((r) => r.kind === 'table').map((r) => r.value),
    checks: rows.filter((r) => r.kind === 'check').map((r) => r.value),
  };
}

/**
 * The public shape (CLI `tickets list --json`, `GET /api/v1/tickets`): a contract, so names are
 * snake_case and stable. `field` is null for table-level checks; `check` is `report` for user reports.
 */
export interface PublicTicket {
  id: number;
  status: TicketStatus;
  department: string;
  table: string;
  field: string | null;
  check: string;
  severity: string;
  violations: number;
  checked_rows: number;
  message: string;
  /** The sentence in English; null on tickets filed before it was kept (English pages then show `message`). */
  message_en: string | null;
  sample_keys: Record<string, string>[];
  /** A report ticket's record key, sensitive key columns masked (as its sample key); null for check tickets. */
  record_key: Record<string, string> | null;
  first_seen: string;
  last_seen: string;
  occurrences: number;
  due_at: string;
  reopened: number;
  overdue: boolean;
  escalated_at: string | null;
  disputed_at: string | null;
  /** A request for more time waiting for the IT office: when it was made and the working days asked for; else null. */
  extension_requested_at: string | null;
  extension_days: number | null;
  resolved_at: string | null;
  closed_reason: string | null;
  version: number;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The ticket's table as the current catalog describes it (its key, its key columns' validators and flags), if it has it. */
const keyTableOf = (catalog: Catalog | null | undefined, table: string): (KeyTable & KeyedTable) | null =>
  catalog?.tables.find((x) => x.name === table) ?? null;

/** A stored key masked as read (maskRecordKey) and its columns in the catalog's key order, not jsonb's (term first). */
const shownKeyOf = (keyTable: (KeyTable & KeyedTable) | null, key: Record<string, string>) =>
  inKeyOrder(keyTable, maskRecordKey(keyTable, key));

/** The ticket's sentence in the reader's language (English when kept, else the Chinese one). */
export function ticketMessage(t: { message: string; message_en?: string | null }, locale: string): string {
  return locale === 'en' && t.message_en ? t.message_en : t.message;
}

/**
 * A ticket as every reader may see it. `catalog` is the current one: keys are masked again by what their columns hold
 * now, as the run page masks its samples (a ticket filed while the catalog did not say a key column held ID numbers
 * stored them whole); without it (no catalog imported) by the columns' names.
 */
export function toPublicTicket(t: TicketRow, today: string, catalog: Catalog | null | undefined): PublicTicket {
  const keyTable = keyTableOf(catalog, t.table_name);
  const record = shownRecordKey(t);
  return {
    id: Number(t.id),
    status: t.status,
    department: t.department_code,
    table: t.table_name,
    field: t.field_name || null,
    check: t.check_kind,
    severity: t.severity,
    violations: t.violations,
    checked_rows: t.checked_rows,
    // Masked again as read: keys and sentences stored while the catalog did not say a key column held ID numbers
    // (a table keyed by 身份证号 without `sensitive`) kept them whole; a catalog corrected since does not change
    // stored rows. Keys by the current catalog (else their columns' names), sentences' 18-character ID numbers;
    // idempotent on what was masked.
    message: maskIdNumbersIn(t.message),
    message_en: t.message_en == null ? null : maskIdNumbersIn(t.message_en),
    sample_keys: t.sample_keys.map((key) => shownKeyOf(keyTable, key)),
    // Masked: the raw key stays in the database (reports are matched on it), never in this shape.
    record_key: record ? shownKeyOf(keyTable, record) : null,
    first_seen: iso(t.first_seen)!,
    last_seen: iso(t.last_seen)!,
    occurrences: t.occurrences,
    due_at: t.due_at,
    reopened: t.reopened,
    // Not while disputed: the department's clock stands still until the IT office decides (deadlines.ts).
    overdue: ACTIVE_STATUSES.includes(t.status) && t.due_at < today && !t.disputed_at,
    escalated_at: iso(t.escalated_at),
    disputed_at: iso(t.disputed_at),
    extension_requested_at: extensionPending(t) ? iso(t.extension_requested_at) : null,
    extension_days: extensionPending(t) ? t.extension_days : null,
    resolved_at: iso(t.resolved_at),
    // The IT office's reason (or a report ticket's "not an error" answer): free text, masked for every reader.
    closed_reason: shownFreeText(t.closed_reason),
    version: t.version,
  };
}

/** The public ticket as a page shows it to its reader: the sentence in the reader's language (ticketMessage). */
export function toReadersTicket(t: TicketRow, today: string, locale: string, catalog: Catalog | null | undefined): PublicTicket {
  const shown = toPublicTicket(t, today, catalog);
  return {
    ...shown,
    message: maskIdNumbersIn(ticketMessage(t, locale)),
    closed_reason: closedReasonIn(shown.closed_reason, locale),
  };
}

/**
 * A history row as the API gives it. Rows written by a check run keep the run as stored, `details.runId` (a string: the
 * ticket page links it, apply.ts finds a run's tickets by it); the API's keys are snake_case and its ids numbers, as
 * everywhere else in it: `run_id: 12`.
 */
export function toPublicEvent({ details, ...event }: TicketEventRow): TicketEventRow {
  if (!details || !Object.hasOwn(details, 'runId')) return { ...event, details };
  const { runId, ...rest } = details;
  const digits = typeof runId === 'number' ? String(runId) : typeof runId === 'string' ? runId : '';
  return { ...event, details: { run_id: /^\d{1,15}$/.test(digits) ? Number(digits) : null, ...rest } };
}
