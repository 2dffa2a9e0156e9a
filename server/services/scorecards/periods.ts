import type { Knex } from 'knex';
import { AlreadyDoneError, ConflictError, NotFoundError, ValidationError } from '../../errors';
import { addDays } from '../calendar/dates';
import type { WorkingDayCalendar } from '../calendar';
import { COMPONENTS, rankByScore, roundWithinBounds, type Component } from './components';
import { characterCount } from '../characters';
import { forbiddenCharacterProblem } from '../../middleware/body-safety';

export type PeriodKind =
  'month' | 'semester' | 'academic_year' | 'previous_month' | 'previous_semester' | 'previous_academic_year';
/** In the order the pickers offer them: the running periods, then the ones just over (what is assessed and closed). */
export const PERIOD_KINDS: PeriodKind[] = [
  'month',
  'semester',
  'academic_year',
  'previous_month',
  'previous_semester',
  'previous_academic_year',
];

export interface Period {
  from: string;
  to: string;
  kind: PeriodKind | 'range';
}

/** One department's result over a period (the API's item, a row of the exports). */
export interface PeriodResult extends Record<Component, number | null> {
  department: string;
  name: string;
  score: number | null;
  rank: number | null;
  /** Days with a score in the period. */
  days: number;
  tickets_active: number;
  tickets_overdue: number;
  tickets_escalated: number;
  median_resolve_hours: number | null;
  reports_received: number;
}

/**
 * The period of `kind` containing `today` — or, for a `previous_…` kind, the one before it (the period containing the
 * day before this one starts). Semesters and academic years come from the catalog calendar events; null when the
 * calendar has no such occurrence (an academic year before the first `academic_year_start` it lists).
 */
export function periodContaining(kind: PeriodKind, today: string, calendar: WorkingDayCalendar): Period | null {
  if (kind.startsWith('previous_')) {
    const running = kind.slice('previous_'.length) as PeriodKind;
    const current = periodContaining(running, today, calendar);
    const before = current && periodContaining(running, addDays(current.from, -1), calendar);
    return before && { ...before, kind };
  }
  if (kind === 'month') {
    const from = `${today.slice(0, 7)}-01`;
    const next = addDays(`${today.slice(0, 7)}-28`, 4);
    return { kind, from, to: addDays(`${next.slice(0, 7)}-01`, -1) };
  }
  const event = kind === 'semester' ? 'semester_start' : 'academic_year_start';
  try {
    const from = calendar.latestOccurrenceBefore(event, today);
    if (!from) return null;
    // The period ends the day before the event's next occurrence; without one, a semester lasts
    // until today and an academic year a full year.
    const next = calendar.eventOccurrences(event, addDays(from, 1), addDays(from, 400))[0];
    const to = next
      ? addDays(next, -1)
      : kind === 'academic_year'
        ? addDays(`${Number(from.slice(0, 4)) + 1}${from.slice(4)}`, -1)
        : today;
    return { kind, from, to };
  } catch {
    return null; // the catalog has no such event
  }
}

/** A period's mean component, 4 decimals; a mean below 1 stays below 1 (roundWithinBounds). */
const ratio = (v: unknown) => (v === null || v === undefined ? null : roundWithinBounds(Number(v), 4, 1));

/**
 * Results over [from, to] computed from the snapshots: score and each component are the mean of
 * the daily values (days without a value are left out); ticket counts are those of the period's
 * last snapshot; reports received are summed. Ranked by score.
 */
