import type { NextFunction, Request, Response } from 'express';
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
 * A cookie that says this browser signed in and did not sign out, kept until the browser closes (the session's own
 * cookie lasts only the idle time): the sign-in page it next reaches without a session says the session ended,
 * once, instead of showing the form without a word (an idle timeout, a password changed elsewhere, a disabled account).
 */
export const SIGNED_IN_COOKIE = 'hubwatch.signed_in';

/**
 * The language last chosen in this browser (the switch, or the account's choice at sign-in), for a year: the sign-in
 * page after signing out or a session's end spoke the browser's language again — English to a user who had chosen
 * Chinese in an English browser. Read by the locale middleware after the session's choice.
 */
export const LOCALE_COOKIE = 'hubwatch.lang';

/** Sets LOCALE_COOKIE on this response (written with the headers, after the session's cookie: cookiesAfterSession). */
export function rememberLocale(res: Response, locale: string, secure: boolean): void {
  res.locals.localeCookie = { locale, secure };
}

/** A cookie's value as the request sent it (the app reads its two own cookies, the session's being express-session's). */
function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** The language LOCALE_COOKIE remembers, as sent (the caller checks it is one of ours). */
export function rememberedLocale(req: Request): string | undefined {
  return cookieValue(req, LOCALE_COOKIE);
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
  if (req.res) {
    req.res.locals.signedInCookie = { secure: !!req.session.cookie.secure };
    if (locale) rememberLocale(req.res, locale, !!req.session.cookie.secure);
  }
}

/**
 * Mounted before the session middleware: sets SIGNED_IN_COOKIE and LOCALE_COOKIE as the headers are written, after
 * the session's own cookie, so the session cookie stays the first Set-Cookie (what a script signing in reads).
 */
export function cookiesAfterSession(_req: Request, res: Response, next: NextFunction): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: unknown[]) {
    const set = res.locals.signedInCookie as { secure: boolean } | undefined;
    if (set) res.cookie(SIGNED_IN_COOKIE, '1', { httpOnly: true, sameSite: 'lax', secure: set.secure });
    if (res.locals.signedInCookieEnded) res.clearCookie(SIGNED_IN_COOKIE);
    const lang = res.locals.localeCookie as { locale: string; secure: boolean } | undefined;
    if (lang)
      res.cookie(LOCALE_COOKIE, lang.locale, {
        httpOnly: true,
        sameSite: 'lax',
        secure: lang.secure,
        maxAge: 365 * 24 * 3600_000,
      });
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as Response['writeHead'];
  next();
}

/** Whether the request carries SIGNED_IN_COOKIE. */
export function signedInBefore(req: Request): boolean {
  return cookieValue(req, SIGNED_IN_COOKIE) === '1';
}
