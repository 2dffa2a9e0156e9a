import type { NextFunction, Request, Response } from 'express';
import { FieldError, ValidationError } from '../errors';
import { characterCode } from '../services/characters';

/**
 * Guards every parsed body against input no form could send (found by the hostile-input tests,
 * issue 9). Routes read bodies with `String(x)`, `Number(x)` and `req.body.x`, which is safe for
 * form values but not for any JSON: an object with an own `toString`/`valueOf` throws in String(),
 * an array nested thousands deep overflows the stack, `__proto__` keys invite prototype pollution,
 * and PostgreSQL refuses text containing NUL (a 500 in the middle of a write). Refused too: the bidirectional
 * embeddings and overrides (U+202A–U+202E), which reorder how the text after them is displayed — a reason, label or
 * comment stored with U+202E shows the rest reversed to everyone who reads it (spoofing). The isolates
 * (U+2066–U+2069) could do the same, but chat apps and Android keyboards put them, invisibly, around names and
 * numbers people then paste: they are removed from bodies instead (the form's whole text was refused for a mark its
 * writer could neither see nor find) — but kept in the values an error report compares with the hub (HUB_VALUES) — and
 * refused only in query strings. Other control characters are taken: text pasted from Word or PowerPoint carries
 * vertical tabs and form feeds, and a value in the hub holding one is exactly what a user reports.
 */

/**
 * What no text of a body may hold: NUL, and the bidirectional embeddings and overrides (the marks U+200E/U+200F
 * stay: they reorder nothing after them; the isolates are removed, or kept in a hub value: see above).
 */
// eslint-disable-next-line no-control-regex -- NUL is the point
const FORBIDDEN_IN_BODY = /[\u0000\u202A-\u202E]/;
/** What no query string (a filter, a page number: typed or from a link) may hold: the isolates too. */
// eslint-disable-next-line no-control-regex -- NUL is the point
const FORBIDDEN_IN_QUERY = /[\u0000\u202A-\u202E\u2066-\u2069]/;

/**
 * Half of a UTF-16 surrogate pair with no other half: only a JSON escape (`"\ud800"`) can send one (a form's bytes
 * decode to whole characters). PostgreSQL's UTF-8 cannot hold it: the write failed (a 500 from a draft's save) or
 * U+FFFD was stored in its place, without a word.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a body's `text` holds a character every body is refused for (FORBIDDEN_IN_BODY, or half a character). */
export function hasForbiddenCharacter(text: string): boolean {
  return FORBIDDEN_IN_BODY.test(text) || LONE_SURROGATE.test(text);
}

/** Each forbidden character (or half of one), to name those a text holds: in a body, and in a query string. */
const FOUND_IN_BODY = new RegExp(`${FORBIDDEN_IN_BODY.source}|${LONE_SURROGATE.source}`, 'g');
const FOUND_IN_QUERY = new RegExp(`${FORBIDDEN_IN_QUERY.source}|${LONE_SURROGATE.source}`, 'g');
/** The most codes a message names; more end in “…”. */
const CODES_NAMED = 5;

/** The codes of the forbidden characters `text` holds (`\u202A`), in the order found. */
const codesIn = (text: string, where: 'body' | 'query') =>
  (text.match(where === 'query' ? FOUND_IN_QUERY : FOUND_IN_BODY) ?? []).map(characterCode);

/** Codes as a message names them: each once, at most CODES_NAMED; `count` for English's “code” or “codes”. */
function codesNamed(codes: Iterable<string>): { codes: string; count: number } {
  const each = [...new Set(codes)];
  return { codes: each.slice(0, CODES_NAMED).join(' ') + (each.length > CODES_NAMED ? ' …' : ''), count: each.length };
}

/**
 * The forbidden characters `texts` hold, each once in the order found, as a message names them for whoever reports
 * it: `codes` (`\u202A \u202C`) and `count`. The messages named every code refused (\u0000 or \u202A–\u202E), not
 * the one found — and a query string's isolates (U+2066–U+2069) not at all.
 */