export async function computePeriodResults(db: Knex | Knex.Transaction, from: string, to: string): Promise<PeriodResult[]> {
  const { rows } = await db.raw(
    `select s.department_code, d.name, avg(s.score) as score, count(s.score) as days,
            ${COMPONENTS.map((c) => `avg(s.${c}) as ${c}`).join(', ')},
            (array_agg(s.tickets_active order by s.day desc))[1] as tickets_active,
            (array_agg(s.tickets_overdue order by s.day desc))[1] as tickets_overdue,
            (array_agg(s.tickets_escalated order by s.day desc))[1] as tickets_escalated,
            (array_agg(s.median_resolve_hours order by s.day desc))[1] as median_resolve_hours,
            sum(s.reports_received) as reports_received
       from scorecard_snapshots s join departments d on d.code = s.department_code
      where s.day >= ? and s.day <= ?
      group by s.department_code, d.name`,
    [from, to],
  );
  const results: Omit<PeriodResult, 'rank'>[] = rows.map((r: Record<string, unknown>) => {
    const out = {
      department: String(r.department_code),
      name: String(r.name),
      score: r.score === null ? null : roundWithinBounds(Number(r.score), 2, 100),
      days: Number(r.days),
      tickets_active: Number(r.tickets_active ?? 0),
      tickets_overdue: Number(r.tickets_overdue ?? 0),
      tickets_escalated: Number(r.tickets_escalated ?? 0),
      median_resolve_hours: r.median_resolve_hours === null ? null : Number(r.median_resolve_hours),
      reports_received: Number(r.reports_received ?? 0),
    } as Omit<PeriodResult, 'rank'>;
    for (const c of COMPONENTS) (out as Record<string, unknown>)[c] = ratio(r[c]);
    return out;
  });
  return rankByScore(results).sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || a.department.localeCompare(b.department));
}

export interface ClosedPeriod {
  id: number;
  label: string;
  from: string;
  to: string;
  closed_at: Date;
  closed_by_login: string | null;
  results: PeriodResult[];
}

function closedRow(row: Record<string, unknown>): ClosedPeriod {
  return {
    ...(row as unknown as ClosedPeriod),
    id: Number(row.id),
    results: (typeof row.results === 'string' ? JSON.parse(row.results) : row.results) as PeriodResult[],
  };
}

/** The period's results: frozen ones when exactly this period was closed, else computed now. */
export async function periodResults(
  db: Knex,
  from: string,
  to: string,
): Promise<{ results: PeriodResult[]; closed: ClosedPeriod | null }> {
  const row = await db('assessment_periods').where({ from, to }).first();
  if (row) {
    const closed = closedRow(row);
    return { results: closed.results, closed };
  }
  return { results: await computePeriodResults(db, from, to), closed: null };
}

/** A closed period as the periods page lists it, with its appeals (all, or one department's). */
export interface ListedPeriod extends Omit<ClosedPeriod, 'results'> {
  /** Appeals filed, and those not answered yet. */
  appeals: number;
  pending: number;
  /** With `department`: that department's result (null when it was not scored then). */
  own?: PeriodResult | null;
  /** With `department`: how many departments were ranked. */
  ranked?: number;
}

/**
 * The closed periods, latest first. With `department` (a steward or department leader) the appeal
 * counts are that department's own and each period carries the department's own result only — never
 * another department's.
 */
export async function listClosedPeriods(db: Knex, opts: { department?: string } = {}): Promise<ListedPeriod[]> {
  const appeals = db('scorecard_appeals')
    .modify((q) => (opts.department ? q.where({ department_code: opts.department }) : q))
    .groupBy('period_id')
    .select('period_id', db.raw('count(*)::int as appeals'), db.raw('(count(*) filter (where answer is null))::int as pending'))
    .as('a');
  const rows = await db('assessment_periods as p')
    .leftJoin(appeals, 'a.period_id', 'p.id')
    .orderBy([
      { column: 'p.to', order: 'desc' },
      { column: 'p.id', order: 'desc' },
    ])
    .select('p.id', 'p.label', 'p.from', 'p.to', 'p.closed_at', 'p.closed_by_login', 'a.appeals', 'a.pending')
    .modify((q) => (opts.department ? q.select('p.results') : q));
  return rows.map((row: Record<string, unknown>) => {
    const { results, ...rest } = row;
    const listed: ListedPeriod = {
      ...(rest as unknown as ListedPeriod),
      id: Number(row.id),
      appeals: Number(row.appeals ?? 0),
      pending: Number(row.pending ?? 0),
    };
    if (opts.department) {
      const all = (typeof results === 'string' ? JSON.parse(results) : results) as PeriodResult[];
      listed.own = all.find((r) => r.department === opts.department) ?? null;
      listed.ranked = all.filter((r) => r.rank !== null).length;
    }
    return listed;
  });
}

export async function findClosedPeriod(db: Knex | Knex.Transaction, id: number): Promise<ClosedPeriod> {
  const row = Number.isSafeInteger(id) && id > 0 ? await db('assessment_periods').where({ id }).first() : undefined;
  if (!row) throw new NotFoundError();
  return closedRow(row);
}

