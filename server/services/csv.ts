/**
 * CSV as Excel opens it: the one guard of the text cells of every CSV export (scorecards, audit log).
 */

/** Written first, so that Excel opens the Chinese text as UTF-8. */
export const CSV_BOM = '\uFEFF';

/**
 * Text Excel would not keep as typed when it opens a CSV: a number (007 → 7, 12E3 → 12000, 1,000, 50%),
 * a date or time (1-2 → 2 January, 2026-01, 1/2, 9:30) or a boolean (TRUE).
 */
const EXCEL_READS_AS_VALUE = [
  /^ *[+-]?(\d[\d,]*\.?\d*|\.\d+)(e[+-]?\d+)?%? *$/i,
  /^ *\d{1,4}([-/.])\d{1,2}(\1\d{1,4})? *$/,
  /^ *\d{1,2}:\d{2}(:\d{2})? *$/,
  /^ *(true|false) *$/i,
];

/**
 * A text cell as Excel should show it. Text it would read as a number, date or boolean is written as
 * the text formula ="…" (only digits, signs and separators: nothing to escape, nothing that runs);
 * text that would start a formula (= + - @, a tab or line break) is defused with a leading '.
 */
export function textCell(s: string): string {
  if (EXCEL_READS_AS_VALUE.some((re) => re.test(s))) return `="${s}"`;
  return /^[=+\-@\t\r\n]/.test(s) ? `'${s}` : s;
}

/**
 * One CSV field. `text`: the value is text from outside (a catalog's names, a login, an audit row's object id),
 * guarded by textCell; our own headers and figures are written as they are. Quoted when it holds a quote, comma
 * or line break.
 */
export function csvField(v: unknown, text = false): string {
  const s = v === null || v === undefined ? '' : String(v);
  const safe = text && s !== '' ? textCell(s) : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One line of fields, CRLF-terminated (RFC 4180). */
export function csvLine(fields: string[]): string {
  return `${fields.join(',')}\r\n`;
}