export function forbiddenCodes(texts: string | readonly string[], where: 'body' | 'query' = 'body') {
  return codesNamed((typeof texts === 'string' ? [texts] : texts).flatMap((text) => codesIn(text, where)));
}

/** A text box's problem when `text` holds a forbidden character (errors.nulCharacter naming it), else null. */
export function forbiddenCharacterProblem(field: string, text: string): FieldError | null {
  return hasForbiddenCharacter(text) ? { field, key: 'errors.nulCharacter', params: forbiddenCodes(text) } : null;
}

/**
 * A text sent back into its form box as a browser shows it: a NUL as U+FFFD (the replacement character), which a
 * browser would send back as such. For the routes that refuse a forbidden character beside its box (CHECKED_BY_ROUTE).
 */
export function shownAsBrowserShows(text: string): string {
  return text.replaceAll('\u0000', '\ufffd');
}

/** The bidirectional isolates LRI, RLI, FSI and PDI: removed from every text of a body (see above). */
const ISOLATES = /[\u2066-\u2069]/g;

/** Top-level body fields some routes treat apart, by the form's method and path. */
type FieldsByRoute = { method: string; path: RegExp; fields: string[] }[];

/**
 * The fields `table` names for this request, matched on the path as the app routes it (a router's `req.path` is
 * relative to where it is mounted: multipart forms are checked from their route); none when no entry matches.
 */
function fieldsFor(table: FieldsByRoute, req: Request): string[] {
  const path = `${req.baseUrl ?? ''}${req.path}`;
  return table.find((r) => r.method === req.method && r.path.test(path))?.fields ?? [];
}

/**
 * Fields holding a value the hub holds or should hold — an error report's record key, the value its reporter saw, the
 * value they suggest (form, look-up and API): kept as typed, isolates included. They are compared with the hub's
 * (a key found, "the hub holds what you saw"), and an invisible mark in a hub value may be the very defect reported.
 */
const HUB_VALUES: FieldsByRoute = [
  { method: 'POST', path: /^\/reports\/?$/i, fields: ['record_key', 'observed_value', 'suggested_value'] },
  { method: 'POST', path: /^\/api\/v1\/reports\/?$/, fields: ['record_key', 'observed_value', 'suggested_value'] },
];

/**
 * Removes the isolates from every string in `value` (an object or array parsed from a body), in place, and writes its
 * line breaks as one character each (\n): a browser sends a text box's line breaks as CRLF, but its maxlength counts
 * each as one, so a 20-line purpose the browser let through at 2,000 characters was refused as 2,019 — the writer
 * could not find the 19 to delete. `kept`: top-level fields left as they are (values compared with the hub's).
 */
function tidyBodyTexts(value: unknown, depth = 0, kept: readonly string[] = []): void {
  if (!value || typeof value !== 'object' || depth > MAX_JSON_DEPTH) return;
  // Array.from, not map: map keeps an array's holes, and a hole is no [index, value] pair.
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? Array.from(value, (v, i): [number, unknown] => [i, v])
    : Object.entries(value);
  for (const [key, v] of entries) {
    if (depth === 0 && kept.includes(String(key))) continue;
    if (typeof v !== 'string') tidyBodyTexts(v, depth + 1);
    else {
      const without = v.replace(ISOLATES, '').replace(/\r\n?/g, '\n');
      if (without !== v) (value as Record<string | number, unknown>)[key] = without;
    }
  }
}

/** Keys that shadow Object.prototype's members: no form or API field is named so. */
const SHADOWING = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Where `dropShadowingKeys` notes the keys it dropped from an object: a symbol, which no route reads (Object.keys and
 * Object.entries skip it) and JSON cannot spell, so the object's data stays as sent without them.
 */
export const SHADOWING_KEYS_DROPPED = Symbol('shadowing keys dropped');

