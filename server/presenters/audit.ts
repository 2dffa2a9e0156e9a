import type { Knex } from 'knex';
import { pathId } from '../http/path-id';
import type { Translator } from '../i18n';
import { type Action, can, type CurrentUser, type PolicyResource } from '../policies';
import type { AuditRecord } from '../services/audit';
import { auditTrailHref, type AuditObjectType } from '../services/audit/objects';
import { wallClockText } from '../services/calendar/zone';
import { csvField, csvLine } from '../services/csv';
import { maskFreeText } from '../services/privacy';
import { COMPONENTS } from '../services/scorecards/components';
import { STAGE_NUMBER, whereNeverSubmitted } from '../services/sharing/types';

/** One row of the audit log page, as the template shows it. */
export interface AuditRowView {
  seq: number;
  occurredAt: Date;
  /** null: the system itself (a scheduled job, the CLI without a login), or nobody signed in (see notSignedIn). */
  actor: { login: string | null; name: string | null } | null;
  /**
   * A row without an actor that is no act of the system's: a failed sign-in, by someone not signed in (the login
   * they typed is the row's object, or "no such account").
   */
  notSignedIn: boolean;
  action: string;
  /** What the action is called in the viewer's language ("重置密码"); null for an action without a name yet. */
  actionLabel: string | null;
  /** "工单 #12"; null when the row names no object. */
  object: { label: string; href: string | null } | null;
  /**
   * The stored summary (already scrubbed of personal data when it was written) as `key: value` lines; `label`
   * is what the key is called in the viewer's language ("状态" for status), null for a key without a name.
   */
  summary: { key: string; label: string | null; value: string }[];
  ip: string | null;
}

/**
 * The page an audit row's object has, and what the viewer needs to open it. Object types without a
 * page of their own (catalog versions, log-in attempts…) are shown without a link; an account links to its
 * page for administrators.
 */
const OBJECT_PAGES: Record<string, (id: string) => { href: string; action: Action; resource?: PolicyResource } | null> = {
  ticket: (id) => ({ href: `/tickets/${encodeURIComponent(id)}`, action: 'tickets.viewAll' }),
  report: (id) => ({ href: `/reports/${encodeURIComponent(id)}`, action: 'reports.view' }),
  sharing_request: (id) => ({ href: `/sharing/${encodeURIComponent(id)}`, action: 'sharing.view' }),
  department: (id) => ({
    href: `/departments/${encodeURIComponent(id)}`,
    action: 'department.view',
    resource: { department: id },
  }),
  check_run: (id) => ({ href: `/runs/${encodeURIComponent(id)}`, action: 'runs.view' }),
  user: (id) => (Number.isNaN(pathId(id)) ? null : { href: `/admin/users/${id}`, action: 'users.manage' }),
  assessment_period: (id) => ({ href: `/scorecards/periods/${encodeURIComponent(id)}`, action: 'scorecards.dashboard' }),
  settings: (id) =>
    id === 'tickets.due_working_days'
      ? { href: '/tickets/settings', action: 'tickets.settings' }
      : id === 'reports.triage'
        ? { href: '/reports/triage', action: 'reports.triage' }
        : null,
};

function objectHref(viewer: CurrentUser, type: string, id: string): string | null {
  const page = Object.hasOwn(OBJECT_PAGES, type) ? OBJECT_PAGES[type](id) : null;
  return page && can(viewer, page.action, page.resource ?? {}) ? page.href : null;
}

/**
 * The 审计记录 / Audit trail link of an object's page (a ticket, a sharing request): the audit log filtered to its
 * rows, for whoever may read the log (`audit.view`, as /admin/audit authorizes); null for anyone else.
 */
export function auditTrailLink(
  viewer: CurrentUser | null | undefined,
  type: AuditObjectType,
  id: string | number,
): string | null {
  return viewer && can(viewer, 'audit.view') ? auditTrailHref(type, id) : null;
}

/**
 * A summary value as text: lists joined, nested values as compact JSON, nothing as —; a yes or no in the reader's
 * language (是/否, Yes/No: `true` is no word a reader uses), also inside a list.
 */
