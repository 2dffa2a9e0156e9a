/**
 * The daily digest: one message per department listing its active tickets — overdue, due soon,
 * new since the last digest, and the rest — instead of a mail per ticket.
 */
import type { Knex } from 'knex';
import { todayIn } from '../calendar';
import type { TicketCalendar } from './apply';
import { plural, ticketLine, ticketLineEn } from './notify';
import { ACTIVE_STATUSES, TicketRow } from './types';

export interface Digest {
  department: string;
  departmentName: string;
  today: string;
  overdue: TicketRow[];
  dueSoon: TicketRow[];
  fresh: TicketRow[];
  others: TicketRow[];
  title: string;
  body: string;
  /** The same in English, for the inbox of English readers (the e-mail and the robot get the Chinese one). */
  en: { title: string; body: string };
}

/** Working days ahead that count as "due soon". */
const DUE_SOON_WORKING_DAYS = 2;

export async function buildDigest(
  db: Knex,
  department: string,
  opts: { calendar: TicketCalendar; now: Date; since: Date | null },
): Promise<Digest | null> {
  const tickets = (await db('tickets')
    .where({ department_code: department })
    .whereIn('status', ACTIVE_STATUSES)
    .orderBy([{ column: 'due_at' }, { column: 'id' }])
    .select('*')) as TicketRow[];
  if (!tickets.length) return null;
  const dept = await db('departments').where({ code: department }).first('name');
  const today = todayIn(opts.calendar.timezone, opts.now);
  const soon = opts.calendar.addWorkingDays(today, DUE_SOON_WORKING_DAYS);
  const d: Digest = {
    department,
    departmentName: dept?.name ?? department,
    today,
    overdue: [],
    dueSoon: [],
    fresh: [],
    others: [],
    title: '',
    body: '',
    en: { title: '', body: '' },
  };
  for (const t of tickets) {
    // A disputed ticket waits for the IT office, its clock stopped: neither overdue nor due soon.
    if (t.disputed_at) d.others.push(t);
    else if (t.due_at < today) d.overdue.push(t);
    else if (t.due_at <= soon) d.dueSoon.push(t);
    else if (!opts.since || t.first_seen > opts.since) d.fresh.push(t);
    else d.others.push(t);
  }
  d.title = `【数据质量日报】${d.departmentName} ${today}：${tickets.length} 个待整改工单`;
  const section = (label: string, list: TicketRow[]) => (list.length ? [`【${label}】`, ...list.map(ticketLine), ''] : []);
  d.body = [
    `${d.departmentName}（${department}）共有 ${tickets.length} 个待整改的数据质量工单：已逾期 ${d.overdue.length}，即将到期 ${d.dueSoon.length}，新增 ${d.fresh.length}。`,
    '',
    ...section('已逾期', d.overdue),
    ...section('即将到期', d.dueSoon),
    ...section('新增', d.fresh),
    ...section('其他待办', d.others),
  ]
    .join('\n')
    .trimEnd();
  const sectionEn = (label: string, list: TicketRow[]) => (list.length ? [`[${label}]`, ...list.map(ticketLineEn), ''] : []);
  d.en.title = `[Daily data-quality digest] ${d.departmentName} ${today}: ${plural(tickets.length, 'ticket', 'tickets')} to fix`;
  d.en.body = [
    `${d.departmentName} (${department}) has ${plural(tickets.length, 'data-quality ticket', 'data-quality tickets')} to fix: ${d.overdue.length} overdue, ${d.dueSoon.length} due soon, ${d.fresh.length} new.`,
    '',
    ...sectionEn('Overdue', d.overdue),
    ...sectionEn('Due soon', d.dueSoon),
    ...sectionEn('New', d.fresh),
    ...sectionEn('Other to-dos', d.others),
  ]
    .join('\n')
    .trimEnd();
  return d;
}

/**
 * Claims today's digest for a department: true for exactly one caller per department and day,
 * however many instances run the job. Returns the previous digest's time (for "new since").
 */
export async function claimDigest(
  db: Knex,
  department: string,
  today: string,
  now: Date,
): Promise<{ claimed: boolean; previous: Date | null; release: () => Promise<void> }> {
  // The row this claim replaces, read under its lock in the claim's own transaction: read apart, a run overlapping
  // another's give-back (release) could take the other's claim for the day before and restore it, keeping the day.
  const { before, rows } = await db.transaction(async (trx) => {
    const row = await trx('department_digests')
      .where({ department_code: department })
      .forUpdate()
      .first('last_digest_on', 'last_sent_at');
    const claim = await trx.raw(
      `INSERT INTO department_digests (department_code, last_digest_on, last_sent_at) VALUES (?, ?, ?)
     ON CONFLICT (department_code) DO UPDATE SET last_digest_on = EXCLUDED.last_digest_on, last_sent_at = EXCLUDED.last_sent_at
     WHERE department_digests.last_digest_on IS NULL OR department_digests.last_digest_on < EXCLUDED.last_digest_on
     RETURNING department_code`,
      [department, today, now],
    );
    return { before: row, rows: (claim as { rows: unknown[] }).rows };
  });
  return {
    claimed: rows.length === 1,
    previous: before?.last_sent_at ?? null,
    // A digest that reached nobody (no account, address or robot): the day is given back, so that it goes out today
    // once someone is there to read it — only if this claim still holds it.
    release: async () => {
      await db('department_digests')
        .where({ department_code: department, last_digest_on: today })
        .update({ last_digest_on: before?.last_digest_on ?? null, last_sent_at: before?.last_sent_at ?? null });
    },
  };
}

/** Departments that currently have active tickets. */
export async function departmentsWithActiveTickets(db: Knex): Promise<string[]> {
  const rows = await db('tickets').whereIn('status', ACTIVE_STATUSES).distinct('department_code').orderBy('department_code');
  return rows.map((r: { department_code: string }) => r.department_code);
}
