import type { MaskKind } from './mask';

/**
 * Which object keys hold personal data or secrets. Keys are compared after lower-casing and
 * removing everything but letters, digits and CJK, so `idCard`, `id_card`, `ID-Card` are one key.
 * Pinyin initials are the names hub tables and business systems actually use
 * (sfzh 身份证号, sjh 手机号, lxdh 联系电话, zjhm 证件号码, dzyx 电子邮箱).
 * Parts match anywhere in the key (`newPassword`, `staff_mobile`); exact names match the whole key.
 */
const SECRET_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'authorization',
  'cookie',
  'privatekey',
  'credential',
  '密码',
  '口令',
  '密钥',
];
// Only unambiguous short names: `pass` (a check passed) or `yx` (院系) would mask ordinary data.
const SECRET_EXACT = new Set(['pwd']);

const ID_CARD_PARTS = [
  'idcard',
  'idnumber',
  'identitycard',
  'identitynumber',
  'identityno',
  'certno',
  'certificateno',
  'passport',
  'sfzh',
  'zjhm',
  '身份证',
  '证件号',
];
const ID_CARD_EXACT = new Set(['idno', 'sfz']);

const PHONE_PARTS = ['phone', 'mobile', 'telephone', 'cellphone', 'sjhm', 'lxdh', '手机', '电话'];
const PHONE_EXACT = new Set(['tel', 'sjh']);

const EMAIL_PARTS = ['email', 'mailaddress', 'dzyx', '邮箱'];
const EMAIL_EXACT = new Set(['mail']);

function normalize(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9\u3400-\u9fff]/g, '');
}

/** The kind of sensitive data a key names, or null for an ordinary key. */
export function classifyKey(key: string): Extract<MaskKind, 'secret' | 'cn_id_card' | 'cn_mobile' | 'email'> | null {
  const k = normalize(key);
  if (!k) return null;
  const has = (parts: string[]) => parts.some((p) => k.includes(p));
  if (SECRET_EXACT.has(k) || has(SECRET_PARTS)) return 'secret';
  if (ID_CARD_EXACT.has(k) || has(ID_CARD_PARTS)) return 'cn_id_card';
  if (PHONE_EXACT.has(k) || has(PHONE_PARTS)) return 'cn_mobile';
  if (EMAIL_EXACT.has(k) || has(EMAIL_PARTS)) return 'email';
  return null;
}

/** An 18-character ID number alone, not part of a longer run of digits: what the service's own sentences may hold. */
export const ID_CARD_18_IN_TEXT = /(?<![0-9])\d{17}[\dXx](?![0-9])/g;

/**
 * A resident ID number, not part of a longer run of digits: 18 characters (GB 11643: 17 digits and a digit or X),
 * also as people group it (`410102 19900101 1234`, `410102-19900101-1234`, `410102.19900101.1234`,
 * `410102 1990 0101 1234`), and the first-generation 15 digits
 * (region, YYMMDD, sequence: the month and day must be a date, so that other 15-digit numbers are left alone).
 * Letters around it do not make it something else: people type `ID410102…` or `sfz410102…`, and an 18-digit run
 * inside a code is rarer than an ID number glued to its label. The check digit is not verified on purpose: a
 * mistyped ID number is still someone's personal data.
 */
export const ID_CARD_IN_TEXT =
  /(?<![0-9])(?:\d{17}[\dXx]|\d{6}[ .-]\d{8}[ .-]\d{3}[\dXx]|\d{6}[ .-]\d{4}[ .-]\d{4}[ .-]\d{3}[\dXx]|\d{8}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?![0-9])/g;

/**
 * A mainland mobile number (1[3-9] and 9 more digits), optionally with +86/0086 (or 86 and a space or hyphen: 86
 * glued to it is as likely an order number), not part of a longer run of digits; letters may touch it
 * (`tel13812345678`, `手机号码13812345678`), as with ID numbers.
 */
