/**
 * Due dates when a catalog import changes the calendar's holidays or make-up working days. A due date is stored once,
 * when the ticket is filed, reopened or reassigned (counted in working days from that day), and moved on by extensions
 * and dismissed disputes: entering the 2027 Spring Festival later left a ticket due on 2027-02-08, a holiday, while one
 * filed after it was due on 2027-02-15. Each ticket the department still works (open, acknowledged) whose due date is
 * today or later keeps the number of working days from its start of counting to its due date under the old calendar,
 * counted again under the new one (so granted extensions are kept).
 */
import type { Knex } from 'knex';
import { createCalendar, todayIn, type WorkingDayCalendar } from '../calendar';
import type { CatalogCalendar } from '../catalog/types';
import { recordAndAudit, updateTicket } from './events';
import { EXTENSION_STATUSES, type TicketRow } from './types';

export interface DueDateMove {
  id: number;
  from: string;
  to: string;
}

/** The due dates an import moves (or would move), in ticket order. */
export interface DueDateChanges {
  count: number;
  /** The first few, for the import's result (#6 2027-02-08 → 2027-02-15). */
  examples: DueDateMove[];
}

/** How many moves the import's result lists by number and dates. */
export const DUE_DATE_EXAMPLES = 5;

/** The events that set a due date by counting from their day (apply.ts, reports.ts, transitions.ts reassign). */
const COUNTING_KINDS = ['filed', 'reopened', 'reassigned', 'reported'];

const sorted = (dates: string[]) => [...new Set(dates)].sort().join(',');

/** Whether the new catalog's holidays or make-up working days differ from the previous ones (none before the first import). */
export function calendarDaysChanged(before: CatalogCalendar | null, after: CatalogCalendar): boolean {
  return sorted(before?.holidays ?? []) !== sorted(after.holidays) || sorted(before?.workdays ?? []) !== sorted(after.workdays);
}

/** The dates added to and removed from the calendar's lists by an import, for its audit row. */
export function calendarDayChanges(before: CatalogCalendar | null, after: CatalogCalendar) {
  const diff = (old: string[], now: string[]) => ({
    added: [...new Set(now)].filter((d) => !old.includes(d)).sort(),
    removed: [...new Set(old)].filter((d) => !now.includes(d)).sort(),
  });
  const holidays = diff(before?.holidays ?? [], after.holidays);
  const workdays = diff(before?.workdays ?? [], after.workdays);
  return { holidays, workdays };
}

/** Each ticket's start of counting: the day (in the calendar's zone) of its latest event that set the due date from that day. */
async function startsOfCounting(
  db: Knex | Knex.Transaction,
  tickets: TicketRow[],
  timezone: string,
): Promise<Map<number, string>> {
  const rows = (await db('ticket_events')
    .whereIn(
      'ticket_id',
      tickets.map((t) => t.id),
    )
    .whereIn('kind', COUNTING_KINDS)
    .whereRaw("details->>'due_at' is not null")
    .select('ticket_id', 'at', 'id')
    .orderBy([{ column: 'ticket_id' }, { column: 'at' }, { column: 'id' }])) as { ticket_id: number; at: Date }[];
  const starts = new Map<number, string>();
  for (const row of rows) starts.set(Number(row.ticket_id), todayIn(timezone, new Date(row.at)));
  // A ticket without such an event (none known): counted from when it was first seen.
  for (const t of tickets) if (!starts.has(t.id)) starts.set(t.id, todayIn(timezone, new Date(t.first_seen)));
  return starts;
}

/** The due date of `ticket` under `next`, never before today (a removed holiday does not make a ticket overdue at once). */
function movedDueDate(ticket: TicketRow, start: string, previous: WorkingDayCalendar, next: WorkingDayCalendar, today: string) {
  const days = previous.workingDaysBetween(start, ticket.due_at);
  if (days < 0) return ticket.due_at;
  const due = next.addWorkingDays(start, days);
  return due < today ? today : due;
}

/** A move and the ticket it moves, as read (locked, in the import's transaction) when planned. */
type PlannedMove = DueDateMove & { ticket: TicketRow };

async function plan(
  db: Knex | Knex.Transaction,
  before: CatalogCalendar | null,
  after: CatalogCalendar,
  now: Date,
  opts: { forUpdate?: boolean } = {},
): Promise<PlannedMove[]> {
  const today = todayIn(after.timezone, now);
  if (!calendarDaysChanged(before, after)) return [];
  // Before the first import the calendar was the official one (loadTicketCalendar), in the same zone as far as we know.
  const previous = createCalendar(before ?? { timezone: after.timezone, events: [], holidays: [], workdays: [] });
  const next = createCalendar(after);
  const query = db('tickets').whereIn('status', EXTENSION_STATUSES).where('due_at', '>=', today).orderBy('id');
  const tickets = (await (opts.forUpdate ? query.forUpdate() : query).select('*')) as TicketRow[];
  if (!tickets.length) return [];
  const starts = await startsOfCounting(db, tickets, previous.timezone);
  const moves: PlannedMove[] = [];
  for (const t of tickets) {
    const to = movedDueDate(t, starts.get(t.id)!, previous, next, today);
    if (to !== t.due_at) moves.push({ id: t.id, from: t.due_at, to, ticket: t });
  }
  return moves;
}

const summarise = (moves: PlannedMove[]): DueDateChanges => ({
  count: moves.length,
  examples: moves.slice(0, DUE_DATE_EXAMPLES).map(({ id, from, to }) => ({ id, from, to })),
});

/** What an import with `after` as its calendar would do to due dates (the dry run). */
export async function previewDueDateMoves(
  db: Knex | Knex.Transaction,
  before: CatalogCalendar | null,
  after: CatalogCalendar,
  now: Date,
): Promise<DueDateChanges> {
  return summarise(await plan(db, before, after, now));
}

/**
 * Moves the due dates in the import's transaction: each ticket gets a history row (`due_moved`, naming the catalog
 * version and both dates) and an audit row; its reminder is due again before the new date.
 */
export async function applyDueDateMoves(
  trx: Knex.Transaction,
  before: CatalogCalendar | null,
  after: CatalogCalendar,
  opts: { now: Date; versionId: number },
): Promise<DueDateChanges> {
  // The tickets were read locked (FOR UPDATE) in this transaction: nothing changes them before the moves below.
  const moves = await plan(trx, before, after, opts.now, { forUpdate: true });
  for (const move of moves) {
    const updated = await updateTicket(trx, move.ticket, { due_at: move.to, reminded_at: null }, opts.now);
    await recordAndAudit(trx, updated, 'ticket.due_moved', {
      kind: 'due_moved',
      at: opts.now,
      // The system, as for the import's reassignments: the import's audit row names who imported.
      actor: null,
      details: { reason: 'calendar_changed', catalog_version: opts.versionId, due_at_before: move.from, due_at: move.to },
    });
  }
  return summarise(moves);
}
