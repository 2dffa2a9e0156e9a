/**
 * Syntax of the catalog's scalar values: durations, dates, month-days, SQL identifiers and regular
 * expressions. Shared by the parser, the exporter, the describer and the calendar.
 */
import type { Duration, DurationUnit } from './types';

const DURATION = /^([1-9][0-9]{0,3})(h|d|wd)$/;

/** `24h`, `7d`, `5wd` → Duration; anything else (including 0 and amounts over 9999) → null. */
export function parseDuration(text: string): Duration | null {
  const match = DURATION.exec(text.trim());
  if (!match) return null;
  return { amount: Number(match[1]), unit: match[2] as DurationUnit };
}

export function formatDuration(duration: Duration): string {
  return `${duration.amount}${duration.unit}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_DAY = /^(\d{2})-(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1900 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** "MM-DD" that exists in some year; "02-29" is allowed and occurs in leap years only. */
export function isMonthDay(text: string): boolean {
  const match = MONTH_DAY.exec(text);
  if (!match) return false;
  const [month, day] = [Number(match[1]), Number(match[2])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(2024, month);
}

/**
 * Hub identifiers end up in SQL (quoted, but a catalog is still user input), so only plain
 * PostgreSQL-style names are accepted: a letter or underscore, then letters, digits, `_`, `$`,
 * at most 63 characters; tables may carry one `schema.` prefix.
 */
export const TABLE_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}(\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$/;
export const COLUMN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

export function isTableIdentifier(text: string): boolean {
  return TABLE_IDENTIFIER.test(text);
}

export function isColumnIdentifier(text: string): boolean {
  return COLUMN_IDENTIFIER.test(text);
}

/**
 * Splits `table.column` or `schema.table.column` at the last dot; null when either side is empty.
 * The caller validates the two identifiers.
 */
export function splitColumnReference(text: string): { table: string; column: string } | null {
  const dot = text.lastIndexOf('.');
  if (dot <= 0 || dot === text.length - 1) return null;
  return { table: text.slice(0, dot), column: text.slice(dot + 1) };
}

/**
 * What follows the quoted pattern in its message, in each language, punctuation included: `无效：…` / ` is not valid: …`
 * for a pattern that does not compile, `：…` / `: …` for one PostgreSQL would read differently.
 */
export interface PatternProblem {
  zh: string;
  en: string;
}

/**
 * Constructs that compile in one engine but mean something else (or fail) in the other. Patterns are
 * checked in SQL on the hub (PostgreSQL ARE, operator `~`) and may be shown or tested in JavaScript,
 * so a pattern must mean the same in both.
 */
const NON_PORTABLE: { test: RegExp; zh: string; en: string }[] = [
  {
    test: /\(\?<[A-Za-z_]/,
    zh: 'PostgreSQL 不支持命名分组 (?<name>…)，请改用 (…)',
    en: 'named groups (?<name>…) are not supported by PostgreSQL; use (…)',
  },
  {
    test: /\\k</,
    zh: 'PostgreSQL 不支持命名反向引用 \\k<name>',
    en: 'named back references \\k<name> are not supported by PostgreSQL',
  },
  {
    test: /\\[bB]/,
    zh: 'PostgreSQL 中 \\b 表示退格而不是单词边界，请不要使用 \\b/\\B',
    en: 'PostgreSQL reads \\b as a backspace, not a word boundary; do not use \\b or \\B',
  },
  {
    test: /\\[AZzymM]/,
    zh: '\\A、\\Z、\\y、\\m、\\M 在 JavaScript 与 PostgreSQL 中含义不同，请改用 ^ 和 $',
    en: '\\A, \\Z, \\y, \\m and \\M differ between JavaScript and PostgreSQL; use ^ and $',
  },
  {
    test: /\\[pP]\{/,
    zh: 'PostgreSQL 不支持 Unicode 属性 \\p{…}',
    en: 'Unicode properties \\p{…} are not supported by PostgreSQL',
  },
  {
    test: /\[\[:[a-z]+:\]/,
    zh: 'JavaScript 不支持 POSIX 字符类 [[:alpha:]]，请写出字符范围如 [A-Za-z]',
    en: 'POSIX classes like [[:alpha:]] are not supported by JavaScript; write ranges such as [A-Za-z]',
  },
  { test: /^\(\?[a-z]+\)/, zh: '不支持内嵌选项 (?i) 等', en: 'embedded options such as (?i) are not supported' },
];

/**
 * What V8 says of a pattern it cannot compile, in Chinese: its message ("Invalid regular expression: /^[0-9{8}$/:
 * Unterminated character class") is English and repeats the pattern, which the catalog's message already quotes.
 */
const REGEX_ERRORS_ZH: [RegExp, string][] = [
  [/^Unterminated character class$/, '方括号 [ ] 未闭合'],
  [/^Unterminated group$/, '圆括号 ( ) 未闭合'],
  [/^Unmatched '\)'$/, '多出一个右括号 )'],
  [/^Nothing to repeat$/, '量词 * + ? {n} 前面没有可重复的内容'],
  [/^Lone quantifier brackets$/, '花括号 { } 不成对'],
  [/^numbers out of order in \{\} quantifier$/, '{m,n} 中的 m 大于 n'],
  [/^Range out of order in character class$/, '方括号中的范围前后颠倒（如 [z-a]）'],
  [/^\\ at end of pattern$/, '以单独的反斜杠 \\ 结尾'],
  [/^Invalid (capture )?group( name)?$/, '分组写法无效'],
  [/^Invalid escape$/, '转义写法无效'],
];

/**
 * Null when the pattern compiles as a JavaScript RegExp and avoids constructs PostgreSQL reads differently; else what
 * follows the quoted pattern in the message (正则表达式“^[0-9{8}$”无效：方括号 [ ] 未闭合 / regular expression
 * "^[0-9{8}$" is not valid: unterminated character class).
 */
export function checkPattern(pattern: string): PatternProblem | null {
  try {
    new RegExp(pattern);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // V8: "Invalid regular expression: /<pattern>/: <reason>" (the pattern may itself hold ": ", so the last one).
    const reason = message.startsWith('Invalid regular expression: ') ? message.slice(message.lastIndexOf(': ') + 2) : message;
    const zh = REGEX_ERRORS_ZH.find(([test]) => test.test(reason))?.[1];
    return {
      // An engine message without a Chinese wording stays out of the Chinese sentence (the English one carries it).
      zh: `无效：${zh ?? '写法有误，请检查括号、量词和转义'}`,
      en: ` is not valid: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`,
    };
  }
  for (const rule of NON_PORTABLE) {
    if (rule.test.test(pattern)) return { zh: `：${rule.zh}`, en: `: ${rule.en}` };
  }
  return null;
}

/**
 * Column sizes of the service database (migrations) that catalog values are stored in: department codes
 * are `varchar(64)`; names and titles `varchar(200)`; a rule's check kind `rule:<name>` is `varchar(120)`.
 * The parser reports a longer value, so that a dry run and an import agree.
 */
export const TEXT_LIMITS = { code: 64, name: 200, title: 200, ruleName: 120 - 'rule:'.length } as const;

/** Length as PostgreSQL counts `varchar(n)`: in characters (code points), not UTF-16 units. */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

const FORBIDDEN =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The first character a catalog value may not hold, or null: U+0000 (PostgreSQL text and jsonb cannot
 * store it), the other C0 control characters except tab, line feed and carriage return, DEL, a lone
 * UTF-16 surrogate (not a character; jsonb refuses its escape), and U+FFFD, the replacement character: it
 * stands where text was lost (a wrong encoding on the way, or a NUL shown back on the import form), so a
 * title holding it would be imported already broken. Shown as `U+XXXX`.
 */
export function forbiddenCharacter(text: string): string | null {
  const match = FORBIDDEN.exec(text);
  return match ? `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : null;
}
