import type { Knex } from 'knex';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import type { CurrentUser, Role } from '../../policies';
import { appendAudit, auditActorOf } from '../audit';
import { formVersion } from '../form-version';
import type { UserRow } from './index';
import { generatePassword, hashPassword, newPasswordProblem, verifyPassword } from './passwords';
import { checkDepartment, checkPersonFields } from './validate';

/**
 * Changing accounts after they were added: name, e-mail, department and roles; disabling and enabling;
 * an administrator's password reset; one's own password change. Each change is one transaction with its
 * audit row (never a password or its hash), and each keeps at least one enabled administrator.
 */

/** Where a change came from, for the audit row (a request's address and id; none from the command line). */
export interface ChangeOrigin {
  ip?: string;
  requestId?: string;
}

/**
 * Ends sessions of the account: every one, or every one but `keepSid` (the session that made the change).
 * Session rows keep the user's id as a JSON number under `userId`. The account's `session_epoch` counts up
 * too: a request of an ended session still in flight saves its session at its end and would bring the row
 * back; its stale epoch signs it out anyway (middleware/current-user.ts). The kept session must take the
 * returned epoch (`req.session.sessionEpoch`).
 */
export async function endSessions(
  db: Knex,
  userId: number,
  keepSid: string | null = null,
): Promise<{ ended: number; epoch: number }> {
  const [{ session_epoch: epoch }] = await db('users')
    .where({ id: userId })
    .increment('session_epoch', 1)
    .returning('session_epoch');
  const query = db('sessions').whereRaw(`data->>'userId' = ?`, [String(userId)]);
  if (keepSid) query.whereNot('sid', keepSid);
  // The rows, not the driver's count: the embedded database's driver reports a delete's count differently.
  return { ended: (await query.delete().returning('sid')).length, epoch: Number(epoch) };
}

/**
 * Locks the rows of every enabled administrator and the account itself (in that order, FOR UPDATE, so two
 * administrators demoting or disabling each other at once are serialized) and reads the account.
 */
async function lockForChange(trx: Knex.Transaction, userId: number): Promise<{ user: UserRow; admins: number[] }> {
  const admins = (
    await trx('users').where({ disabled: false }).whereRaw(`'admin' = any(roles)`).orderBy('id').forUpdate().select('id')
  ).map((r: { id: number | string }) => Number(r.id));
  const user = (await trx('users').where({ id: userId }).forUpdate().first()) as UserRow | undefined;
  if (!user) throw new NotFoundError();
  return { user, admins };
}

const isEnabledAdmin = (u: { roles: Role[]; disabled: boolean }) => !u.disabled && u.roles.includes('admin');

/** Refuses (naming `field`) a change that leaves no enabled administrator. */
function assertAdminRemains(before: UserRow, after: { roles: Role[]; disabled: boolean }, admins: number[], field: string): void {
  if (!isEnabledAdmin(before) || isEnabledAdmin(after)) return;
  const others = admins.filter((id) => id !== Number(before.id));
  if (others.length === 0) throw new ValidationError([{ field, key: 'users.errors.lastAdmin' }]);
}

export interface AccountUpdate {
  name: string;
  email?: string | null;
  department: string;
  roles: string[];
  /**
   * The account as the form showing it read it (accountVersion). Given and no longer the account's, a change is
   * refused (ConflictError): the form was opened before another tab or administrator changed the account, and saving it
   * would silently put back the department and roles changed meanwhile. Without it (the command line) nothing is compared.
   */
  editedFrom?: string;
}

/** What an account's edit form shows (name, e-mail, department, roles), as a short digest for the form to carry. */
export function accountVersion(user: Pick<UserRow, 'name' | 'email' | 'department_code' | 'roles'>): string {
  return formVersion([user.name, user.email ?? null, user.department_code, [...user.roles].sort()]);
}

/**
 * Changes an account's name, e-mail, department and roles, checked as when it was added. Throws
 * ValidationError naming each bad field, NotFoundError for an unknown account; writes nothing then.
 * Returns the account as it is now and whether anything changed.
 */
