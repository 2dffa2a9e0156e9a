import type { Knex } from 'knex';
import { ConflictError, ValidationError } from '../../errors';
import { appendAudit, type AuditActor } from '../audit';
import { DEFAULT_DUE_WORKING_DAYS, DueWorkingDays, RequestOrigin, SEVERITIES } from './types';
import { typedWholeNumber } from '../typed-number';
import { formVersion } from '../form-version';

const KEY = 'tickets.due_working_days';

/** Working days to due by severity: the IT office's setting, else the defaults (3 / 5 / 10). */
export async function loadDueWorkingDays(db: Knex | Knex.Transaction): Promise<DueWorkingDays> {
  const row = await db('settings').where({ key: KEY }).first('value');
  const stored = (row?.value ?? {}) as Partial<DueWorkingDays>;
  const out = { ...DEFAULT_DUE_WORKING_DAYS };
  for (const s of SEVERITIES) if (Number.isInteger(stored[s]) && (stored[s] as number) >= 1) out[s] = stored[s] as number;
  return out;
}

/** The days as the settings form shows them, for the form to carry (`edited_from`, form-version.ts). */
export function dueWorkingDaysVersion(days: DueWorkingDays): string {
  return formVersion(SEVERITIES.map((s) => days[s]));
}

/**
 * Validates form input (strings allowed) and stores it; each bad value names its severity. `editedFrom`, the days the
 * form was opened with (dueWorkingDaysVersion): given and no longer the stored ones — another officer or tab saved
 * meanwhile — nothing is saved (ConflictError `tickets.settings.stale`), unless what was sent is what is stored now
 * (a double click: no change). Without it nothing is compared. Checked and written under one lock.
 */
export async function saveDueWorkingDays(
  db: Knex,
  input: Record<string, unknown>,
  actor: AuditActor | null,
  origin: RequestOrigin = {},
  editedFrom?: string,
): Promise<{ value: DueWorkingDays; changed: boolean }> {
  const value = {} as DueWorkingDays;
  const problems = [];
  for (const s of SEVERITIES) {
    const digits = typedWholeNumber(String(input[s] ?? ''));
    const n = digits === null ? NaN : Number(digits);
    if (!(n >= 1 && n <= 60)) problems.push({ field: s, key: 'tickets.settings.errors.days', params: { min: 1, max: 60 } });
    else value[s] = n;
  }
  if (problems.length) throw new ValidationError(problems);
  const changed = await db.transaction(async (trx) => {
    // Two saves at once take turns here: the second reads what the first wrote (the row may not exist yet: no row lock).
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`settings:${KEY}`]);
    const before = await loadDueWorkingDays(trx);
    // The same days sent again (the form saved as it was): nothing written, no audit row saying "saved".
    if (SEVERITIES.every((s) => before[s] === value[s])) return false;
    if (editedFrom !== undefined && editedFrom !== dueWorkingDaysVersion(before))
      throw new ConflictError('tickets.settings.stale');
    await trx('settings')
      .insert({ key: KEY, value: JSON.stringify(value), updated_at: trx.fn.now(), updated_by: actor?.login ?? null })
      .onConflict('key')
      .merge();
    await appendAudit(trx, {
      actor,
      action: 'tickets.settings',
      objectType: 'settings',
      objectId: KEY,
      summary: { before, after: value },
      ...origin,
    });
    return true;
  });
  return { value, changed };
}
