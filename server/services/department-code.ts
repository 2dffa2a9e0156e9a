import type { Knex } from 'knex';

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
