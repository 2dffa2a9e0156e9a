import fc from 'fast-check';
import type { AccessWorld, Person } from './access';

/**
 * Hostile input for the property tests of issue 9: arbitraries for form and JSON bodies, a change
 * log that sees every write, and the table of POST routes with who may use them and on what.
 */

// ── the hostile values ─────────────────────────────────────────────────────────────────────────

/** Field names the app's forms and API bodies read (from the routes and services), plus keys meant to hurt. */
export const FIELD_NAMES = [
  'action',
  'answer',
  'applicant',
  'comment',
  'contact',
  'current_password',
  'dataset_other',
  'datasets',
  'decision',
  'department',
  'description',
  'draft',
  'dry_run',
  'email',
  'expires_on',
  'field',
  'from',
  'id',
  'ids',
  'items',
  'label',
  'locale',
  'login',
  'members',
  'method',
  'method_other',
  'name',
  'new_password',
  'next',
  'note',
  'opinion',
  'password',
  'planned_on',
  'pledge_accepted',
  'purpose',
  'rank',
  'reason',
  'record_key',
  'returned_items',
  'roles',
  'score',
  'stage_id',
  'stewards',
  'strict',
  'suggested_value',
  'system',
  'table',
  'tables',
  'to',
  'triage',
  'valid_from',
  'vendors',
  'version',
  'webhook_url',
  'weights',
  'whitelist',
  'yaml',
  'days',
  'fields',
  'status',
  'kind',
  'observed_value',
] as const;
export const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'] as const;

const SQLISH = [
  "' OR 1=1 --",
  "'; drop table users; --",
  'staff_basic"; delete from tickets; --',
  '1; select pg_sleep(10)',
  '$$; truncate audit_log; $$',
  '?',
  '\\',
  '%',
  '_',
] as const;
const ODD = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '😀👨‍👩‍👧‍👦',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '\ud800',
  '  \t\r\n',
  '0',
  '-1',
  '1e309',
  'NaN',
  'true',
  'null',
  '[]',
  '{}',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '../../etc/passwd',
] as const;
export const HUGE = 'A'.repeat(100_000);
const HUGE_WIDE = '数据😀'.repeat(8_000);

/** One hostile text: random (code points, graphemes, ASCII), SQL-looking, odd, or 100 KB. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 2 },
  { arbitrary: fc.constantFrom(...SQLISH), weight: 2 },
  { arbitrary: fc.constantFrom(...ODD), weight: 2 },
  { arbitrary: fc.constantFrom(HUGE, HUGE_WIDE), weight: 1 },
);

/** A key: mostly a field the app reads, sometimes a polluting or random one. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...FIELD_NAMES), weight: 6 },
  { arbitrary: fc.constantFrom(...POLLUTING_KEYS), weight: 2 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
  { arbitrary: fc.constantFrom(...FIELD_NAMES).map((k) => `${k}[0]`), weight: 1 },
);

/** A form body as its urlencoded pairs (keys may repeat: the parser then makes an array). */
export const formPairs: fc.Arbitrary<[string, string][]> = fc.array(fc.tuple(hostileKey, hostileText), { maxLength: 8 });

export function formText(pairs: [string, string][], csrf: string): string {
  const params = new URLSearchParams();
  for (const [k, v] of pairs) params.append(k, v);
  params.append('_csrf', csrf);
  return params.toString();
}

/** Any JSON value with hostile strings and keys; `depth` bounds the nesting of the random ones. */
export function hostileJson(depth = 3): fc.Arbitrary<unknown> {
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: depth },
      hostileText,
      fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 2 ** 53, -(2 ** 63), 1e308)),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      jsonObject(tie('value')),
    ),
  }));
  return value;
}

/** A JSON object as raw entries, so `__proto__` is an own key, as JSON.parse makes it. */
function jsonObject(values: fc.Arbitrary<unknown>): fc.Arbitrary<RawObject> {
  return fc.array(fc.tuple(hostileKey, values), { maxLength: 6 }).map((entries) => new RawObject(entries));
}

/** An object literal that serializes its entries in order, duplicates and `__proto__` included. */
export class RawObject {
  constructor(readonly entries: [string, unknown][]) {}
}

export function jsonText(value: unknown): string {
  if (value instanceof RawObject) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value) ?? 'null';
}

/** Deep nesting under a field: `{"items": [[[[…]]]]}` (JSON.parse takes it; recursive code might not). */
export const deepJson = (field: string, depth: number): string =>
  `{${JSON.stringify(field)}:${'['.repeat(depth)}${']'.repeat(depth)}}`;
