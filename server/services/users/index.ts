import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { AppError, type FieldError, ValidationError } from '../../errors';
import { CurrentUser, Role } from '../../policies';
import { appendAudit, auditActorOf } from '../audit';
import { wallClockText } from '../calendar/zone';
import { generatePassword, hashPassword, newPasswordProblem, verifyPassword } from './passwords';
import { typedWholeNumber } from '../typed-number';
import { visibleText } from '../characters';
import { checkDepartment, checkPersonFields, hasHiddenControl, length } from './validate';

export interface UserRow {
  id: number;
  login: string;
  name: string;
  email: string | null;
  department_code: string;
  roles: Role[];
  password_hash: string | null;
  locale: string | null;
  disabled: boolean;
  /** Counts up each time the account's sessions are ended (manage.ts endSessions). */
  session_epoch?: number;
}

export function toCurrentUser(row: UserRow): CurrentUser {
  return {
    id: row.id,
    login: row.login,
    name: row.name,
    department: row.department_code,
    roles: row.roles,
    locale: row.locale,
  };
}

/** The longest login an account takes (LOGIN_PATTERN; the login box's maxlength, the audit log's actor filter's). */
export const LOGIN_MAX = 64;
const LOGIN_PATTERN = new RegExp(`^[A-Za-z0-9._@-]{2,${LOGIN_MAX}}$`);
export { USER_LIMITS } from './validate';

export interface NewUser {
  login: string;
  name: string;
  department: string;
  roles: string[];
  email?: string | null;
  /** Omit to generate one; the generated password is returned once and never stored in clear. */
  password?: string | null;
  /** Creates the department with this name when it does not exist yet (bootstrapping before any catalog). */
  departmentName?: string | null;
}

/**
 * Creates an account. Throws ValidationError naming each bad field; writes nothing then. `origin`: the request's
 * address and id for the audit row (none from the command line).
 */
export async function createUser(
  db: Knex,
  input: NewUser,
  actor: CurrentUser | null = null,
  origin: { ip?: string; requestId?: string } = {},
): Promise<{ user: UserRow; generatedPassword: string | null }> {
  const problems: ValidationError['fields'] = [];
  if (hasHiddenControl(input.login)) problems.push({ field: 'login', key: 'users.errors.loginControl' });
  else if (!LOGIN_PATTERN.test(input.login)) problems.push({ field: 'login', key: 'users.errors.login' });
  const { name, email, roles, problems: personProblems } = checkPersonFields(input);
  problems.push(...personProblems);
  const passwordProblem = input.password != null ? newPasswordProblem(input.password, input.login) : null;
  if (passwordProblem) problems.push({ field: 'password', ...passwordProblem });
  const departmentName = input.departmentName?.trim() || null;
  const department = await checkDepartment(db, input.department, departmentName);
  problems.push(...department.problems);
  // No account has a NUL in its login (PostgreSQL's text cannot hold one: asking it was a 500).
  const taken = input.login.includes('\u0000') ? null : await loginTakenProblem(db, input.login);
  if (taken) problems.push(taken);
  if (problems.length) throw new ValidationError(problems);

  const generatedPassword = input.password ? null : generatePassword();
  const passwordHash = await hashPassword(input.password || generatedPassword!);
  const user = await db
    .transaction(async (trx) => {
      if (!department.exists) {
        // Another account added at the same instant may have created it: theirs is the department.
        await trx('departments').insert({ code: department.code, name: departmentName }).onConflict('code').ignore();
      }
      const [row] = await trx('users')
        .insert({
          login: input.login,
          name,
          email,
          department_code: department.code,
          roles,
          password_hash: passwordHash,
        })
        .returning('*');
      await appendAudit(trx, {
        actor: auditActorOf(actor),
        action: 'user.create',
        objectType: 'user',
        objectId: row.id,
        summary: { after: { login: row.login, department: row.department_code, roles } },
        ...origin,
      });
      return row as UserRow;
    })
    .catch(async (err: unknown) => {
      // Another account with this login (in any case) was added between the check above and this insert: the
      // unique indexes refused it. The same message as when the check sees it.
      if (!isLoginUniqueViolation(err)) throw err;
      throw new ValidationError([
        (await loginTakenProblem(db, input.login)) ?? {
          field: 'login',
          key: 'users.errors.loginTaken',
          params: { login: input.login },
        },
      ]);
    });
  return { user, generatedPassword };
}

/**
 * "The login exists" when an account has this login, or one differing only in case: `admin` and `Admin` would be
 * two accounts that read as one person in lists, the audit log and comments (one could pass for the other).
 */