/**
 * JSON.parse reviver for express.json(): such keys are dropped — no route ever meets an own `__proto__` it might
 * copy into a prototype — and noted on their object (`SHADOWING_KEYS_DROPPED`), so that the API's body check
 * (`acceptBodyKeys`) refuses them by name as it does any key a route does not read, instead of answering as if they
 * were never sent.
 */
export function dropShadowingKeys(this: unknown, key: string, value: unknown): unknown {
  if (!SHADOWING.has(key)) return value;
  if (this && typeof this === 'object') {
    const holder = this as { [SHADOWING_KEYS_DROPPED]?: string[] };
    (holder[SHADOWING_KEYS_DROPPED] ??= []).push(key);
  }
  return undefined;
}

/** Deeper than any body the app takes (a sharing request is 3 levels), far below what overflows. */
export const MAX_JSON_DEPTH = 32;

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Whether the body opens as a JSON object in UTF-16 or UTF-32 without a byte-order mark (`{` with NUL bytes before or
 * right after it), as .NET's Encoding.Unicode writes it: ASCII-only, it is valid UTF-8 byte for byte, and was answered
 * 400 "not a JSON object" (big-endian) or "malformed" instead of "send UTF-8".
 */
function wideObject(buf: Buffer): boolean {
  const brace = buf.indexOf(0x7b);
  return brace >= 0 && brace <= 3 && buf.subarray(0, brace).every((b) => b === 0) && (brace > 0 || buf[1] === 0);
}

/**
 * express.json()'s `verify`, before parsing: refuses (415) a body in another charset than UTF-8, or not valid UTF-8
 * (GBK, as Chinese Windows tools send it labelled as JSON, was decoded into U+FFFD and stored with a 200: 已核实
 * became "�Ѻ�ʵ"; UTF-16, which the parser reads, is no charset the README allows); refuses (400) a body nested
 * deeper than MAX_JSON_DEPTH, and a body that is not a JSON object. Every route takes named fields; a top-level array
 * would otherwise reach them as a body without fields and be answered with one "fill in" message per field instead
 * of its one mistake.
 */
export function verifyJsonBody(_req: unknown, _res: unknown, buf: Buffer, encoding: string | null): void {
  const notUtf8 = () =>
    Object.assign(new Error('JSON body is not UTF-8'), { status: 415, type: 'charset.unsupported', charset: encoding });
  if ((encoding !== null && !/^utf-?8$/i.test(encoding)) || wideObject(buf)) throw notUtf8();
  try {
    STRICT_UTF8.decode(buf);
  } catch {
    throw notUtf8();
  }
  const first = buf.findIndex(
    (c) => c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xef && c !== 0xbb && c !== 0xbf,
  );
  if (first >= 0 && buf[first] !== 0x7b)
    throw Object.assign(new Error('JSON body is not an object'), { status: 400, type: 'entity.not.object' });
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH)
        throw Object.assign(new Error(`JSON nested deeper than ${MAX_JSON_DEPTH}`), { status: 400, type: 'entity.too.deep' });
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/**
 * Paths (`comment`, `items[0].table`) of the strings in `value` that contain a character `forbidden` matches, with
 * those strings.
 */
function forbiddenCharacterPaths(
  value: unknown,
  forbidden: RegExp,
  path: string,
  out: { path: string; text: string }[],
  depth = 0,
): void {
  if (out.length >= 20 || depth > MAX_JSON_DEPTH) return;
  if (typeof value === 'string') {
    if (forbidden.test(value)) out.push({ path: path || 'body', text: value });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => forbiddenCharacterPaths(v, forbidden, `${path}[${i}]`, out, depth + 1));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value))
      if (!SHADOWING.has(k)) forbiddenCharacterPaths(v, forbidden, path ? `${path}.${k}` : k, out, depth + 1);
  }
}