/**
 * The presets (this month, semester, academic year) as they can be closed today: only finished days
 * can be, so each ends yesterday at the latest; null when not even its first day is over.
 */
export function closablePeriod(
  period: { from: string | null; to: string | null },
  today: string,
): { from: string; to: string } | null {
  if (!period.from || !period.to) return null;
  const last = addDays(today, -1);
  const to = period.to < last ? period.to : last;
  return period.from <= to ? { from: period.from, to } : null;
}

/**
 * Closes [from, to]: computes its results once and stores them. From then on the period's results
 * are read from the row, and the snapshot job no longer rewrites its days — so `to` must be a day
 * that is over (before `today`, the catalog calendar's today): a day still running would be frozen
 * half-measured.
 */
/** The longest period name (characters), as the column takes it. */
export const PERIOD_LABEL_MAX = 200;

export async function closePeriod(
  trx: Knex.Transaction,
  input: { from: string; to: string; label: string; today: string; userId: number | null; login: string | null; now: Date },
): Promise<ClosedPeriod> {
  if (input.to >= input.today)
    throw new ValidationError([
      { field: 'to', key: 'scorecards.errors.closeUnfinished', params: { today: input.today, last: addDays(input.today, -1) } },
    ]);
  // Closed already (a second tab, a colleague): said at the dates, like any other reason not to close — before the
  // name's own problems, said in its place otherwise: the name put right, the form only then said it was closed.
  if (await trx('assessment_periods').where({ from: input.from, to: input.to }).first('id'))
    throw new ValidationError([
      { field: 'to', key: 'scorecards.errors.alreadyClosed', params: { from: input.from, to: input.to } },
    ]);
  const typed = input.label.trim();
  // A NUL or a direction override: said beside the box (CHECKED_BY_ROUTE leaves the web form's `label` here), after
  // the state, as every box that rule leaves to its route.
  const characterProblem = forbiddenCharacterProblem('label', typed);
  if (characterProblem) throw new ValidationError([characterProblem]);
  if (characterCount(typed) > PERIOD_LABEL_MAX)
    throw new ValidationError([{ field: 'label', key: 'scorecards.errors.labelTooLong', params: { max: PERIOD_LABEL_MAX } }]);
  const label = typed || `${input.from} – ${input.to}`;
  const results = await computePeriodResults(trx, input.from, input.to);
  const [row] = await trx('assessment_periods')
    .insert({
      label,
      from: input.from,
      to: input.to,
      closed_at: input.now,
      closed_by: input.userId,
      closed_by_login: input.login,
      results: JSON.stringify(results),
    })
    .returning('*');
  return closedRow(row);
}

/**
 * Whether any department has a score in a period's results. A period without (no snapshot taken in it, or snapshots
 * of days no check measured) would be frozen empty: the periods form closes one only when the IT office confirms.
 */
export const hasScores = (results: PeriodResult[]): boolean => results.some((r) => r.score !== null);

export interface AppealRow {
  id: number;
  period_id: number;
  department_code: string;
  comment: string;
  created_by_name: string | null;
  created_at: Date;
  answer: string | null;
  answered_by: number | null;
  answered_by_name: string | null;
  answered_at: Date | null;
}

export async function appealsOf(db: Knex, periodId: number, department?: string): Promise<AppealRow[]> {
  return db('scorecard_appeals')
    .where({ period_id: periodId })
    .modify((q) => (department ? q.where({ department_code: department }) : q))
    .orderBy('department_code');
}

/**
 * An appeal's comment or answer: required, at most 4000 characters; the messages name the field by its label. A NUL or
 * a direction override (U+202A–U+202E: Windows puts LRE/PDF around a phone number copied from its apps) is said beside
 * the box: the app-wide refusal leaves these two boxes to their routes (CHECKED_BY_ROUTE), which show the period's page
 * again with the text as typed — the bare error page lost up to 4000 characters.
 */
const cleanText = (value: unknown, field: 'comment' | 'answer') => {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) throw new ValidationError([{ field, key: `scorecards.errors.${field}Required` }]);
  const characterProblem = forbiddenCharacterProblem(field, text);
  if (characterProblem) throw new ValidationError([characterProblem]);
  // Characters as people count them (characterCount): an emoji or a rare name character is one, not two.
  // The message says how many were typed, as the weights' note does: "at most 4000" alone left the count to guess.
  const length = characterCount(text);
  if (length > 4000)
    throw new ValidationError([{ field, key: `scorecards.errors.${field}TooLong`, params: { max: 4000, length } }]);
  return text;
};