async function loginTakenProblem(db: Knex, login: string): Promise<FieldError | null> {
  const taken = (await db('users').whereRaw('lower(login) = lower(?)', [login]).orderBy('id').first('login')) as
    { login: string } | undefined;
  if (!taken) return null;
  return taken.login === login
    ? { field: 'login', key: 'users.errors.loginTaken', params: { login } }
    : { field: 'login', key: 'users.errors.loginTakenCase', params: { login, existing: taken.login } };
}

/** users.login's unique constraint, and the unique index on lower(login) (migration 20261205001000). */
const LOGIN_UNIQUE = new Set(['users_login_unique', 'users_login_lower_unique']);

function isLoginUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && typeof e.constraint === 'string' && LOGIN_UNIQUE.has(e.constraint);
}

/** The users list's filters (the search text, department, role) are read up to this many characters, the rest cut. */
export const USER_FILTER_MAX = 100;

export interface UserFilters {
  /** Part of the login or the name (case-insensitive). */
  q?: string;
  department?: string;
  role?: Role;
}

export interface UserListRow {
  id: number;
  login: string;
  name: string;
  department_code: string;
  roles: Role[];
  disabled: boolean;
  last_login_at: Date | null;
}

/** `%`, `_` and `\` match themselves in a LIKE pattern. */
const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One page of accounts by login, and how many match the filters. */
export async function listUsers(
  db: Knex,
  filters: UserFilters,
  page: { limit: number; offset: number },
): Promise<{ items: UserListRow[]; total: number }> {
  const query = db('users');
  if (filters.q) {
    const pattern = `%${likeLiteral(filters.q)}%`;
    query.where((w) => w.whereRaw(`login ilike ? escape '\\'`, [pattern]).orWhereRaw(`name ilike ? escape '\\'`, [pattern]));
  }
  if (filters.department) query.where('department_code', filters.department);
  if (filters.role) query.whereRaw('? = any(roles)', [filters.role]);
  const [items, [{ n }]] = await Promise.all([
    query
      .clone()
      .orderBy('login')
      .limit(page.limit)
      .offset(page.offset)
      .select('id', 'login', 'name', 'department_code', 'roles', 'disabled', 'last_login_at'),
    query.clone().count({ n: '*' }),
  ]);
  return { items, total: Number(n) };
}

export async function findUserByLogin(db: Knex, login: string): Promise<UserRow | undefined> {
  return db('users').where({ login }).first();
}

export async function findUserById(db: Knex, id: number): Promise<UserRow | undefined> {
  return db('users').where({ id }).first();
}

/**
 * The account a sign-in names: its login as written, else in any case (`ZhangSan` signs in as `zhangsan`).
 * Unambiguous: no two logins differ only in case (unique index on lower(login), migration 20261205001000).
 * "Any case" is ASCII's only, as logins are written (LOGIN_PATTERN): PostgreSQL's lower() also folds other letters
 * onto ASCII ones (`lİb.steward`, with U+0130, is `lib.steward`), which gave every account a second spelling for each
 * `i` in its login — and the sign-in limit, counted per login as typed, a fresh count for each.
 */
export async function findUserForSignIn(db: Knex, login: string): Promise<UserRow | undefined> {
  if (!login) return undefined;
  const exact = await findUserByLogin(db, login);
  if (exact || !/^[\x21-\x7e]+$/.test(login)) return exact;
  return db('users').whereRaw('lower(login) = ?', [login.toLowerCase()]).first();
}

/**
 * Checks a login (in any case) and password: the user, `disabled` when the password is right for a disabled account
 * (its owner is told so, not "wrong password"; only someone who knows the password learns it), or null (never says
 * which part was wrong). One password check either way, so the time taken tells nothing.
 */
export async function checkSignIn(
  db: Knex,
  login: string,
  password: string,
): Promise<{ user: UserRow; disabled: false } | { user: UserRow; disabled: true } | null> {
  const user = await findUserForSignIn(db, login);
  const ok = await verifyPassword(user ? user.password_hash : null, password);
  if (!ok || !user) return null;
  return user.disabled ? { user, disabled: true } : { user, disabled: false };
}

/** Checks a login (in any case) and password; returns the user or null (a disabled account too). */
export async function authenticatePassword(db: Knex, login: string, password: string): Promise<UserRow | null> {
  const result = await checkSignIn(db, login, password);
  return result && !result.disabled ? result.user : null;
}

const TOKEN_PREFIX = 'hw_';

function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/**
 * How long an API token opens the API, in days. A token is a bearer credential a script keeps in its
 * configuration, often long after its author moved on: a year by default, so a forgotten or leaked one stops
 * working within a year while a script's owner renews it once a year (with the academic year's other chores);
 * at most two years. Tokens issued before expiry existed have none and keep working until revoked.
 */
