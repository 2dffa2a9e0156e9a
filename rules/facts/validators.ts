import type { Validator } from '../../server/services/catalog/types';
import type { TimeKind } from '../hub-schema';
import { Sql, SqlDialect } from './dialect';

/** Regular expressions of the built-in validators (POSIX ERE subset: valid on PostgreSQL, MySQL ICU and MariaDB PCRE). */
export const VALIDATOR_PATTERNS = {
  cn_id_card: '^[0-9]{17}[0-9X]$',
  cn_mobile: '^1[3-9][0-9]{9}$',
  email: '^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}$',
  date: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
} as const;

/** GB 11643 / ISO 7064 MOD 11-2 weights of the first 17 digits and the check characters by remainder. */
export const ID_CARD_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
export const ID_CARD_CHECK_CHARS = '10X98765432';

/** Days in month `m` of year `y` (both integer SQL expressions), as an integer SQL expression. */
function daysInMonth(y: string, m: string): string {
  const leap = `((MOD(${y}, 4) = 0 AND MOD(${y}, 100) <> 0) OR MOD(${y}, 400) = 0)`;
  return `(CASE ${m} WHEN 2 THEN (CASE WHEN ${leap} THEN 29 ELSE 28 END) WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30 ELSE 31 END)`;
}

/**
 * `v` (a trimmed, non-empty text expression) is a GB 11643 citizen ID number. CASE branches are
 * evaluated in order, so the integer casts only ever see digits (PostgreSQL does not promise
 * left-to-right evaluation of AND).
 */
function idCard(d: SqlDialect, v: string, today: string): Sql {
  const re = d.regexMatch(v, VALIDATOR_PATTERNS.cn_id_card);
  const y = d.toInt(d.substr(v, 7, 4));
  const m = d.toInt(d.substr(v, 11, 2));
  const day = d.toInt(d.substr(v, 13, 2));
  const sum = ID_CARD_WEIGHTS.map((w, i) => `${d.toInt(d.substr(v, i + 1, 1))} * ${w}`).join(' + ');
  return {
    sql:
      `(CASE WHEN NOT ${re.sql} THEN 0` +
      ` WHEN ${y} < 1900 THEN 0` +
      ` WHEN ${m} < 1 OR ${m} > 12 THEN 0` +
      ` WHEN ${day} < 1 OR ${day} > ${daysInMonth(y, m)} THEN 0` +
      ` WHEN ${d.substr(v, 7, 8)} > ? THEN 0` +
      ` WHEN ${d.substr(`'${ID_CARD_CHECK_CHARS}'`, `MOD(${sum}, 11) + 1`, 1)} <> ${d.substr(v, 18, 1)} THEN 0` +
      ` ELSE 1 END) = 1`,
    bindings: [...re.bindings, today.replace(/-/g, '')],
  };
}

/** `v` is a real calendar date written YYYY-MM-DD. */
function textDate(d: SqlDialect, v: string): Sql {
  const re = d.regexMatch(v, VALIDATOR_PATTERNS.date);
  const y = d.toInt(d.substr(v, 1, 4));
  const m = d.toInt(d.substr(v, 6, 2));
  const day = d.toInt(d.substr(v, 9, 2));
  return {
    sql:
      `(CASE WHEN NOT ${re.sql} THEN 0 WHEN ${y} < 1 THEN 0 WHEN ${m} < 1 OR ${m} > 12 THEN 0` +
      ` WHEN ${day} < 1 OR ${day} > ${daysInMonth(y, m)} THEN 0 ELSE 1 END) = 1`,
    bindings: re.bindings,
  };
}

/**
 * A condition true when the non-empty value `v` passes `validator`. `today` (YYYY-MM-DD, catalog
 * timezone) bounds ID birth dates; `kind` lets a `date` check pass any value of a date/time column.
 */
export function validatorCondition(d: SqlDialect, validator: Validator, v: string, today: string, kind: TimeKind): Sql {
  switch (validator) {
    case 'cn_id_card':
      return idCard(d, v, today);
    case 'cn_mobile':
      return d.regexMatch(v, VALIDATOR_PATTERNS.cn_mobile);
    case 'email':
      return d.regexMatch(v, VALIDATOR_PATTERNS.email);
    case 'date':
      return kind === 'other' ? textDate(d, v) : { sql: '1 = 1', bindings: [] };
  }
}
