import type { FieldError } from '../errors';

/**
 * How many characters a text has as people count them, and as PostgreSQL's varchar(n) counts them: code points.
 * `.length` counts UTF-16 units, so an emoji or a rare Chinese character of Extension B (in some people's names)
 * counted twice and "最多 2000 个字符" refused 1,500 of them.
 */
export function characterCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Characters a text shows nothing for (controls, format characters such as U+200B and U+202E, separators other than
 * the space): `staff_basic` with a NUL after it read as if the catalog had lost staff_basic, and a U+202E in a path
 * echoed by a message reversed the words after it.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/gu;

/** Only spaces and format characters (a zero-width space U+200B, a word joiner U+2060, a soft hyphen): nothing shows. */
const SHOWS_NOTHING = /^[\s\p{Cf}]*$/u;

/**
 * A typed text as a required reason or comment takes it: trimmed, and '' when it shows nothing. `.trim()` leaves a
 * zero-width space (U+200B, pasted from a chat app or typed to get past 必填), so a revoke reason or an arbitration
 * conclusion of "\u200B" was taken as given and the applicant read a blank reason.
 */
export function visibleText(text: string): string {
  return SHOWS_NOTHING.test(text) ? '' : text.trim();
}

/** A character written as its code, as JavaScript and JSON write it: `\u202A`, `\u0000`, `\u{E0001}`. */
export function characterCode(c: string): string {
  const code = c.codePointAt(0)!;
  const hex = code.toString(16).toUpperCase();
  return code > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`;
}

/** A text with each invisible character written as its code (`staff_basic\u0000`), or null when it has none. */
export function invisibleWrittenOut(text: string): string | null {
  if (!text.match(INVISIBLE)) return null;
  return text.replace(INVISIBLE, characterCode);
}

/** A path segment (an id as typed) as a message may repeat it: at most 20 characters, invisible ones written out. */
export function pathSegmentShown(segment: string): string {
  const cut = [...segment].slice(0, 20).join('');
  return invisibleWrittenOut(cut) ?? cut;
}

/**
 * A text with its full-width ASCII characters (U+FF01–U+FF5E) as their ASCII twins and the ideographic space as a
 * space: what a Chinese input method types in full-width mode (１３８００００１２３４, １０．１．２．３：８０８０, ＠), and
 * the colon it types after 10.1.2.3 in Chinese mode. For numbers, codes and addresses, never for names and prose.
 */
export function asciiTwins(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/**
 * The problem of a text sent with an action when it is over `max` characters, else null: 最多 2000 个字符（已填写 2001 个）
 * / At most 2000 characters (2001 given) — the count typed said, so that whoever typed it knows how much to cut. The
 * sharing boxes' (sharing/sent-text.ts) and the ticket action boxes' (comment, reasons: tickets/transitions.ts,
 * tickets/reports.ts) one wording.
 */
export function textTooLong(text: string, field: string, max: number): FieldError | null {
  const length = characterCount(text);
  return length > max ? { field, key: 'errors.textTooLong', params: { max, length } } : null;
}