export const API_TOKEN_DAYS = { default: 365, max: 730 } as const;

/** What is wrong with a token's lifetime in days (a whole number from 1 to the maximum), or null. */
export function tokenDaysProblem(days: number): Omit<FieldError, 'field'> | null {
  return Number.isInteger(days) && days >= 1 && days <= API_TOKEN_DAYS.max
    ? null
    : { key: 'users.errors.tokenDays', params: { max: API_TOKEN_DAYS.max } };
}

/** api_tokens.label is varchar(200). */
export const API_TOKEN_LABEL_MAX = 200;

/**
 * What is wrong with a token's label (trimmed, as stored), or null: it is kept with the token and shown on the account's
 * page and in the audit log on one line, so, like an account's name, no control characters (a line break, a tab) or
 * direction overrides; at most API_TOKEN_LABEL_MAX characters (code points, as the column counts them).
 */
export function tokenLabelProblem(label: string): Omit<FieldError, 'field'> | null {
  if (hasHiddenControl(label)) return { key: 'users.errors.tokenLabelOneLine' };
  const count = length(label);
  return count > API_TOKEN_LABEL_MAX
    ? { key: 'users.errors.tokenLabelTooLong', params: { max: API_TOKEN_LABEL_MAX, length: count } }
    : null;
}

/**
 * A token's label and lifetime as a person typed them — `hubwatch users token`'s --label and --expires-in-days, the
 * account page's form — as createApiToken takes them: the label trimmed (empty: none); the days a whole number in
 * ASCII or full-width digits (as a Chinese input method types them), not given (undefined or null) the default, given
 * empty a mistake. ValidationError naming `label` and `expires_in_days`, each problem at once; the one set of rules
 * for both ways of issuing a token.
 */
export function typedTokenOptions(typed: { label?: string | null; expiresInDays?: string | null }): {
  label: string | null;
  expiresInDays: number;
} {
  // A label that shows nothing (spaces, zero-width characters) is none: it would list as an empty name.
  const label = typed.label == null ? null : visibleText(typed.label) || null;
  const problems: FieldError[] = [];
  const labelProblem = label === null ? null : tokenLabelProblem(label);
  if (labelProblem) problems.push({ field: 'label', ...labelProblem });
  let expiresInDays: number = API_TOKEN_DAYS.default;
  if (typed.expiresInDays != null) {
    const digits = typedWholeNumber(typed.expiresInDays);
    expiresInDays = digits === null ? NaN : Number(digits);
    const daysProblem = tokenDaysProblem(expiresInDays);
    if (daysProblem) problems.push({ field: 'expires_in_days', ...daysProblem });
  }
  if (problems.length) throw new ValidationError(problems);
  return { label, expiresInDays };
}

/**
 * Issues an API token that expires `expiresInDays` days from now (ValidationError on a label tokenLabelProblem refuses
 * or `expires_in_days` outside 1 to API_TOKEN_DAYS.max; nothing written). Only its hash is stored: the token is
 * returned once, with its id and the instant it expires. `actor` and `origin` for the audit row (`token.issue`, which
 * holds the token's id, label and expiry, never the token): none from the command line.
 */
export async function createApiToken(
  db: Knex,
  userId: number,
  opts: { label?: string | null; expiresInDays?: number } = {},
  actor: CurrentUser | null = null,
  origin: { ip?: string; requestId?: string } = {},
): Promise<{ id: number; token: string; expiresAt: Date }> {
  const label = opts.label ?? null;
  const days = opts.expiresInDays ?? API_TOKEN_DAYS.default;
  const problems: FieldError[] = [];
  const labelProblem = label === null ? null : tokenLabelProblem(label);
  if (labelProblem) problems.push({ field: 'label', ...labelProblem });
  const problem = tokenDaysProblem(days);
  if (problem) problems.push({ field: 'expires_in_days', ...problem });
  if (problems.length) throw new ValidationError(problems);
  const token = TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
  const issued = await db.transaction(async (trx) => {
    const [row] = await trx('api_tokens')
      .insert({
        user_id: userId,
        token_hash: hashToken(token),
        label,
        expires_at: trx.raw(`now() + ? * interval '1 day'`, [days]),
      })
      .returning(['id', 'expires_at']);
    await appendAudit(trx, {
      actor: auditActorOf(actor),
      action: 'token.issue',
      objectType: 'user',
      objectId: userId,
      // Not `apiKeyId`: a key naming a token or API key is a secret's to the audit scrubber, which starred the id.
      summary: { issuedId: row.id, label, expiresInDays: days, expiresAt: row.expires_at as Date },
      ...origin,
    });
    return { id: Number(row.id), expiresAt: row.expires_at as Date };
  });
  return { id: issued.id, token, expiresAt: issued.expiresAt };
}

