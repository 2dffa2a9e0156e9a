/**
 * A range of days typed into a form or query (`from`, `to`, YYYY-MM-DD, `to` inclusive): the one check of it,
 * used by the scorecards' periods (both days required) and the audit log's filter (either may be left out).
 * The messages (calendar.errors.from…/to…/range) name the field and what was typed; they belong to no one page.
 */
import { ValidationError, type FieldError } from '../../errors';
import { isIsoDate } from './dates';

/**
 * What is wrong with a range's date, as its message key's ending: missing, not a real YYYY-MM-DD date
 * (2026-02-30, 2026-2-3), or a real date before 1900 (isIsoDate's lower bound); null when it is fine.
 */
function dateProblem(value: string): 'Missing' | 'Date' | 'Before1900' | null {
  if (value === '') return 'Missing';
  if (isIsoDate(value)) return null;
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && isIsoDate(`2000${value.slice(4)}`) && Number(value.slice(0, 4)) < 1900
    ? 'Before1900'
    : 'Date';
}

function checkRange(input: { from?: unknown; to?: unknown }, optional: boolean): { from: string; to: string } {
  const problems: FieldError[] = [];
  const from = String(input.from ?? '').trim();
  const to = String(input.to ?? '').trim();
  for (const [field, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    const problem = optional && value === '' ? null : dateProblem(value);
    if (problem) problems.push({ field, key: `calendar.errors.${field}${problem}`, params: { value } });
  }
  if (!problems.length && from && to && from > to) problems.push({ field: 'to', key: 'calendar.errors.range', params: { from } });
  if (problems.length) throw new ValidationError(problems);
  return { from, to };
}

/** `from`/`to`, both required; 422 naming the field and what is wrong with it, or a reversed range. */
export function parseRange(input: { from?: unknown; to?: unknown }): { from: string; to: string } {
  return checkRange(input, false);
}

/** `from`/`to`, either or both left out (empty, or only spaces): undefined; else checked as parseRange does. */
export function parseOptionalRange(input: { from?: unknown; to?: unknown }): { from?: string; to?: string } {
  const { from, to } = checkRange(input, true);
  return { from: from || undefined, to: to || undefined };
}
