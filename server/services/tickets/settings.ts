import type { Knex } from 'knex';
import { ValidationError } from '../../errors';
import { appendAudit, type AuditActor } from '../audit';
import { DEFAULT_DUE_WORKING_DAYS, DueWorkingDays, RequestOrigin, SEVERITIES } from './types';
import { typedWholeNumber } from '../typed-number';

const KEY = 'tickets.due_working_days';

/** Working days to due by severity: the IT office's setting, else the defaults (3 / 5 / 10). */
export async function loadDueWorkingDays(db: Knex | Knex.Transaction): Promise<DueWorkingDays> {
  const row = await db('settings').where({ key: KEY }).first('value');
  const stored = (row?.value ?? {}) as Partial<DueWorkingDays>;
  const out = { ...DEFAULT_DUE_WORKING_DAYS };
  for (const s of SEVERITIES) if (Number.isInteger(stored[s]) && (stored[s] as number) >= 1) out[s] = stored[s] as number;
  return out;
}

/** Validates form or API input (strings allowed) and stores it; each bad value names its severity. */
export async function saveDueWorkingDays(
  db: Knex,
  input: Record<string, unknown>,
  actor: AuditActor | null,
  origin: RequestOrigin = {},
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
    const before = await loadDueWorkingDays(trx);
    // The same days sent again (the form saved as it was): nothing written, no audit row saying "saved".
    if (SEVERITIES.every((s) => before[s] === value[s])) return false;
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
