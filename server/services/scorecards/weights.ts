import type { Knex } from 'knex';
import { ConflictError, ValidationError, type FieldError } from '../../errors';
import { isIsoDate } from '../calendar/dates';
import { COMPONENTS, DEFAULT_WEIGHTS, type Component, type Weights } from './components';
import { typedWholeNumber } from '../typed-number';
import { characterCount } from '../characters';
import { forbiddenCharacterProblem } from '../../middleware/body-safety';
import { formVersion } from '../form-version';

export interface WeightsVersion {
  id: number;
  weights: Weights;
  valid_from: string;
  note: string | null;
  created_by_login: string | null;
  created_at: Date;
}

function normalize(row: Record<string, unknown>): WeightsVersion {
  const raw = (typeof row.weights === 'string' ? JSON.parse(row.weights) : row.weights) as Partial<Weights>;
  return { ...(row as unknown as WeightsVersion), id: Number(row.id), weights: { ...DEFAULT_WEIGHTS, ...raw } };
}

/**
 * The version that applies to snapshots of `day`: the latest `valid_from` on or before it (the
 * newest row wins on a tie). A change therefore never reaches days before its `valid_from`.
 */
export async function weightsFor(db: Knex | Knex.Transaction, day: string): Promise<WeightsVersion> {
  const row = await db('scorecard_weights')
    .where('valid_from', '<=', day)
    .orderBy([
      { column: 'valid_from', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first();
  if (row) return normalize(row);
  const first = await db('scorecard_weights').orderBy('id').first();
  if (!first) throw new Error('scorecard_weights is empty: run the migrations');
  return normalize(first);
}

/**
 * The first version scheduled for a day after `day` (its id and start), if any: the latest `valid_from` applies, so
 * a version saved for `day` gives way to it on that day.
 */
export async function nextWeightsVersion(
  db: Knex | Knex.Transaction,
  day: string,
): Promise<{ id: number; valid_from: string } | undefined> {
  const row = await db('scorecard_weights').where('valid_from', '>', day).orderBy('valid_from').first('id', 'valid_from');
  return row ? { id: Number(row.id), valid_from: String(row.valid_from) } : undefined;
}

export async function weightsHistory(db: Knex): Promise<WeightsVersion[]> {
  return (await db('scorecard_weights').orderBy('id', 'desc').select('*')).map(normalize);
}

/** A weights version's note: why the weights changed (the form's textarea says so). */
export const MAX_WEIGHTS_NOTE = 500;

/** Reads a form or JSON body: `weights.<component>` or `{weights: {...}}`, whole numbers 0–100, some > 0. */
export function parseWeights(
  body: Record<string, unknown>,
  today: string,
  /** A component as the reader knows it (时效性), for the messages naming a weight. */
  label: (component: Component) => string = (c) => c,
): { weights: Weights; validFrom: string; note: string | null } {
  const nested = (body.weights && typeof body.weights === 'object' ? body.weights : {}) as Record<string, unknown>;
  const problems: FieldError[] = [];
  const weights = {} as Weights;
  for (const c of COMPONENTS) {
    const raw = nested[c] ?? body[`weights.${c}`] ?? body[`weights[${c}]`];
    const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
    const digits = typedWholeNumber(text, 3);
    const n = digits === null ? NaN : Number(digits);
    // An empty box is asked for, not quoted back (收到“” read as if something odd had been typed).
    if (text === '') problems.push({ field: `weights.${c}`, key: 'scorecards.errors.weightEmpty', params: { label: label(c) } });
    else if (!Number.isInteger(n) || n < 0 || n > 100)
      problems.push({ field: `weights.${c}`, key: 'scorecards.errors.weight', params: { label: label(c), value: text } });
    else weights[c] = n;
  }
  if (!problems.length && COMPONENTS.every((c) => weights[c] === 0))
    problems.push({ field: 'weights.freshness', key: 'scorecards.errors.weightsZero' });
  const validFrom = String(body.valid_from ?? '').trim() || today;
  if (!isIsoDate(validFrom))
    problems.push({ field: 'valid_from', key: 'scorecards.errors.validFromDate', params: { value: validFrom } });
  else if (validFrom < today) problems.push({ field: 'valid_from', key: 'scorecards.errors.validFromPast', params: { today } });
  const note = typeof body.note === 'string' ? body.note.trim() : '';
  // A NUL or a direction override: said beside the box with the form's other mistakes (CHECKED_BY_ROUTE leaves it here).
  const characterProblem = forbiddenCharacterProblem('note', note);
  if (body.note !== undefined && body.note !== null && typeof body.note !== 'string')
    problems.push({ field: 'note', key: 'scorecards.errors.noteType' });
  else if (characterProblem) problems.push(characterProblem);
  else if (characterCount(note) > MAX_WEIGHTS_NOTE)
    problems.push({
      field: 'note',
      key: 'scorecards.errors.noteTooLong',
      params: { max: MAX_WEIGHTS_NOTE, length: characterCount(note) },
    });
  if (problems.length) throw new ValidationError(problems);
  return { weights, validFrom, note: note || null };
}

/** Adds a version (never updates one: the history is the table). Call inside the audited transaction. */
export async function addWeightsVersion(
  trx: Knex.Transaction,
  input: { weights: Weights; validFrom: string; note: string | null; userId: number | null; login: string | null },
): Promise<number> {
  const [row] = await trx('scorecard_weights')
    .insert({
      weights: JSON.stringify(input.weights),
      valid_from: input.validFrom,
      note: input.note,
      created_by: input.userId,
      created_by_login: input.login,
    })
    .returning('id');
  return Number(row.id ?? row);
}

/**
 * The history as the weights form shows it — its newest version — for the form to carry (`edited_from`, form-version.ts):
 * a version added since (by another officer, in another tab) is a change the page did not show.
 */
export function weightsFormVersion(newest: Pick<WeightsVersion, 'id'> | undefined): string {
  return formVersion([newest?.id ?? null]);
}

/**
 * Before a version is added, in its transaction: takes the weights' lock (two saves at once take turns: the second
 * sees the first's version) and reads the newest version. The version sent the same as the newest (the form sent twice,
 * a double click) is `same`: nothing to add. `editedFrom`, the history the form was opened with (weightsFormVersion):
 * given and a version added since, nothing is to be added (ConflictError `scorecards.weights.stale`). Without it
 * nothing is compared.
 */
export async function checkNewWeightsVersion(
  trx: Knex.Transaction,
  input: { weights: Weights; validFrom: string; note: string | null },
  editedFrom?: string,
): Promise<{ same: WeightsVersion | null }> {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['scorecard_weights']);
  const row = await trx('scorecard_weights').orderBy('id', 'desc').first();
  const newest = row ? normalize(row) : undefined;
  if (
    newest &&
    String(newest.valid_from) === input.validFrom &&
    (newest.note ?? null) === input.note &&
    COMPONENTS.every((c) => newest.weights[c] === input.weights[c])
  )
    return { same: newest };
  if (editedFrom !== undefined && editedFrom !== weightsFormVersion(newest)) throw new ConflictError('scorecards.weights.stale');
  return { same: null };
}