export async function updateUser(
  db: Knex,
  userId: number,
  input: AccountUpdate,
  actor: CurrentUser | null,
  origin: ChangeOrigin = {},
): Promise<{ user: UserRow; changed: boolean }> {
  const { name, email, roles, problems } = checkPersonFields(input);
  const department = await checkDepartment(db, input.department);
  problems.push(...department.problems);
  if (problems.length) throw new ValidationError(problems);

  return db.transaction(async (trx) => {
    const { user: before, admins } = await lockForChange(trx, userId);
    assertAdminRemains(before, { roles, disabled: before.disabled }, admins, 'role');
    const sameRoles = before.roles.length === roles.length && before.roles.every((r) => roles.includes(r));
    const changed =
      before.name !== name || (before.email ?? null) !== email || before.department_code !== department.code || !sameRoles;
    // The same values sent again (a double click, a reload) are no change, whatever form they came from.
    if (!changed) return { user: before, changed: false };
    if (input.editedFrom !== undefined && input.editedFrom !== accountVersion(before))
      throw new ConflictError('admin.users.editStale', { login: before.login });
    const [user] = (await trx('users')
      .where({ id: userId })
      .update({ name, email, department_code: department.code, roles })
      .returning('*')) as UserRow[];
    // What changed, and only that (a department or roles left as they were are no change); e-mail addresses and
    // names are personal: only that they changed.
    const was: { department?: string; roles?: Role[] } = {};
    const now: { department?: string; roles?: Role[] } = {};
    if (before.department_code !== user.department_code) {
      was.department = before.department_code;
      now.department = user.department_code;
    }
    if (!sameRoles) {
      was.roles = before.roles;
      now.roles = user.roles;
    }
    await appendAudit(trx, {
      actor: auditActorOf(actor),
      action: 'user.update',
      objectType: 'user',
      objectId: userId,
      summary: {
        ...(Object.keys(now).length ? { before: was, after: now } : {}),
        ...(before.name !== name ? { nameChanged: true } : {}),
        ...((before.email ?? null) !== email ? { emailChanged: true } : {}),
      },
      ...origin,
    });
    return { user, changed: true };
  });
}

/**
 * Disables or enables an account. Disabling ends its sessions (its API tokens are refused while it is
 * disabled); an administrator cannot disable their own account, and the last enabled administrator
 * cannot be disabled (ValidationError on `disabled`). Setting what is already set changes nothing.
 */
export async function setUserDisabled(
  db: Knex,
  userId: number,
  disabled: boolean,
  actor: CurrentUser | null,
  origin: ChangeOrigin = {},
): Promise<{ user: UserRow; changed: boolean; sessionsEnded: number }> {
  if (disabled && actor && Number(actor.id) === Number(userId)) {
    throw new ValidationError([{ field: 'disabled', key: 'users.errors.disableSelf' }]);
  }
  return db.transaction(async (trx) => {
    const { user: before, admins } = await lockForChange(trx, userId);
    if (before.disabled === disabled) return { user: before, changed: false, sessionsEnded: 0 };
    assertAdminRemains(before, { roles: before.roles, disabled }, admins, 'disabled');
    const [user] = (await trx('users').where({ id: userId }).update({ disabled }).returning('*')) as UserRow[];
    const sessionsEnded = disabled ? (await endSessions(trx, userId)).ended : 0;
    // Enabled again: a fresh count of sign-in failures (the epoch is part of the lock's key, routes/auth). The tries
    // its user made while it was off (the right password refused) must not lock them out once it is back on.
    if (!disabled) await trx('users').where({ id: userId }).increment('session_epoch', 1);
    await appendAudit(trx, {
      actor: auditActorOf(actor),
      action: disabled ? 'user.disable' : 'user.enable',
      objectType: 'user',
      objectId: userId,
      summary: { before: { disabled: before.disabled }, after: { disabled }, sessionsEnded },
      ...origin,
    });
    return { user, changed: true, sessionsEnded };
  });
}

/**
 * An administrator sets a new password for an account: the one given (as newPasswordProblem allows, at least MIN_PASSWORD_LENGTH
 * characters; ValidationError on `password` otherwise) or a generated one, returned once. Ends every
 * session of the account. Administrators change their own password with changeOwnPassword.
 */
