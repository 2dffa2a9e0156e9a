/**
 * The daily reminder and escalation, as state changes of the ticket service (the job only calls
 * these and sends what they return). Each ticket is re-read under its row lock, so two instances
 * running the job at once remind and escalate each ticket once.
 */
import type { Knex } from 'knex';
import { todayIn } from '../calendar';
import type { TicketCalendar } from './apply';
import { lockTicket, recordAndAudit, recordEvent, updateTicket } from './events';
import type { Named } from './notify';
import { WORKING_STATUSES, type TicketRow } from './types';

/**
 * Tickets the department still has to work. A `fixed` ticket waits for its re-check, not for the department; a
 * disputed one ("not our data") for the IT office to reassign it or keep it with the department — whose clock stands
 * still meanwhile (transitions.ts dismissDispute moves the due date on by the days it took).
 */
const isWorking = (t: TicketRow) => WORKING_STATUSES.includes(t.status) && !t.disputed_at;

/** Reminds (once) every ticket due on the next working day (also while a request for more time waits: it may be refused). */
export async function remindDueTickets(db: Knex, opts: { calendar: TicketCalendar; now: Date }): Promise<TicketRow[]> {
  const today = todayIn(opts.calendar.timezone, opts.now);
  const nextWorkingDay = opts.calendar.addWorkingDays(today, 1);
  const candidates = await db('tickets')
    .whereIn('status', WORKING_STATUSES)
    .whereNull('disputed_at')
    .whereNull('reminded_at')
    .where('due_at', '>', today)
    .where('due_at', '<=', nextWorkingDay)
    .select('id');
  const reminded: TicketRow[] = [];
  for (const { id } of candidates) {
    const ticket = await db.transaction(async (trx) => {
      const t = await lockTicket(trx, id);
      if (!t || !isWorking(t) || t.reminded_at || !(t.due_at > today && t.due_at <= nextWorkingDay)) return null;
      const updated = await updateTicket(trx, t, { reminded_at: opts.now }, opts.now, { refresh: true });
      await recordEvent(trx, t.id, { kind: 'reminded', at: opts.now, actor: null, details: { due_at: t.due_at } });
      return updated;
    });
    if (ticket) reminded.push(ticket);
  }
  return reminded;
}

/**
 * A request for more time made by the due date holds the escalation until the IT office answers it: the department
 * asked in time, and is not reported for the office's delay. One made after the date holds nothing — else asking again
 * after each refusal would put the escalation off for ever.
 */
function heldForExtension(t: TicketRow, timezone: string): boolean {
  return !!t.extension_requested_at && todayIn(timezone, new Date(t.extension_requested_at)) <= t.due_at;
}

/**
 * Escalates (once) every ticket past its due date to the IT office. Each comes back with its
 * department's name: the office's notice lists several departments. Not while the department's request for more
 * time, made by the due date, waits for the office's answer (heldForExtension): a refusal leaves the date, and the next
 * day's run escalates.
 */
export async function escalateOverdueTickets(
  db: Knex,
  opts: { calendar: TicketCalendar; now: Date },
): Promise<(TicketRow & Named)[]> {
  const today = todayIn(opts.calendar.timezone, opts.now);
  const candidates = await db('tickets')
    .whereIn('status', WORKING_STATUSES)
    .whereNull('disputed_at')
    // Held while a request for more time made by the due date waits (see heldForExtension), checked again below.
    .where((q) =>
      q
        .whereNull('extension_requested_at')
        .orWhereRaw('(extension_requested_at at time zone ?)::date > due_at', [opts.calendar.timezone]),
    )
    .whereNull('escalated_at')
    .where('due_at', '<', today)
    .select('id');
  const escalated: TicketRow[] = [];
  for (const { id } of candidates) {
    const ticket = await db.transaction(async (trx) => {
      const t = await lockTicket(trx, id);
      if (!t || !isWorking(t) || heldForExtension(t, opts.calendar.timezone) || t.escalated_at || !(t.due_at < today))
        return null;
      const updated = await updateTicket(trx, t, { escalated_at: opts.now }, opts.now, { refresh: true });
      await recordAndAudit(trx, updated, 'ticket.escalate', {
        kind: 'escalated',
        at: opts.now,
        actor: null,
        details: { due_at: t.due_at, today },
      });
      return updated;
    });
    if (ticket) escalated.push(ticket);
  }
  if (!escalated.length) return escalated;
  const codes = [...new Set(escalated.map((t) => t.department_code))];
  const names = new Map(
    ((await db('departments').whereIn('code', codes).select('code', 'name')) as { code: string; name: string }[]).map((d) => [
      d.code,
      d.name,
    ]),
  );
  return escalated.map((t) => ({ ...t, department_name: names.get(t.department_code) ?? null }));
}
