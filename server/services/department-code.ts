import type { Knex } from 'knex';
import type { FieldError } from '../errors';

/**
 * A department code as people type it, as the catalog spells it: the code itself, else the one department whose
 * code differs only in case (`hr` is HR; codes, like table names, are taken in any case). Null when no department
 * has it, or several differ from it only in case (which one was meant cannot be told). A NUL is no code at all
 * (PostgreSQL cannot even compare one: asking was a 500).
 */
export async function departmentCodeAsWritten(db: Knex, value: string): Promise<string | null> {
  if (!value || value.includes('\u0000')) return null;
  const exact = await db('departments').where({ code: value }).first('code');
  if (exact) return exact.code as string;
  const matches = (await db('departments').whereRaw('lower(code) = lower(?)', [value]).limit(2).pluck('code')) as string[];
  return matches.length === 1 ? matches[0] : null;
}

/**
 * A list's `department` filter as the API takes it (the tickets and sharing-request lists): the code as the catalog
 * spells it (`hr` is HR), null without one. A code no department has is a typo, not a department with nothing to
 * list: a problem naming the filter (422), as is one sent twice (already among `problems`: then nothing is looked up).
 */
export async function departmentFilter(db: Knex, typed: string, problems: FieldError[]): Promise<string | null> {
  if (!typed || problems.some((p) => p.field === 'department')) return null;
  const code = await departmentCodeAsWritten(db, typed);
  if (code === null)
    problems.push({ field: 'department', key: 'tickets.errors.department', params: { value: typed.slice(0, 64) } });
  return code;
}