/**
 * One appeal per department and closed period. The period is looked up first (404), then an
 * existing appeal (409), then the comment (422): the page that comes back with a comment's message
 * still has the appeal form to show it under. The existing appeal is refused as done already
 * (`AlreadyDoneError`, nothing changed) when it is this person's with this very text — the form sent twice —
 * and else as a conflict with the appeal's id (a colleague's, or this person's other text), whose page shows who
 * appealed when and keeps the refused text.
 */
export async function addAppeal(
  trx: Knex.Transaction,
  input: { periodId: number; department: string; comment: unknown; userId: number; userName: string; now: Date },
): Promise<AppealRow> {
  await findClosedPeriod(trx, input.periodId);
  const appealed = (): Promise<(Pick<AppealRow, 'id' | 'comment'> & { created_by: number | string | null }) | undefined> =>
    trx('scorecard_appeals')
      .where({ period_id: input.periodId, department_code: input.department })
      .first('id', 'comment', 'created_by');
  const refuse = (existing: Awaited<ReturnType<typeof appealed>>): never => {
    if (!existing) throw new ConflictError('scorecards.errors.appealExists');
    const typed = typeof input.comment === 'string' ? input.comment.trim() : '';
    if (Number(existing.created_by) === input.userId && typed === existing.comment)
      throw new AlreadyDoneError('scorecards.errors.alreadyAppealed', { id: Number(existing.id) });
    throw new ConflictError('scorecards.errors.appealExists', { id: Number(existing.id) });
  };
  const existing = await appealed();
  if (existing) refuse(existing);
  const comment = cleanText(input.comment, 'comment');
  const [row] = await trx('scorecard_appeals')
    .insert({
      period_id: input.periodId,
      department_code: input.department,
      comment,
      created_by: input.userId,
      created_by_name: input.userName,
      created_at: input.now,
    })
    .onConflict(['period_id', 'department_code'])
    .ignore()
    .returning('*');
  // Sent at the same moment as another (two stewards, a double click on PostgreSQL): both passed the look-up above,
  // and the unique key kept this insert waiting until the other committed. Read again — a new statement sees that
  // committed appeal — to tell a repeat of the same text from a colleague's appeal.
  if (!row) refuse(await appealed());
  return row as AppealRow;
}

/** An appeal by id (404 when there is none); `forUpdate` locks it inside a transaction. */
export async function findAppeal(
  db: Knex | Knex.Transaction,
  id: number,
  opts: { forUpdate?: boolean } = {},
): Promise<AppealRow> {
  const row =
    Number.isSafeInteger(id) && id > 0
      ? await db('scorecard_appeals')
          .where({ id })
          .modify((q) => (opts.forUpdate ? q.forUpdate() : q))
          .first()
      : undefined;
  if (!row) throw new NotFoundError();
  return row as AppealRow;
}

/** Answers an appeal once: 404 for no such appeal, 409 when answered, then 422 for an empty answer. */
export async function answerAppeal(
  trx: Knex.Transaction,
  input: { appealId: number; answer: unknown; userId: number; userName: string; now: Date },
): Promise<AppealRow> {
  const current = await findAppeal(trx, input.appealId, { forUpdate: true });
  if (current.answer) {
    // The same person's same answer again (a double click, the form re-sent): done, nothing changed. Anyone else's —
    // a colleague answered first — is refused; the route keeps the text typed (it would otherwise be lost).
    const typed = typeof input.answer === 'string' ? input.answer.trim() : '';
    if (Number(current.answered_by) === input.userId && typed === current.answer.trim())
      throw new AlreadyDoneError('scorecards.errors.alreadyAnswered', { id: Number(current.id) });
    throw new ConflictError('scorecards.errors.appealAnswered');
  }
  const answer = cleanText(input.answer, 'answer');
  const [row] = await trx('scorecard_appeals')
    .where({ id: input.appealId })
    .update({ answer, answered_by: input.userId, answered_by_name: input.userName, answered_at: input.now })
    .returning('*');
  return row as AppealRow;
}
