import type { Request } from 'express';
import type { Knex } from 'knex';
import { appendAudit, auditActorOf } from './../services/audit';
import type { UserRow } from '../services/users';

/** Who did it and from where, for the audit log, from a request. */
export function auditActor(req: Request) {
  return auditActorOf(req.user);
}

export function auditOrigin(req: Request) {
  return { ip: req.ip, requestId: String(req.id) };
}

/**
 * Finishes a successful sign-in for any auth adapter: a new session id (against session fixation),
 * the user in the session, the audit row.
 */
export async function completeLogin(db: Knex, req: Request, user: UserRow, method: string): Promise<void> {
  // Chosen on the sign-in page (becomes the account's choice), else the account's earlier choice.
  const chosenBefore = req.session.locale;
  const locale = chosenBefore ?? user.locale ?? undefined;
  await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
  req.session.userId = user.id;
  req.session.loginAt = Date.now();
  req.session.sessionEpoch = user.session_epoch ?? 0;
  if (locale) req.session.locale = locale;
  await db.transaction(async (trx) => {
    // A language chosen on the sign-in page is the account's choice from now on, as the switch is when signed in.
    await trx('users')
      .where({ id: user.id })
      .update({ last_login_at: trx.fn.now(), ...(chosenBefore ? { locale: chosenBefore } : {}) });
    await appendAudit(trx, {
      actor: { id: user.id, login: user.login, roles: user.roles, department: user.department_code },
      action: 'auth.login',
      objectType: 'user',
      objectId: user.id,
      summary: { method },
      ...auditOrigin(req),
    });
  });
  await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
}
