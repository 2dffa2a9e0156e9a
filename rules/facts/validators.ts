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
 * Values a condition may have computed once per row: `once(key, expr)` projects `expr` (written over
 * values the aggregate already projects, such as the trimmed value `v`) into a derived table and
 * returns its reference. Only the PostgreSQL aggregate offers it.
 */
export interface PerRow {
  once(key: string, expr: () => Sql): string;
}

/**
 * PostgreSQL: the bytes of text `v` left after its leading ASCII digits. ltrim on text walks the
 * string character by character and compares each with each of the ten digits (~0.4 µs for an
 * 11-digit value); on bytea it is a byte loop, about twice as fast over a whole column. The text's
 * bytes are taken as they are stored (`convert_to(…, 'SQL_ASCII')` converts nothing and never fails);
 * in every PostgreSQL server encoding the bytes 0x30–0x39 only ever stand for the ASCII digits (the
 * bytes of other characters are ≥ 0x80 or, in EUC/MULE, ≥ 0xA0), so no other character can pass.
 */
function afterLeadingDigits(v: string): string {
  return `ltrim(convert_to(${v}, 'SQL_ASCII'), decode('30313233343536373839', 'hex'))`;
}

/**
 * The PostgreSQL aggregate's form of `idCard`: the 17-digit body is cast to a bigint once per row
 * (NULL when the trimmed value `v` is not 17 digits + digit/X), and the birth date and the MOD 11-2
 * sum are integer arithmetic on it — no per-digit substr/cast, which dominated the cost of a wide
 * table's aggregate. The shape test is an octet length and the bytes left after the leading digits
 * (`afterLeadingDigits`) instead of the regular expression (~0.5 µs per row in PostgreSQL's regex
 * engine): 18 bytes, and what is left is nothing or the one byte of 'X'. Same verdicts as `idCard`;
 * the comparisons are byte-wise (bytea, COLLATE "C"), so a case-insensitive collation cannot let 'x' pass.
 * PostgreSQL's bigint `/` truncates; MySQL's would not, hence PostgreSQL only.
 */
function idCardOnce(d: SqlDialect, v: string, today: string, perRow: PerRow): Sql {
  const b = perRow.once(`cn_id_card_body:${v}`, () => ({
    sql:
      `(CASE WHEN octet_length(${v}) = 18 THEN (CASE ${afterLeadingDigits(v)}` +
      ` WHEN decode('', 'hex') THEN ${d.toBigint(v)} / 10 WHEN decode('58', 'hex') THEN ${d.toBigint(d.substr(v, 1, 17))} END) END)`,
    bindings: [],
  }));
  // Digit i (1-based) of the 17-digit body is (b / 10^(17-i)) % 10.
  const digit = (i: number) => `MOD(${b} / ${10n ** BigInt(17 - i)}, 10)`;
  const y = `MOD(${b} / 10000000, 10000)`;
  const m = `MOD(${b} / 100000, 100)`;
  const day = `MOD(${b} / 1000, 100)`;
  const sum = ID_CARD_WEIGHTS.map((w, i) => `${digit(i + 1)} * ${w}`).join(' + ');
  return {
    sql:
      `(CASE WHEN ${b} IS NULL THEN 0` +
      ` WHEN ${y} < 1900 THEN 0` +
      ` WHEN ${m} < 1 OR ${m} > 12 THEN 0` +
      ` WHEN ${day} < 1 OR ${day} > ${daysInMonth(y, m)} THEN 0` +
      ` WHEN MOD(${b} / 1000, 100000000) > ? THEN 0` +
      ` WHEN ${d.substr(`'${ID_CARD_CHECK_CHARS}'`, `${d.toInt(`MOD(${sum}, 11)`)} + 1`, 1)} <> ${d.substr(v, 18, 1)} COLLATE "C" THEN 0` +
      ` ELSE 1 END) = 1`,
    bindings: [Number(today.replace(/-/g, ''))],
  };
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
 * PostgreSQL: `v ~ pattern` without the regular-expression engine where the pattern is a run of
 * ASCII digits (`^[0-9]{n}$`, `^[0-9]{n,m}$`; a leading literal digit and one digit range allowed,
 * as in cn_mobile's `^1[3-9][0-9]{9}$`; not `\d`, which may match other scripts' digits): a byte
 * length and nothing left after the leading digits (`afterLeadingDigits`), cheaper than the regex's
 * ~0.3–0.5 µs per row. Byte-wise (bytea, COLLATE "C"), so a nondeterministic or case-insensitive
 * collation cannot change the verdict. Null for any other pattern (and on MySQL).
 */
export function digitRunCondition(d: SqlDialect, v: string, pattern: string): Sql | null {
  if (d.name !== 'postgres') return null;
  const m = /^\^(?:([0-9])\[([0-9])-([0-9])\])?\[0-9\]\{([0-9]{1,3})(?:,([0-9]{1,3}))?\}\$$/.exec(pattern);
  if (!m) return null;
  const [, lead, lo, hi, minText, maxText] = m;
  const run = [Number(minText), Number(maxText ?? minText)];
  if (run[0] > run[1] || (lo !== undefined && lo > hi)) return null;
  const extra = lead === undefined ? 0 : 2;
  const digitsOnly = `octet_length(${afterLeadingDigits(v)}) = 0`;
  const length = `octet_length(${v}) BETWEEN ? AND ?`;
  const bindings: unknown[] = [run[0] + extra, run[1] + extra];
  // A lead digit L and a range [lo-hi]: digit strings from "L lo" up to "L hi" followed by anything.
  const prefix = lead === undefined ? '' : ` AND substr(${v}, 1, 2) COLLATE "C" BETWEEN ? AND ?`;
  if (lead !== undefined) bindings.push(`${lead}${lo}`, `${lead}${hi}`);
  return { sql: `(${length} AND ${digitsOnly}${prefix})`, bindings };
}

/**
 * A condition true when the non-empty value `v` passes `validator`. `today` (YYYY-MM-DD, catalog
 * timezone) bounds ID birth dates; `kind` lets a `date` check pass any value of a date/time column;
 * `perRow`, where given, lets the ID check work on a value computed once per row.
 */
export function validatorCondition(
  d: SqlDialect,
  validator: Validator,
  v: string,
  today: string,
  kind: TimeKind,
  perRow?: PerRow,
): Sql {
  switch (validator) {
    case 'cn_id_card':
      return perRow && d.name === 'postgres' ? idCardOnce(d, v, today, perRow) : idCard(d, v, today);
    case 'cn_mobile':
      return digitRunCondition(d, v, VALIDATOR_PATTERNS.cn_mobile) ?? d.regexMatch(v, VALIDATOR_PATTERNS.cn_mobile);
    case 'email':
      return d.regexMatch(v, VALIDATOR_PATTERNS.email);
    case 'date':
      return kind === 'other' ? textDate(d, v) : { sql: '1 = 1', bindings: [] };
  }
}
