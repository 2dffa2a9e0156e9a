import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import { UnauthorizedError } from '../errors';
import { KnexSessionStore } from '../auth/session-store';
import { universityTimezone } from '../services/catalog/repository';
import { findUserByApiToken, findUserById, toCurrentUser, TokenExpiredError, UserRow } from '../services/users';

/**
 * Resolves who is calling: an API token (`Authorization: Bearer …`, under /api/ only) or the session. A disabled
 * account, or a session past its absolute lifetime, is signed out on its next request. The session
 * store reads the user with the session (one query for both); other stores cost a look-up here. An expired token's
 * refusal says when it expired on the university's clock: the catalog's zone, else `fallbackTimezone` (TZ).
 */
export function currentUser(db: Knex, absoluteMinutes: number, fallbackTimezone: string) {
  const userOf = async (req: Request, userId: number): Promise<UserRow | undefined> => {
    const store = req.sessionStore;
    const prefetched = store instanceof KnexSessionStore ? store.takeUser(req.sessionID, userId) : undefined;
    if (prefetched !== undefined) return prefetched ?? undefined;
    return findUserById(db, userId);
  };
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const header = req.get('authorization');
      if (header && req.path.startsWith('/api/')) {
        // Another scheme (Basic, Token …) is not a bad token: said which one the API takes, not "mistyped, revoked".
        if (!/^Bearer(\s|$)/i.test(header)) return next(new UnauthorizedError('errors.bearerOnly'));
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        const row = match ? await findUserByApiToken(db, match[1]) : null;
        // A token was sent and is not one (mistyped, revoked, its account disabled): said so, not "sign in first".
        if (!row) return next(new UnauthorizedError('errors.invalidToken'));
        if ('expired' in row) return next(new TokenExpiredError(row.expired, await universityTimezone(db, fallbackTimezone)));
        req.user = toCurrentUser(row);
        req.viaApiToken = true;
        return next();
      }
      // Tokens are for the API only: a leaked token must not open the pages (administration, exports,
      // forms), where a token would also skip the CSRF check. A page read with one is read by no one, even
      // beside a session cookie (the sign-in page is shown, not a redirect to itself); a form sent with one
      // is sent to sign in, nothing done. Another scheme (a reverse proxy's HTTP Basic login, forwarded)
      // is not ours: the session decides, as without it.
      if (header && /^Bearer(\s|$)/i.test(header)) {
        return req.method === 'GET' || req.method === 'HEAD' ? next() : next(new UnauthorizedError());
      }
      const { userId, loginAt } = req.session ?? {};
      if (userId) {
        const expired = !loginAt || Date.now() - loginAt > absoluteMinutes * 60_000;
        const row = expired ? undefined : await userOf(req, userId);
        // Ended sessions (disabled, password reset or changed elsewhere) are signed out even if a request
        // in flight wrote their row back: their generation is behind the account's.
        const ended = row && (row.session_epoch ?? 0) !== (req.session.sessionEpoch ?? 0);
        if (!row || row.disabled || ended) {
          delete req.session.userId;
          delete req.session.loginAt;
        } else {
          req.user = toCurrentUser(row);
        }
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}
