import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import { UnauthorizedError } from '../errors';
import { findUserByApiToken, findUserById, toCurrentUser } from '../services/users';

/**
 * Resolves who is calling: an API token (`Authorization: Bearer …`) or the session. A disabled
 * account, or a session past its absolute lifetime, is signed out on its next request.
 */
export function currentUser(db: Knex, absoluteMinutes: number) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const header = req.get('authorization');
      if (header) {
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        const row = match ? await findUserByApiToken(db, match[1]) : null;
        if (!row) return next(new UnauthorizedError());
        req.user = toCurrentUser(row);
        req.viaApiToken = true;
        return next();
      }
      const { userId, loginAt } = req.session ?? {};
      if (userId) {
        const expired = !loginAt || Date.now() - loginAt > absoluteMinutes * 60_000;
        const row = expired ? undefined : await findUserById(db, userId);
        if (!row || row.disabled) {
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