/** A stored instant: what `toISOString()` writes (UTC, `Z`). A date alone (`due_at: 2026-12-11`) is no instant. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

/**
 * The words a coded value is read as, by the row's object type and the key's last part: 决定: 同意, 状态: 审核中,
 * 原因: 数据需求范围过大, 审核环节: 数据来源部门审核 (the codes approve, in_review, scope_too_large, source and the stage
 * number 3 were shown as stored). A code without words (an older one, a stage number the workflow has not) is shown as
 * stored.
 */
const VALUE_WORDS: Record<string, Record<string, string>> = {
  sharing_request: {
    status: 'sharing.status',
    // A decision's stage by the name the request page gives it (see STORED_AS_NUMBER).
    stage: 'sharing.stageKind',
    kind: 'sharing.stageKind',
    decision: 'sharing.decisionWords',
    reason: 'sharing.reasons',
  },
  // A ticket's event (services/tickets/events.ts): its kind, the statuses it left and reached, its check, an answer.
  ticket: {
    status: 'tickets.status',
    from: 'tickets.status',
    to: 'tickets.status',
    kind: 'tickets.events',
    check: 'checks.kinds',
    answer: 'reports.answerWords',
    severity: 'tickets.severity',
    // Why the system moved it (the history's details.reason): check_passed, report_withdrawn…
    reason: 'tickets.reasons',
  },
  // A withdrawal's `from`: the status the report left (待信息化办公室分派, 已转责任单位).
  report: { status: 'reports.status', from: 'reports.status' },
  // An account's roles as the accounts page names them (信息化专员, not steward), and how it signed in (密码).
  user: { roles: 'roles', method: 'admin.audit.loginMethods' },
  // Where a catalog import came from (来源: 首次启动, not bootstrap): the catalog page, `hubwatch catalog import`, the
  // first start's example catalog.
  catalog_version: { source: 'admin.audit.importSources' },
};

/**
 * Codes stored as numbers, by object type and key: a sharing decision's `stage` is the workflow's number (1 the
 * applicant unit's review, 2 the IT office's first review, 3 a data source's, 4 the leader's, 5 the final review:
 * STAGE_NUMBER), which read 审核环节: 5 — no reader knows what 5 is. It reads as the stage's kind, by its words.
 */
const STAGE_KIND_OF: Record<string, string> = Object.fromEntries(Object.entries(STAGE_NUMBER).map(([k, n]) => [String(n), k]));
const STORED_AS_NUMBER: Record<string, Record<string, Record<string, string>>> = {
  sharing_request: { stage: STAGE_KIND_OF },
};

/** The code a stored value stands for: itself, or the code of a number (STORED_AS_NUMBER); null for none. */
function codeOf(objectType: string, part: string, value: unknown): string | null {
  if (typeof value === 'string') return value;
  const codes = Object.hasOwn(STORED_AS_NUMBER, objectType) ? STORED_AS_NUMBER[objectType] : null;
  if (typeof value !== 'number' || !codes || !Object.hasOwn(codes, part)) return null;
  return Object.hasOwn(codes[part], String(value)) ? codes[part][String(value)] : null;
}

/**
 * What a key left empty means, by object type, where it is no "nothing": "run now" of every table is stored as
 * `table: null`, which read 数据表: — beside a run of them all.
 */
const EMPTY_WORDS: Record<string, Record<string, string>> = { check_run: { table: 'checks.runs.allTables' } };

/** The reader's words for `value` under `key` of a row about `objectType`, or null (see VALUE_WORDS). */
type Words = (key: string, value: unknown) => string | null;
function wordsFor(objectType: string | null | undefined, t: Translator): Words {
  const table = objectType && Object.hasOwn(VALUE_WORDS, objectType) ? VALUE_WORDS[objectType] : null;
  const wordOf = (list: string, part: string, value: unknown) => {
    const code = codeOf(objectType!, part, value);
    if (code === null) return null;
    const wordKey = `${list}.${code}`;
    const word = t(wordKey);
    return word === wordKey ? null : word;
  };
  const empty = objectType && Object.hasOwn(EMPTY_WORDS, objectType) ? EMPTY_WORDS[objectType] : null;
  return (key, value) => {
    const part = key.split('.').at(-1)!;
    if (value == null && empty && Object.hasOwn(empty, key)) return t(empty[key]);
    if (!table || !Object.hasOwn(table, part)) return null;
    // A list of codes (an account's roles) each by its words, one without words as stored (valueText's join).
    if (Array.isArray(value)) {
      const words = value.map((v) => wordOf(table[part], part, v));
      return value.length && words.some((w) => w !== null) ? value.map((v, i) => words[i] ?? valueText(v, t)).join(', ') : null;
    }
    return wordOf(table[part], part, value);
  };
}