/**
 * Form fields whose forbidden characters their route refuses itself, by the form's method and path (matched as express
 * routes them: in any case, a trailing slash too): the route shows its form again (422) with the text as typed and
 * the message beside the field, as the catalog's paste box does (MultipartOptions.nulCheckedByRoute) — not the bare
 * error page, where the form and what was typed are gone.
 *
 * The rule for every box here: its character problem is judged after the state that decides whether its page shows the
 * box — by the service, with the box's other problems (its length, a reason left out), once the object's state allows
 * the action: `forbiddenCharacterProblem(field, text)` (cleanComment for the ticket page's boxes, sentText for the
 * sharing request's, cleanText for an appeal's, withdrawReport, reopenReport (a reporter's and the IT office's),
 * reviewStructureChange, closePeriod). Where the state refuses the action — the ticket closed or not answered yet, the
 * request for more time decided, the stage reviewed, the appeal answered, the report withdrawn or the period closed
 * already, the form sent twice — the answer is the state's (a 303 saying it is done, a 409), whatever the box holds, as
 * for any other text: a 422 about the box was sent back to a page that no longer shows it, the message nowhere
 * (b97715e2), or said in place of why nothing could be done. Only a box no
 * state hides may be checked before the object is read: the department's stewards (by its route), an account's login,
 * name and e-mail, a token's label (after the check that the same form made one already) and the weights' note (their
 * pages show the form whatever changed since: a version changed meanwhile is said after the form's own mistakes). Each
 * box of a state is sent a NUL and a direction override in that state by
 * test/integration/forbidden-characters-after-state.test.ts.
 */
const CHECKED_BY_ROUTE: FieldsByRoute = [
  // The department's steward e-mails (routes/admin): a list pasted from elsewhere.
  { method: 'POST', path: /^\/departments\/[^/]+\/stewards\/?$/i, fields: ['stewards'] },
  // An account's login, name and e-mail, adding or editing one (routes/admin): createUser and checkPersonFields refuse
  // control characters and direction marks beside their box, the rest of the form kept.
  { method: 'POST', path: /^\/admin\/users(\/\d+)?\/?$/i, fields: ['login', 'name', 'email'] },
  // An API token's label, issuing one on an account's page (routes/admin; tokenLabelProblem): the page comes back with the
  // label and its message beside the box.
  { method: 'POST', path: /^\/admin\/users\/\d+\/tokens\/?$/i, fields: ['label'] },
  // The ticket page's boxes (routes/tickets; cleanComment in services/tickets/transitions.ts): a comment, a fix note, the
  // reasons to dispute, ask for more time, grant or refuse it, keep a disputed ticket or reassign it — the page comes back
  // with the text in its form and the message beside the box. So does a report ticket's answer (routes/reports).
  {
    method: 'POST',
    path: /^\/tickets\/\d+\/(transition|comment|dispute|dispute\/dismiss|extension|extension\/grant|extension\/refuse|reassign)\/?$/i,
    fields: ['comment', 'reason'],
  },
  // A reporter's reason to disagree (routes/reports): the page comes back with the reason and its message. So does the
  // IT office's reason to reopen a report ticket (reopenReport, on the report ticket's page).
  { method: 'POST', path: /^\/reports\/\d+\/reopen\/?$/i, fields: ['comment'] },
  { method: 'POST', path: /^\/reports\/tickets\/\d+\/reopen\/?$/i, fields: ['comment'] },
  // A reporter's reason to withdraw (routes/reports): the same.
  { method: 'POST', path: /^\/reports\/\d+\/withdraw\/?$/i, fields: ['reason'] },
  // A data-sharing reviewer's opinion, reason to refuse and the grant's expiry, the applicant's objection, the IT office's
  // arbitration conclusion and its reason to revoke a grant (routes/sharing; services/sharing/sent-text.ts): the
  // request's page comes back with the text and its message beside the box.
  { method: 'POST', path: /^\/sharing\/\d+\/decision\/?$/i, fields: ['comment', 'reason', 'expires_on'] },
  { method: 'POST', path: /^\/sharing\/\d+\/arbitration(\/decision)?\/?$/i, fields: ['note'] },
  { method: 'POST', path: /^\/sharing\/\d+\/revoke\/?$/i, fields: ['reason'] },
  // The IT office's review note on a structure change (routes/sharing/structure-changes.ts): the list comes back with the
  // change's form as typed and the message beside the box.
  { method: 'POST', path: /^\/sharing\/structure-changes\/\d+\/review\/?$/i, fields: ['note'] },
  // A department's appeal of a closed assessment period and the IT office's answer (routes/scorecards; cleanText in
  // services/scorecards/periods.ts): the period's page comes back with the text and its message beside the box.
  { method: 'POST', path: /^\/scorecards\/periods\/\d+\/appeals\/?$/i, fields: ['comment'] },
  { method: 'POST', path: /^\/scorecards\/appeals\/\d+\/answer\/?$/i, fields: ['answer'] },
  // The note of a weights change and the name of a period being closed (parseWeights, closePeriod): the form again, the
  // weights and dates typed kept.
  { method: 'POST', path: /^\/scorecards\/weights\/?$/i, fields: ['note'] },
  { method: 'POST', path: /^\/scorecards\/periods\/?$/i, fields: ['label'] },
];

