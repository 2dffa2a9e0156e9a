import {
  classifyKey,
  ID_CARD_18_IN_TEXT,
  ID_CARD_IN_TEXT,
  EMAIL_IN_TEXT,
  halfWidth,
  MOBILE_IN_TEXT,
  PHONE_LIKE_IN_TEXT,
  replaceHalfWidth,
} from './sensitive-keys';

/**
 * Masking of personal data (个人信息脱敏) for logs, the audit log, screens and exports.
 * Masks keep the value's length (one `*` per hidden character) so a reader can still tell a
 * complete ID number from a truncated one, and keep just enough to match a record by eye.
 */

/**
 * What a value is. The first three are the catalog's validator names (`CatalogField.validate`),
 * so a sensitive field's mask is `maskValue(v, field.validate ?? 'text')`.
 */
export type MaskKind = 'cn_id_card' | 'cn_mobile' | 'email' | 'name' | 'secret' | 'text';

/** What replaces a secret (password, token…): a fixed string, so not even the length leaks. */
export const SECRET_MASK = '******';

const star = (n: number): string => '*'.repeat(Math.max(0, n));

/** Keeps `head` leading and `tail` trailing characters (by code point) and stars the rest. */
function keepEnds(value: string, head: number, tail: number): string {
  const chars = Array.from(value);
  if (head + tail >= chars.length) return star(chars.length);
  return chars.slice(0, head).join('') + star(chars.length - head - tail) + chars.slice(chars.length - tail).join('');
}

/**
 * `410102199001011234` → `410102********1234`: the region code (first 6) and the last 4 stay,
 * the birth date and sequence are hidden. Any other length keeps the same proportions
 * (a third at the front, two ninths at the end, rounded down): 15-digit `410102900101123` →
 * `41010*******123`. Values of 4 characters or fewer are hidden entirely.
 */
export function maskIdCard(value: string): string {
  const v = value.trim();
  const n = Array.from(v).length;
  if (n <= 4) return star(n);
  return keepEnds(v, Math.floor(n / 3), Math.floor((n * 2) / 9));
}

/**
 * `13812345678` → `138****5678`. Only digits are hidden, so separators survive
 * (`138-1234-5678` → `138-****-5678`); a country code (`+86`, `0086`) is kept as is and not counted.
 * Other numbers (landlines) keep the same proportions of their digits: 3/11 at the front, 4/11 at the end.
 */
export function maskPhone(value: string): string {
  // Full-width digits (an input method's) are digits too: counted and hidden as theirs.
  const v = halfWidth(value).trim();
  const prefix = /^(\+86|0086|86(?=[\s-]?1))[\s-]?/.exec(v)?.[0] ?? '';
  const rest = v.slice(prefix.length);
  // A star counts as a (hidden) digit: a number masked already reads the same masked again.
  const digits = rest.replace(/[^\d*]/g, '').length;
  if (digits <= 4) return prefix + rest.replace(/\d/g, '*');
  const head = Math.floor((digits * 3) / 11);
  const tail = Math.floor((digits * 4) / 11);
  let seen = 0;
  const masked = rest.replace(/[\d*]/g, (d) => {
    seen += 1;
    return seen <= head || seen > digits - tail ? d : '*';
  });
  return prefix + masked;
}

/**
 * `zhangsan@zzu.edu.cn` → `z*******@zzu.edu.cn`: the first character of the mailbox and the
 * domain (which tells the institution, not the person) stay. Not an address → masked as text.
 */
export function maskEmail(value: string): string {
  const v = value.trim();
  const at = v.lastIndexOf('@');
  if (at <= 0) return maskText(v);
  return keepEnds(v.slice(0, at), 1, 0) + v.slice(at);
}

/** `张三` → `张*`, `欧阳娜娜` → `欧***`, `Li Lei` → `L*****`: the first character (usually the surname) stays. */
export function maskName(value: string): string {
  return keepEnds(value.trim(), 1, 0);
}

/** Anything else marked sensitive: first and last character stay when there are 6 or more. */
export function maskText(value: string): string {
  const n = Array.from(value).length;
  return n >= 6 ? keepEnds(value, 1, 1) : star(n);
}

/**
 * Masks one value of the given kind. null/undefined stay as they are (absence is not personal data);
 * numbers and other scalars are masked as their string form.
 */
export function maskValue(value: unknown, kind: MaskKind): string | null | undefined {
  if (value === null || value === undefined) return value;
  if (kind === 'secret') return SECRET_MASK;
  const s = value instanceof Date ? value.toISOString() : String(value);
  switch (kind) {
    case 'cn_id_card':
      return maskIdCard(s);
    case 'cn_mobile':
      return maskPhone(s);
    case 'email':
      return maskEmail(s);
    case 'name':
      return maskName(s);
    case 'text':
      return maskText(s);
  }
}