function valueText(value: unknown, t: Translator, timezone?: string, word?: string | null): string {
  if (word) return word;
  if (value === null || value === undefined) return '—';
  // An instant (`fixed_at`, `reported_at`: ISO strings in UTC) on the university's clock, as the row's own time.
  if (typeof value === 'string') return timezone && INSTANT.test(value) ? wallClockText(new Date(value), timezone) : value;
  if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value))
    return value.length
      ? value.map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : valueText(v, t, timezone))).join(', ')
      : '—';
  return JSON.stringify(value);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** `a.b: 1` for `{a: {b: 1}}`: one line per leaf. */
function flatten(
  key: string,
  value: unknown,
  into: { key: string; value: string }[],
  t: Translator,
  timezone?: string,
  words?: Words,
): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(`${key}.${k}`, v, into, t, timezone, words);
  } else {
    into.push({ key, value: valueText(value, t, timezone, words?.(key, value)) });
  }
}

/**
 * The summary as `key: value` lines, values in the reader's language (`t`: yes and no). A change written as
 * `{before: {…}, after: {…}}` (changeSummary) reads `status: open → closed`, one line per key; anything else is
 * flattened (`after.login: zhang`). A key the change left as it was (`部门: HR → HR`, as older user.update rows
 * recorded every key) is no change and is left out — unless nothing else would be shown: a stewards list replaced
 * by another as long still reads `count: 2 → 2`.
 */
/**
 * Keys read in this order wherever they appear (by their last part: `weights.freshness`), the others after them as
 * stored. PostgreSQL's jsonb keeps an object's keys shortest first, so a period closed `{from, to}` read 到 … 从 …, and
 * the weights' components came in no order the pages use.
 */
const KEY_ORDER: readonly string[] = ['from', 'to', 'valid_from', ...COMPONENTS];
const keyRank = (key: string) => {
  const rank = KEY_ORDER.indexOf(key.split('.').at(-1)!);
  return rank === -1 ? KEY_ORDER.length : rank;
};
const inReadingOrder = (lines: { key: string; value: string }[]) => [...lines].sort((a, b) => keyRank(a.key) - keyRank(b.key));

/**
 * A key whose line says again what another key's line says, by object type: left out when the two read the same. A
 * sharing decision records its stage's number and its kind; both read as the stage's name (审核环节: 信息化办公室终审、
 * 共享数据), said once.
 */
const SAID_BY: Record<string, Record<string, string>> = { sharing_request: { kind: 'stage' } };
function saidOnce(lines: { key: string; value: string }[], objectType?: string | null) {
  const said = objectType && Object.hasOwn(SAID_BY, objectType) ? SAID_BY[objectType] : null;
  if (!said) return lines;
  return lines.filter(
    (line) => !Object.hasOwn(said, line.key) || !lines.some((l) => l.key === said[line.key] && l.value === line.value),
  );
}

export function summaryLines(
  summary: Record<string, unknown> | null | undefined,
  t: Translator,
  timezone?: string,
  objectType?: string | null,
): { key: string; value: string }[] {
  if (!isPlainObject(summary)) return [];
  const words = wordsFor(objectType, t);
  const { before, after } = summary;
  const change = isPlainObject(before) && isPlainObject(after);
  const flat: { key: string; value: string }[] = [];
  for (const [k, v] of Object.entries(summary))
    if (!(change && (k === 'before' || k === 'after'))) flatten(k, v, flat, t, timezone, words);
  const others = saidOnce(flat, objectType);
  if (!change) return inReadingOrder(others);
  const changed: { key: string; value: string }[] = [];
  const unchanged: { key: string; value: string }[] = [];
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const [was, now] = [
      valueText(before[k], t, timezone, words(k, before[k])),
      valueText(after[k], t, timezone, words(k, after[k])),
    ];
    (was === now ? unchanged : changed).push({ key: k, value: `${was} → ${now}` });
  }
  return [...inReadingOrder(changed.length || others.length ? changed : unchanged), ...inReadingOrder(others)];
}