export const MOBILE_IN_TEXT = /(?<![0-9+])(?:(?:\+86|0086)[\s-]?|86[\s-])?1[3-9]\d{9}(?![0-9])/g;

/**
 * Phone numbers `scrubText` does not take for mobiles: any 11 digits starting with 1, valid or not (the
 * hub's wrong `12012347932` is still someone's number), with an optional +86/0086 (86 with a space or hyphen) and
 * the spaces or hyphens people type inside, or dots between all three groups (`138.1234.5678`); and landlines with
 * their area code (`0371-67781234`, `0371 67781234`, `(0371)67781234`, `（0371）67781234`), and — after a
 * word saying it is a phone (电话, 电话号码, 座机, Tel., Phone — not inside a word: `Hotel 1234 5678` is no phone), and
 * each number of a list after it (`电话 6778 1234 或 6778 5678`) — with a space or hyphen inside the number too, area
 * code (`+86 371`) or not (`电话 0371 6778 1234`, `分机 6778-1234`):
 * without that word, four groups of digits are as often a course or order code (`课程 0801 1234 5678`). Masked with `maskPhone`,
 * as phones are everywhere else (`120****7932`). Looser than the two above, so it stays off runs touching letters
 * (identifiers, hashes) or inside dotted numbers (`113.65432100`, an address `10.100.2024.0101`), where it would
 * mostly hit things that are not numbers; times and codes (`0800-1000`, `0812-2024-0001`) have no 7–8 digit run.
 */
export const PHONE_LIKE_IN_TEXT =
  /(?<![0-9A-Za-z+*])(?<![0-9]\.)(?:(?:\+86|0086)[\s-]?|86[\s-])?1\d{2}(?:[\s-]?\d{4}[\s-]?|\.\d{4}\.)\d{4}(?![0-9A-Za-z*])(?!\.[0-9])|(?<![0-9A-Za-z*])(?<![0-9]\.)(?:0\d{2,3}[\s-]|[(（]0\d{2,3}[)）]\s?)\d{7,8}(?![0-9A-Za-z*])(?!\.[0-9])|(?<=(?:电话|座机|固话|分机|(?<![A-Za-z])(?:[Tt]el|TEL|[Pp]hone|PHONE))(?:号码|号)?\.?\s*[:：]?\s*(?:[\d*()（）+\s-]{7,24}\s*(?:或|、|,|，|\/|;|；)\s*)*)(?:(?:\+86|0086)[\s-]?)?(?:0?\d{2,3}[\s-]?|[(（]0?\d{2,3}[)）]\s?)?\d{3,4}[\s-]\d{4}(?![0-9A-Za-z*])(?!\.[0-9])/g;

/**
 * Digits and the signs around them as a Chinese input method types them in full width (`１３８１２３４５６７８`,
 * `４１０１０２…Ｘ`, `＋８６`, `－`, the ideographic space): each is one UTF-16 unit, as its ASCII twin is, so a text
 * and its `halfWidth` have their characters at the same places.
 */
const FULL_WIDTH = /[\uFF10-\uFF19\uFF38\uFF58\uFF0B\uFF0D\uFF0E\uFF08\uFF09\u3000]/g;

/** The text with full-width digits, X, +, -, ., brackets and spaces as their ASCII twins (same length). */
export function halfWidth(text: string): string {
  return text.replace(FULL_WIDTH, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

/**
 * `text.replace(pattern, replace)`, the pattern matched on the text's `halfWidth` (a number typed in full width is
 * found as it would be in ASCII) and each match replaced in place; the rest of the text is left as it was typed.
 */
export function replaceHalfWidth(text: string, pattern: RegExp, replace: (match: string) => string): string {
  const plain = halfWidth(text);
  if (plain === text) return text.replace(pattern, (m) => replace(m));
  let out = '';
  let last = 0;
  for (const m of plain.matchAll(pattern)) {
    out += text.slice(last, m.index) + replace(m[0]);
    last = m.index + m[0].length;
  }
  return out + text.slice(last);
}

/** An e-mail address. */
export const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
