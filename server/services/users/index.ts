import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { AppError, ValidationError } from '../../errors';
import { CurrentUser, Role } from '../../policies';
import { appendAudit, auditActorOf } from '../audit';
import { generatePassword, hashPassword, newPasswordProblem, verifyPassword } from './passwords';
import { checkDepartment, checkPersonFields } from './validate';

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

const LOGIN_PATTERN = /^[A-Za-z0-9._@-]{2,64}$/;
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
  if (!LOGIN_PATTERN.test(input.login)) problems.push({ field: 'login', key: 'users.errors.login' });
  const { name, email, roles, problems: personProblems } = checkPersonFields(input);
  problems.push(...personProblems);
  const passwordProblem = input.password != null ? newPasswordProblem(input.password) : null;
  if (passwordProblem) problems.push({ field: 'password', ...passwordProblem });
  const departmentName = input.departmentName?.trim() || null;
  const department = await checkDepartment(db, input.department, departmentName);
  problems.push(...department.problems);
  // Logins differing only in case (admin, Admin) would be two accounts that read as one person in lists, the audit
  // log and comments: one could pass for the other.
  const taken = (await db('users').whereRaw('lower(login) = lower(?)', [input.login]).orderBy('id').first('login')) as
    { login: string } | undefined;
  if (taken?.login === input.login) {
    problems.push({ field: 'login', key: 'users.errors.loginTaken', params: { login: input.login } });
  } else if (taken) {
    problems.push({ field: 'login', key: 'users.errors.loginTakenCase', params: { login: input.login, existing: taken.login } });
  }
  if (problems.length) throw new ValidationError(problems);

  const generatedPassword = input.password ? null : generatePassword();
  const passwordHash = await hashPassword(input.password || generatedPassword!);
  const user = await db.transaction(async (trx) => {
    if (!department.exists) {
      await trx('departments').insert({ code: input.department, name: departmentName });
    }
    const [row] = await trx('users')
      .insert({
        login: input.login,
        name,
        email,
        department_code: input.department,
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
  });
  return { user, generatedPassword };
}

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

/** Checks a login and password; returns the user or null (never says which part was wrong). */
export async function authenticatePassword(db: Knex, login: string, password: string): Promise<UserRow | null> {
  const user = await findUserByLogin(db, login);
  const ok = await verifyPassword(user && !user.disabled ? user.password_hash : null, password);
  return ok && user && !user.disabled ? user : null;
}

const TOKEN_PREFIX = 'hw_';

function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Issues an API token. Only its hash is stored: the token is shown once. */
export async function issueApiToken(db: Knex, userId: number, label: string | null = null): Promise<string> {
  const token = TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
  await db.transaction(async (trx) => {
    const [row] = await trx('api_tokens')
      .insert({ user_id: userId, token_hash: hashToken(token), label })
      .returning('id');
    await appendAudit(trx, { action: 'token.issue', objectType: 'user', objectId: userId, summary: { apiKeyId: row.id, label } });
  });
  return token;
}

/** Revokes every API token of the account still valid; returns how many. `actor` and `origin` for the audit row. */
export async function revokeApiTokens(
  db: Knex,
  userId: number,
  actor: CurrentUser | null = null,
  origin: { ip?: string; requestId?: string } = {},
): Promise<number> {
  return db.transaction(async (trx) => {
    const n = await trx('api_tokens').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: trx.fn.now() });
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

/** The account's API tokens still valid: how many, and when one was last used. */
export async function activeApiTokens(db: Knex, userId: number): Promise<{ count: number; lastUsedAt: Date | null }> {
  const [row] = await db('api_tokens')
    .where({ user_id: userId })
    .whereNull('revoked_at')
    .select(db.raw('count(*) as count'), db.raw('max(last_used_at) as last_used_at'));
  return { count: Number(row?.count ?? 0), lastUsedAt: row?.last_used_at ?? null };
}

export async function findUserByApiToken(db: Knex, token: string): Promise<UserRow | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await db('api_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .where('t.token_hash', hashToken(token))
    .whereNull('t.revoked_at')
    .where('u.disabled', false)
    .select('u.*', 't.id as token_id')
    .first();
  if (!row) return null;
  await db('api_tokens').where({ id: row.token_id }).update({ last_used_at: db.fn.now() });
  delete row.token_id;
  return row as UserRow;
}

export class UnknownUserError extends AppError {
  constructor(login: string) {
    super(404, 'unknown_user', 'users.errors.unknown', { login });
  }
}

export { changeOwnPassword, endSessions, resetPassword, setUserDisabled, updateUser } from './manage';
export type { AccountUpdate, ChangeOrigin } from './manage';