/**
 * A catalog field's value as it may be shown in a ticket, a notification or a log: masked when the
 * field is `sensitive`, unchanged otherwise.
 */
export function maskFieldValue(value: unknown, field: { sensitive: boolean; validate?: string | null }): unknown {
  if (!field.sensitive) return value;
  const kind: MaskKind =
    field.validate === 'cn_id_card' || field.validate === 'cn_mobile' || field.validate === 'email' ? field.validate : 'text';
  return maskValue(value, kind);
}

/**
 * Masks every ID number (18 characters), mainland mobile number and e-mail address found inside
 * free text, e.g. an error message or a row a user pasted into a report.
 */
export function scrubText(text: string): string {
  // Numbers typed in full width (`１３８１２３４５６７８`) are found as in ASCII; a match is shown half-width, masked.
  const ids = replaceHalfWidth(text, ID_CARD_IN_TEXT, maskIdCard);
  return replaceHalfWidth(ids, MOBILE_IN_TEXT, maskPhone).replace(EMAIL_IN_TEXT, (m) => maskEmail(m));
}

/**
 * A sentence the service wrote (a ticket's message, which names a reported record's key) as shown: any 18-character
 * ID number in it masked. Such a sentence stored while the catalog did not say its table's key held ID numbers kept
 * one whole. Only ID numbers: the sentence's other numbers (a student number, counts, dates) are the record's
 * identity or the finding, and no phone is ever written into one.
 */
export function maskIdNumbersIn(text: string): string {
  return replaceHalfWidth(text, ID_CARD_18_IN_TEXT, maskIdCard);
}

/**
 * A deep copy of `value` that is safe to write to a log or the audit log:
 * - values under secret keys (password, token, secret, authorization, cookie…) become `******`,
 *   whatever their type;
 * - values under ID-number, phone or e-mail keys (id_card, sfzh, mobile, phone, email, 身份证号…) are masked;
 * - every other string has embedded ID numbers, mobile numbers and e-mail addresses masked
 *   (object keys too, since maps are sometimes keyed by phone number), and, beyond `scrubText`,
 *   phone-like numbers (`PHONE_LIKE_IN_TEXT`: a mistyped mobile such as `12012347932` in a reason a
 *   user typed is still someone's number; a log and the audit trail do not need it).
 * Dates become ISO strings, Buffers `[binary N bytes]`, cycles `[Circular]`; functions and
 * symbols are dropped, like JSON would.
 */
export function scrubForLog<T>(value: T): T {
  return scrubAny(value, new WeakSet()) as T;
}

/**
 * Free text a person typed (an opinion, a reason, a note), as every reader sees it: `scrubText`, and
 * phone-like numbers too (`PHONE_LIKE_IN_TEXT`: a mistyped mobile or a landline is still someone's).
 */
export function maskFreeText(text: string): string {
  return replaceHalfWidth(scrubText(text), PHONE_LIKE_IN_TEXT, maskPhone);
}

/**
 * A whole string that is a UUID (request ids) or a hex digest (catalog checksums, upload hashes): an
 * identifier the log reader matches elsewhere, not text. Digit runs inside one can look like a mobile
 * number (a sha256 in ~1 of 70), and starring them would only break the match.
 */
const IDENTIFIER = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=[0-9]*[a-f])[0-9a-f]{32,})$/i;

function scrubAny(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return IDENTIFIER.test(value) ? value : maskFreeText(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[binary ${value.byteLength} bytes]`;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => scrubAny(item, seen));
    if (value instanceof Map)
      return scrubEntries(
        Array.from(value.entries()).map(([k, v]) => [String(k), v]),
        seen,
      );
    if (value instanceof Set) return Array.from(value, (item) => scrubAny(item, seen));
    if (value instanceof Error) {
      return scrubEntries([['name', value.name], ['message', value.message], ...Object.entries(value)], seen);
    }
    return scrubEntries(Object.entries(value), seen);
  } finally {
    // Only ancestors count as cycles: the same object appearing twice side by side is copied twice.
    seen.delete(value);
  }
}

function scrubEntries(entries: [string, unknown][], seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries) {
    const kind = classifyKey(key);
    let scrubbed: unknown;
    if (kind === 'secret') scrubbed = v === null || v === undefined ? v : SECRET_MASK;
    else if (kind && (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint')) scrubbed = maskValue(v, kind);
    else scrubbed = scrubAny(v, seen);
    if (scrubbed !== undefined) out[scrubText(key)] = scrubbed;
  }
  return out;
}