/**
 * "工单 #12": the object type's name in the viewer's language (the type itself when it has none) and its id; an
 * account by its login ("账号 wang.hr", as the actor column names people): "账号 #15" told the IT office, who reads the
 * log but not the accounts, nothing of whose password was reset or who was disabled.
 */
function objectLabel(type: string | null, id: string | null, t: Translator, login?: string): string {
  // A failed sign-in with a login no account has: what was typed is not recorded (it may have been a password).
  if (type === 'login' && !id) return t('admin.audit.unknownLogin');
  const key = `admin.audit.objects.${type}`;
  const name = type ? (t(key) === key ? type : t(key)) : '';
  return [name, login ?? (id ? `#${id}` : '')].filter(Boolean).join(' ');
}

/** "重置密码" for user.password_reset; null when the action has no name (the code is shown alone). */
function actionLabel(action: string, t: Translator): string | null {
  const key = `admin.audit.actions.${action}`;
  const label = t(key);
  return label === key ? null : label;
}

/**
 * What a summary key is called in the viewer's language: "状态" for status, a nested key part by part
 * (`leader.required` → "校领导审批 · 需要", a part without a name as stored: `key.xh` → "记录键 · xh"). Null when
 * no part has a name (a key an older version wrote): the page shows the key as stored.
 */
export function summaryKeyLabel(key: string, t: Translator, objectType?: string | null): string | null {
  // A key whose meaning depends on the row's object: `from`/`to` are statuses a ticket left and reached (原状态 →
  // 新状态) but the dates of an assessment period (开始日期, 结束日期); 从/到 alone read as either.
  const own = objectType ? `admin.audit.keysOf.${objectType}.${key}` : null;
  if (own && t(own) !== own) return t(own);
  const parts = key.split('.');
  const names = parts.map((part, i) => {
    // A weight (`weights.reports`) is called what the weights page and the scorecards call its component, from their
    // one key: the audit log's own name for it ("Reports answered in time") read as another weight than "Reports on
    // time".
    if (i > 0 && parts[i - 1] === 'weights' && (COMPONENTS as readonly string[]).includes(part))
      return t(`scorecards.columns.${part}`);
    const name = t(`admin.audit.keys.${part}`);
    return name === `admin.audit.keys.${part}` ? null : name;
  });
  return names.some((n) => n !== null) ? parts.map((part, i) => names[i] ?? part).join(' · ') : null;
}