export const deepObjectJson = (field: string, depth: number): string =>
  `{${JSON.stringify(field)}:${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
export const POLLUTION_JSON =
  '{"__proto__":{"polluted":"yes","roles":["admin"]},"constructor":{"prototype":{"polluted":"yes"}},"purpose":{"__proto__":{"polluted":"yes"}}}';

/** A JSON body: an object (mostly), another JSON value, or one of the fixed nasty texts. */
export const jsonBody: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: jsonObject(hostileJson()).map(jsonText), weight: 8 },
  { arbitrary: hostileJson(2).map(jsonText), weight: 1 },
  { arbitrary: fc.constantFrom(...FIELD_NAMES).map((f) => deepJson(f, 5_000)), weight: 1 },
  { arbitrary: fc.constantFrom(...FIELD_NAMES).map((f) => deepObjectJson(f, 2_000)), weight: 1 },
  { arbitrary: fc.constant(POLLUTION_JSON), weight: 1 },
);

/** fast-check parameters: modest runs; HOSTILE_SEED (and HOSTILE_PATH) replay a reported failure. */
export function runParams(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.HOSTILE_SEED ? Number(process.env.HOSTILE_SEED) : undefined;
  return {
    numRuns: Number(process.env.HOSTILE_RUNS ?? numRuns),
    ...(seed !== undefined ? { seed, path: process.env.HOSTILE_PATH } : {}),
    // Shrinking replays requests against a database the failing run may have changed: a few steps tell enough.
    endOnFailure: !!process.env.HOSTILE_NO_SHRINK,
  };
}

/** A stack trace or an internal detail leaking into a page. */
export function leaksInternals(text: string): string | null {
  const m = /\n\s+at [\w$.<>]+ \(?\/|node_modules\/|\/work\/|TypeError:|ReferenceError:|SyntaxError:|RangeError:/.exec(text);
  return m ? m[0] : null;
}

// The change log (a row trigger on every table records each write) lives in test/helpers/change-log.ts.
export { changedSince, installChangeLog, mark } from '../helpers/change-log';

// ── the POST routes: who tries them, on what ───────────────────────────────────────────────────

export interface PostRoute {
  path: string;
  /** Who sends it (allowed to use it on the object named). */
  as: (w: AccessWorld) => Person;
  params?: (w: AccessWorld) => Record<string, number | string>;
  /** Refused input may still write these tables (a failed sign-in is audited). */
  mayWriteOnError?: string[];
  /** The request ends the session: each try gets a session of its own. */
  endsSession?: true;
  /**
   * A form that uploads files: its multipart body is parsed by the route, which checks the CSRF token sent in it
   * (middleware/csrf.ts defers the check for these routes only). Any other route refuses a multipart body's token.
   */
  upload?: true;
}

const everything = (w: AccessWorld) => w.everything;
const hrUser = (w: AccessWorld) => w.people.HR.user;
const own = (w: AccessWorld, p: Person) => w.own.get(p.id)!;

/** Every POST route of the app: a test fails when the app has one this table lacks. */
export const POST_ROUTES: PostRoute[] = [
  { path: '/login', as: everything, mayWriteOnError: ['audit_log'] },
  { path: '/logout', as: everything, endsSession: true },
  { path: '/locale', as: everything },
  { path: '/catalog/import', as: everything, upload: true },
  { path: '/runs', as: everything },
  { path: '/tickets/acknowledge', as: everything },
  { path: '/tickets/settings', as: everything },
  { path: '/tickets/settings/webhook', as: everything },
  { path: '/tickets/:id/transition', as: everything, params: (w) => ({ id: w.objects.HR.ticket }) },
  { path: '/tickets/:id/comment', as: everything, params: (w) => ({ id: w.objects.HR.ticket }) },
  { path: '/tickets/:id/dispute', as: everything, params: (w) => ({ id: w.objects.HR.ticket }) },
  { path: '/tickets/:id/reassign', as: everything, params: (w) => ({ id: w.objects.HR.ticket }) },
  { path: '/tickets/:id/dispute/dismiss', as: everything, params: (w) => ({ id: w.objects.HR.ticket }) },
  { path: '/tickets/:id/extension', as: everything, params: (w) => ({ id: w.objects.HR.ticket }) },
  { path: '/tickets/:id/extension/grant', as: everything, params: (w) => ({ id: w.objects.HR.ticket }) },
  { path: '/tickets/:id/extension/refuse', as: everything, params: (w) => ({ id: w.objects.HR.ticket }) },
  { path: '/sharing/structure-changes', as: everything },
  { path: '/sharing/structure-changes/:id/review', as: everything, params: (w) => ({ id: w.objects.HR.structureChange }) },
  { path: '/sharing/structure-changes/:id/complete', as: everything, params: (w) => ({ id: w.objects.HR.structureChange }) },
  { path: '/sharing/new', as: hrUser, upload: true },
  { path: '/sharing/:id/edit', as: hrUser, params: (w) => ({ id: own(w, w.people.HR.user).draft }), upload: true },
  { path: '/sharing/:id/decision', as: everything, params: (w) => ({ id: w.objects.HR.request }) },
  { path: '/sharing/:id/withdraw', as: hrUser, params: (w) => ({ id: own(w, w.people.HR.user).draft }) },
  // The applicant's request still under review: whatever the body, nothing is copied (409).
  { path: '/sharing/:id/copy', as: hrUser, params: (w) => ({ id: w.objects.HR.request }) },
  { path: '/sharing/:id/arbitration', as: hrUser, params: (w) => ({ id: w.objects.HR.request }) },
  { path: '/sharing/:id/arbitration/decision', as: everything, params: (w) => ({ id: w.objects.STU.request }) },
  { path: '/sharing/:id/revoke', as: everything, params: (w) => ({ id: w.objects.STU.request }) },
  { path: '/sharing/:id/returned/:item/delivered', as: hrUser, params: (w) => ({ id: w.objects.HR.request, item: 1 }) },
  { path: '/scorecards/weights', as: everything },
  { path: '/scorecards/snapshot', as: everything },
  { path: '/scorecards/periods', as: everything },
  { path: '/scorecards/periods/:id/appeals', as: everything, params: (w) => ({ id: w.closedPeriod }) },
  { path: '/scorecards/appeals/:id/answer', as: everything, params: (w) => ({ id: w.objects.HR.appeal }) },
  { path: '/reports', as: hrUser, upload: true },
  { path: '/reports/settings', as: everything },
  { path: '/reports/:id/route', as: everything, params: (w) => ({ id: w.objects.STU.report }) },
  { path: '/reports/:id/reject', as: everything, params: (w) => ({ id: w.objects.STU.report }) },
  {
    path: '/reports/tickets/:ticketId/answer',
    as: everything,
    params: (w) => ({ ticketId: w.objects.HR.reportTicket }),
    upload: true,
  },
  { path: '/reports/tickets/:ticketId/reopen', as: everything, params: (w) => ({ ticketId: w.objects.HR.reportTicket }) },
  { path: '/reports/:id/confirm', as: hrUser, params: (w) => ({ id: own(w, w.people.HR.user).report }) },
  { path: '/reports/:id/reopen', as: hrUser, params: (w) => ({ id: own(w, w.people.HR.user).report }) },
  // After confirm and reopen: the first body that goes through withdraws the report, the rest are told it was.
  { path: '/reports/:id/withdraw', as: hrUser, params: (w) => ({ id: own(w, w.people.HR.user).report }) },
  { path: '/inbox/read', as: hrUser },
  { path: '/admin/users', as: everything },
  // An account no hostile test signs in as: whatever a body does to it (new roles, disabled, a new password) stays there.
  { path: '/admin/users/:id', as: everything, params: (w) => ({ id: w.people.STU.dept_leader.id }) },
  { path: '/admin/users/:id/disable', as: everything, params: (w) => ({ id: w.people.STU.dept_leader.id }) },
  { path: '/admin/users/:id/enable', as: everything, params: (w) => ({ id: w.people.STU.dept_leader.id }) },
  // An account that does not exist: the people's tokens are used by the API suites.
  { path: '/admin/users/:id/tokens/revoke', as: everything, params: () => ({ id: 999999 }) },
  // Issuing one: the label and days judged (hostile bodies are refused beside the boxes); that account's tokens only.
  { path: '/admin/users/:id/tokens', as: everything, params: (w) => ({ id: w.people.STU.dept_leader.id }) },
  { path: '/admin/users/:id/password', as: everything, params: (w) => ({ id: w.people.STU.dept_leader.id }) },
  { path: '/account/password', as: hrUser },
  { path: '/departments/:code/stewards', as: everything, params: () => ({ code: 'HR' }) },
  { path: '/api/v1/tickets/:id/transitions', as: (w) => w.people.HR.steward, params: (w) => ({ id: w.objects.HR.ticket }) },
  { path: '/api/v1/tickets/:id/extension', as: (w) => w.people.HR.steward, params: (w) => ({ id: w.objects.HR.ticket }) },
  { path: '/api/v1/tickets/:id/comments', as: everything, params: (w) => ({ id: w.objects.HR.ticket }) },
  { path: '/api/v1/tickets/:id/dispute', as: (w) => w.people.HR.steward, params: (w) => ({ id: w.objects.HR.ticket }) },
  { path: '/api/v1/tickets/:id/dispute/dismiss', as: everything, params: (w) => ({ id: w.objects.HR.ticket }) },
  { path: '/api/v1/tickets/:id/reassign', as: everything, params: (w) => ({ id: w.objects.HR.ticket }) },
  { path: '/api/v1/tickets/:id/extension/grant', as: everything, params: (w) => ({ id: w.objects.HR.ticket }) },
  { path: '/api/v1/tickets/:id/extension/refuse', as: everything, params: (w) => ({ id: w.objects.HR.ticket }) },
  { path: '/api/v1/sharing-requests', as: hrUser },
  {
    path: '/api/v1/sharing-requests/:id/decisions',
    as: (w) => w.people.HR.steward,
    params: (w) => ({ id: w.objects.HR.request }),
  },
  { path: '/api/v1/sharing-requests/:id/withdraw', as: hrUser, params: (w) => ({ id: own(w, w.people.HR.user).draft }) },
  { path: '/api/v1/sharing-requests/:id/copy', as: hrUser, params: (w) => ({ id: w.objects.HR.request }) },
  { path: '/api/v1/sharing-requests/:id/arbitration', as: hrUser, params: (w) => ({ id: w.objects.HR.request }) },
  {
    path: '/api/v1/sharing-requests/:id/arbitration/decision',
    as: (w) => w.people.HR.it_office,
    params: (w) => ({ id: w.objects.STU.request }),
  },
  { path: '/api/v1/reports', as: hrUser },
  { path: '/api/v1/reports/:id/withdraw', as: hrUser, params: (w) => ({ id: own(w, w.people.HR.user).report }) },
];

export function urlOf(route: PostRoute, w: AccessWorld): string {
  const params = route.params?.(w) ?? {};
  return route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    if (params[name] === undefined) throw new Error(`${route.path}: no value for :${name}`);
    return encodeURIComponent(String(params[name]));
  });
}

// ── hostile catalogs ───────────────────────────────────────────────────────────────────────────

/** Names no hub identifier may have: quotes, semicolons, placeholders, unicode, 200 characters. */
export const HOSTILE_IDENTIFIERS = [
  'staff"; drop table users; --',
  "staff' or '1'='1",
  'staff;',
  'staff?',
  'a.b.c',
  '学生表',
  'staff basic',
  `t${'x'.repeat(199)}`,
  '1table',
  'staff`name`',
  'staff\u0000',
  '$1',
] as const;

/** The parsed example with table `index` changed by `over`. */
export function withTable<T extends { tables: object[] }>(example: T, index: number, over: Record<string, unknown>): T {
  return { ...example, tables: example.tables.map((t, i) => (i === index ? { ...t, ...over } : t)) };
}

/** The example catalog plus a rule whose condition value is a "billion laughs" (9^9 strings when expanded). */
export function billionLaughs(example: string): string {
  const levels = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++)
    levels.push(
      `l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(',')}]`,
    );
  return `${example}  - name: bomb
    table: staff_basic
    conditions:
      all:
        - { fact: row_count_change, operator: equal, value: { ${levels.join(', ')} } }
    event: { type: ticket, params: { severity: high, message: x, extra: *l9 } }
`;
}

// ── hostile files ──────────────────────────────────────────────────────────────────────────────

/** A Windows executable's first bytes ("MZ", the DOS stub). */
export const EXE = Buffer.concat([
  Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'),
  Buffer.from('This program cannot be run in DOS mode.'),
]);
export const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>');
export const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');

/**
 * A real zip archive (local header, deflated data, central directory) whose one entry inflates
 * to `inflated` bytes of zeros: 50 MB fit in about 50 KB. Uploads decide the type by content,
 * so it must be refused from its first bytes ("PK\3\4"), never opened.
 */
export function zipBomb(inflated = 50 * 1024 * 1024): Buffer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const zlib = require('node:zlib') as typeof import('node:zlib');
  const data = zlib.deflateRawSync(Buffer.alloc(inflated), { level: 9 });
  const name = Buffer.from('zeros.bin');
  const crc = zlib.crc32 ? zlib.crc32(Buffer.alloc(inflated)) : 0;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt32LE(crc >>> 0, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(inflated, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc >>> 0, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(inflated, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

/** Just over the 5 MB upload limit, with a valid PDF header (the size alone must refuse it). */
export const OVERSIZED_PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5 * 1024 * 1024 + 1 - 9, 0x20)]);