export async function resetPassword(
  db: Knex,
  userId: number,
  password: string | null,
  actor: CurrentUser | null,
  origin: ChangeOrigin = {},
): Promise<{ user: UserRow; generatedPassword: string | null; sessionsEnded: number }> {
  // One's own password is changed knowing the current one (changeOwnPassword): a session left open must
  // not be enough to take the account over.
  if (actor && Number(actor.id) === Number(userId)) {
    throw new ValidationError([{ field: 'password', key: 'users.errors.resetSelf' }]);
  }
  const account = (await db('users').where({ id: userId }).first('login')) as Pick<UserRow, 'login'> | undefined;
  if (!account) throw new NotFoundError();
  const problem = password != null && password !== '' ? newPasswordProblem(password, account.login) : null;
  if (problem) throw new ValidationError([{ field: 'password', ...problem }]);
  const generatedPassword = password ? null : generatePassword();
  const hash = await hashPassword(password || generatedPassword!);
  return db.transaction(async (trx) => {
    const user = (await trx('users').where({ id: userId }).forUpdate().first()) as UserRow | undefined;
    if (!user) throw new NotFoundError();
    await trx('users').where({ id: userId }).update({ password_hash: hash });
    const { ended: sessionsEnded } = await endSessions(trx, userId);
    await appendAudit(trx, {
      actor: auditActorOf(actor),
      action: 'user.password_reset',
      objectType: 'user',
      objectId: userId,
      summary: { generated: !!generatedPassword, sessionsEnded },
      ...origin,
    });
    return { user, generatedPassword, sessionsEnded };
  });
}

/**
 * A signed-in user changes their own password: the current one must match (ValidationError on
 * `current_password`), the new one pass newPasswordProblem (at least MIN_PASSWORD_LENGTH characters) and differ from it
 * (`new_password`). Ends the user's other sessions; `currentSid`, the one they changed it in, stays.
 * An account without a password (campus SSO) has none to change: ValidationError on `current_password`.
 */
export async function changeOwnPassword(
  db: Knex,
  user: CurrentUser,
  input: { current: string; next: string; confirm?: string },
  currentSid: string | null,
  origin: ChangeOrigin = {},
): Promise<{ sessionsEnded: number; sessionEpoch: number }> {
  const row = (await db('users').where({ id: user.id }).first('password_hash', 'disabled')) as
    Pick<UserRow, 'password_hash' | 'disabled'> | undefined;
  if (!row || row.disabled) throw new NotFoundError();
  if (!row.password_hash) throw new ValidationError([{ field: 'current_password', key: 'users.errors.passwordSso' }]);
  const problems: ValidationError['fields'] = [];
  if (!input.current) problems.push({ field: 'current_password', key: 'users.errors.currentPasswordRequired' });
  else if (!(await verifyPassword(row.password_hash, input.current)))
    problems.push({ field: 'current_password', key: 'users.errors.currentPassword' });
  // Left empty, it is asked for, not said to be under 10 characters.
  const nextProblem = input.next
    ? newPasswordProblem(input.next, user.login)
    : { key: 'users.errors.newPasswordRequired' as const };
  if (nextProblem) problems.push({ field: 'new_password', ...nextProblem });
  else if (input.next === input.current) problems.push({ field: 'new_password', key: 'users.errors.passwordSame' });
  // The form asks for the new password twice (it is typed unseen): a typo must not lock the account out.
  else if (input.confirm !== undefined && input.confirm !== input.next)
    problems.push({ field: 'new_password_confirm', key: 'users.errors.passwordConfirm' });
  if (problems.length) throw new ValidationError(problems);

  const hash = await hashPassword(input.next);
  return db.transaction(async (trx) => {
    // Changed by another request meanwhile (a reset, another change): the check above read an old hash.
    const updated = await trx('users')
      .where({ id: user.id, password_hash: row.password_hash, disabled: false })
      .update({ password_hash: hash })
      .returning('id');
    if (!updated.length) throw new ValidationError([{ field: 'current_password', key: 'users.errors.currentPassword' }]);
    const { ended: sessionsEnded, epoch: sessionEpoch } = await endSessions(trx, user.id, currentSid);
    await appendAudit(trx, {
      actor: auditActorOf(user),
      action: 'user.password_change',
      objectType: 'user',
      objectId: user.id,
      summary: { sessionsEnded },
      ...origin,
    });
    return { sessionsEnded, sessionEpoch };
  });
}