/** The audit rows of one page, with the actors' current names and the objects' labels and links. */
export async function auditRowsFor(
  db: Knex,
  viewer: CurrentUser,
  rows: AuditRecord[],
  t: Translator,
  timezone?: string,
): Promise<AuditRowView[]> {
  const ids = [...new Set(rows.map((r) => r.actor?.id).filter((id): id is number => id != null))];
  // Rows without a user id but with a login (none are written so today) still find the name.
  const logins = [...new Set(rows.filter((r) => r.actor?.id == null && r.actor?.login).map((r) => r.actor!.login!))];
  const people: { id: number; login: string; name: string }[] =
    ids.length || logins.length
      ? await db('users').whereIn('id', ids).orWhereIn('login', logins).select('id', 'login', 'name')
      : [];
  const byId = new Map(people.map((p) => [Number(p.id), p.name]));
  const byLogin = new Map(people.map((p) => [p.login, p.name]));
  // The name as the account has it now, read beside the masked rows (by the IT office too): an ID or phone
  // number typed into it is masked as in the rows.
  const nameOf = (actor: NonNullable<AuditRecord['actor']>) => {
    const name = actor.id != null ? byId.get(Number(actor.id)) : actor.login ? byLogin.get(actor.login) : undefined;
    return name == null ? null : maskFreeText(name);
  };
  // A draft sharing request is its author's alone until submitted (sharing/access.ts canView): the audit log names
  // it, but links it only for its author — its page is a 404 (as a missing one) for everyone else, the office included.
  const sharingIds = [
    ...new Set(rows.filter((r) => r.objectType === 'sharing_request' && r.objectId).map((r) => pathId(r.objectId!))),
  ].filter((id) => !Number.isNaN(id));
  const othersDrafts = new Set(
    sharingIds.length
      ? (
          (await db('sharing_requests')
            .whereIn('id', sharingIds)
            // Never submitted (neverSubmitted: a draft, or one withdrawn as a draft): its page is its applicant's alone.
            .where((q) => whereNeverSubmitted(q))
            .whereNot({ applicant_id: viewer.id })
            .pluck('id')) as (number | string)[]
        ).map(String)
      : [],
  );
  // The accounts the rows are about, by login (a login never changes: it is the account's name in the log).
  const accountIds = [
    ...new Set(rows.filter((r) => r.objectType === 'user' && r.objectId).map((r) => pathId(r.objectId!))),
  ].filter((id) => !Number.isNaN(id));
  const accountLogins = new Map(
    (accountIds.length
      ? ((await db('users').whereIn('id', accountIds).select('id', 'login')) as { id: number | string; login: string }[])
      : []
    ).map((u) => [String(u.id), u.login]),
  );
  const hrefOf = (r: AuditRecord) =>
    !r.objectType || !r.objectId || (r.objectType === 'sharing_request' && othersDrafts.has(String(pathId(r.objectId))))
      ? null
      : objectHref(viewer, r.objectType, r.objectId);
  return rows.map((r) => ({
    seq: r.seq,
    occurredAt: r.occurredAt,
    actor: r.actor ? { login: r.actor.login, name: nameOf(r.actor) } : null,
    notSignedIn: !r.actor && r.action === 'auth.login_failed',
    action: r.action,
    actionLabel: actionLabel(r.action, t),
    object:
      r.objectType || r.objectId
        ? {
            label: objectLabel(
              r.objectType,
              r.objectId,
              t,
              r.objectType === 'user' && r.objectId ? accountLogins.get(String(pathId(r.objectId))) : undefined,
            ),
            href: hrefOf(r),
          }
        : null,
    summary: summaryLines(r.summary, t, timezone, r.objectType).map((line) => ({
      ...line,
      label: summaryKeyLabel(line.key, t, r.objectType),
    })),
    ip: r.ip,
  }));
}

/** The audit export's columns, in order (their headers: admin.audit.csv.*). */
export const AUDIT_CSV_COLUMNS = [
  'seq',
  'time',
  'actorLogin',
  'actorDepartment',
  'action',
  'actionName',
  'objectType',
  'objectId',
  'summary',
  'ip',
  'requestId',
  'rowHash',
] as const;

/** The header line, in the reader's language. */
export function auditCsvHeader(t: Translator): string {
  return csvLine(AUDIT_CSV_COLUMNS.map((c) => csvField(t(`admin.audit.csv.${c}`))));
}

/**
 * One row of the export. The time is the university's clock (`YYYY-MM-DD HH:mm:ss`); the summary the page's
 * `key: value` lines (keys named in the reader's language, one line each, in one cell), not the stored JSON: the
 * file is read by people, in a spreadsheet, as the page is; the exact row is the database's, found by its seq and
 * checked against its hash (`hubwatch audit verify`). Every text cell comes from the row and is guarded against
 * formulas and Excel's reading of numbers and dates (services/csv.ts); seq is our number, the time our text.
 */
export function auditCsvLine(r: AuditRecord, t: Translator, timezone: string): string {
  const summary = summaryLines(r.summary, t, timezone, r.objectType)
    .map((line) => `${summaryKeyLabel(line.key, t, r.objectType) ?? line.key}: ${line.value}`)
    .join('\n');
  const text = (v: string | null | undefined) => csvField(v, true);
  return csvLine([
    csvField(r.seq),
    csvField(wallClockText(r.occurredAt, timezone)),
    text(r.actor?.login),
    text(r.actor?.department),
    text(r.action),
    text(actionLabel(r.action, t)),
    text(r.objectType),
    text(r.objectId),
    text(summary),
    text(r.ip),
    text(r.requestId),
    text(r.rowHash),
  ]);
}