/**
 * 422 naming each field whose text contains a NUL or another forbidden character (body or query string). Runs after
 * the locale middleware: the message is translated. Keys shadowing Object.prototype are no field. Fields their route
 * checks itself (CHECKED_BY_ROUTE) are left to it.
 */
export function refuseNulCharacters(req: Request, _res: Response, next: NextFunction): void {
  next(unsafeBodyError(req, fieldsFor(CHECKED_BY_ROUTE, req)) ?? undefined);
}

/** A text, or a group of texts one level deep (an error report's key: record_key[staff_no]). */
const isFlatText = (v: unknown): boolean =>
  typeof v === 'string' ||
  (!!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string'));

/**
 * The check of `refuseNulCharacters` for a body parsed later: multipart forms are parsed by their
 * routes (multer), after this middleware saw an empty body. Drops shadowing keys and removes the isolates from `req.body`.
 * `checkedByRoute`: top-level text fields the route refuses NUL in itself (see MultipartOptions).
 */
export function unsafeBodyError(req: Request, checkedByRoute: readonly string[] = []): ValidationError | null {
  // A form body may name `constructor` or `__proto__` too (as an own key): dropped like the JSON ones.
  if (req.body && typeof req.body === 'object') for (const k of Object.keys(req.body)) if (SHADOWING.has(k)) delete req.body[k];
  tidyBodyTexts(req.body, 0, fieldsFor(HUB_VALUES, req));
  const inBody: { path: string; text: string }[] = [];
  const body =
    req.body && typeof req.body === 'object' && checkedByRoute.length
      ? Object.fromEntries(
          Object.entries(req.body as Record<string, unknown>).filter(([k, v]) => !(checkedByRoute.includes(k) && isFlatText(v))),
        )
      : req.body;
  forbiddenCharacterPaths(body, FORBIDDEN_IN_BODY, '', inBody);
  const inQuery: { path: string; text: string }[] = [];
  forbiddenCharacterPaths(req.query, FORBIDDEN_IN_QUERY, '', inQuery);
  const broken: { path: string; text: string }[] = [];
  forbiddenCharacterPaths(req.body, LONE_SURROGATE, '', broken);
  if (!inBody.length && !inQuery.length && !broken.length) return null;
  // Each field once, naming the codes it holds (a body's; a query string's, where the isolates are refused too).
  const found = new Map<string, string[]>();
  for (const [list, where] of [
    [inBody, 'body'],
    [inQuery, 'query'],
  ] as const)
    for (const { path, text } of list) found.set(path, [...(found.get(path) ?? []), ...codesIn(text, where)]);
  const fields: FieldError[] = [
    ...[...found].map(([field, codes]) => ({ field, key: 'errors.nulCharacter', params: codesNamed(codes) })),
    ...[...new Set(broken.map((b) => b.path))]
      .filter((field) => !found.has(field))
      .map((field) => ({ field, key: 'errors.brokenCharacter' })),
  ];
  return new ValidationError(fields);
}