/** Issues an API token (the default lifetime unless `expiresInDays`); returns the token, shown once. */
export async function issueApiToken(
  db: Knex,
  userId: number,
  label: string | null = null,
  expiresInDays: number = API_TOKEN_DAYS.default,
): Promise<string> {
  return (await createApiToken(db, userId, { label, expiresInDays })).token;
}

/** A token still opens the API: not revoked, and without an expiry (issued before there was one) or before it. */
const stillValid = (q: Knex.QueryBuilder, db: Knex, alias = '') =>
  q
    .whereNull(`${alias}revoked_at`)
    .where((w) => w.whereNull(`${alias}expires_at`).orWhere(`${alias}expires_at`, '>', db.fn.now()));

/**
 * Revokes every API token of the account still valid; returns how many. `actor` and `origin` for the audit row,
 * written only when a token was revoked (revoking none changes nothing).
 */
export async function revokeApiTokens(
  db: Knex,
  userId: number,
  actor: CurrentUser | null = null,
  origin: { ip?: string; requestId?: string } = {},
): Promise<number> {
  return db.transaction(async (trx) => {
    // The rows, not the driver's count: the embedded database's driver reports an update's count differently.
    const n = (
      await stillValid(trx('api_tokens').where({ user_id: userId }), trx)
        .update({ revoked_at: trx.fn.now() })
        .returning('id')
    ).length;
    if (n === 0) return 0;
    await appendAudit(trx, {
      actor: auditActorOf(actor),
      action: 'token.revoke',
      objectType: 'user',
      objectId: userId,
      summary: { revoked: n },
      ...origin,
    });
    return n;
  });
}

export interface ApiTokenView {
  id: number;
  label: string | null;
  created_at: Date;
  /** null: issued before tokens expired; it never does. */
  expires_at: Date | null;
  last_used_at: Date | null;
  expired: boolean;
}

/**
 * The account's API tokens not revoked, newest first (expired ones too, marked: a script refused for that is what
 * an administrator looks here for); how many of them are still valid, and when one was last used.
 */
export async function activeApiTokens(
  db: Knex,
  userId: number,
): Promise<{ count: number; lastUsedAt: Date | null; items: ApiTokenView[] }> {
  const items = (
    await db('api_tokens')
      .where({ user_id: userId })
      .whereNull('revoked_at')
      .orderBy('id', 'desc')
      .select(
        'id',
        'label',
        'created_at',
        'expires_at',
        'last_used_at',
        db.raw('(expires_at IS NOT NULL AND expires_at <= now()) AS expired'),
      )
  ).map((r: ApiTokenView) => ({ ...r, id: Number(r.id), expired: !!r.expired }));
  const valid = items.filter((t) => !t.expired);
  const lastUsed = valid.map((t) => t.last_used_at).filter((d): d is Date => d != null);
  return {
    count: valid.length,
    lastUsedAt: lastUsed.length ? new Date(Math.max(...lastUsed.map((d) => d.getTime()))) : null,
    items,
  };
}

/**
 * The account a token opens the API for, or why not: `expired` (with the instant) for a token past its expiry,
 * null for anything else (unknown, revoked, the account disabled, not a token).
 */
export async function findUserByApiToken(db: Knex, token: string): Promise<UserRow | { expired: Date } | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await db('api_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .where('t.token_hash', hashToken(token))
    .whereNull('t.revoked_at')
    .where('u.disabled', false)
    .select('u.*', 't.id as token_id', 't.expires_at as token_expires_at', db.raw('t.expires_at <= now() as token_expired'))
    .first();
  if (!row) return null;
  if (row.token_expired) return { expired: row.token_expires_at as Date };
  await db('api_tokens').where({ id: row.token_id }).update({ last_used_at: db.fn.now() });
  delete row.token_id;
  delete row.token_expires_at;
  delete row.token_expired;
  return row as UserRow;
}

/**
 * A token past its expiry (401): says so, and when — on the university's clock, as `hubwatch users token` said when
 * it was issued (`2027-12-06 02:12:26 Asia/Shanghai`), not in UTC.
 */
export class TokenExpiredError extends AppError {
  constructor(expiredAt: Date, timezone: string) {
    super(401, 'token_expired', 'users.errors.tokenExpired', { at: `${wallClockText(expiredAt, timezone)} ${timezone}` });
  }
}

export class UnknownUserError extends AppError {
  constructor(login: string) {
    super(404, 'unknown_user', 'users.errors.unknown', { login });
  }
}

export { accountVersion, changeOwnPassword, endSessions, resetPassword, setUserDisabled, updateUser } from './manage';
export type { AccountUpdate, ChangeOrigin } from './manage';
