import { NextFunction, Request, Response, Router } from 'express';
import { apiRouter } from './router';
import type { AppContext } from '../../context';
import { AppError } from '../../errors';
import { authorize } from '../../middleware/authorize';
import { ticketsApi } from './tickets';
import { sharingApiRoutes } from './sharing';
import { scorecardsApi } from './scorecards';
import { reportsApi } from './reports';
import { methodNotAllowed } from './methods';

/**
 * JSON API under /api/v1, authenticated by `Authorization: Bearer <token>` (or the session, with the
 * CSRF header for state changes). 401 and 403 answer as JSON (see middleware/errors.ts).
 */
export function apiRoutes(ctx: AppContext): Router {
  const router = apiRouter();
  router.use(jsonBodiesOnly);
  router.use(ticketsApi(ctx));
  router.use(sharingApiRoutes(ctx));
  router.use(scorecardsApi(ctx));
  router.use(reportsApi(ctx));
  router.get('/me', authorize('session.use'), async (req, res) => {
    const user = req.user!;
    const department = await ctx.db('departments').where({ code: user.department }).first('code', 'name');
    res.json({ id: user.id, login: user.login, name: user.name, department, roles: user.roles });
  });
  router.use(methodNotAllowed(router));
  return router;
}

/** A body the API does not read: it takes JSON only. */
export class NotJsonBodyError extends AppError {
  constructor(type: string) {
    super(415, 'unsupported_media_type', 'errors.apiJsonOnly', { type });
  }
}

/**
 * The API reads JSON bodies only. One sent as another type — `fetch` without a Content-Type header sends
 * `text/plain;charset=UTF-8`, a form `application/x-www-form-urlencoded` — was read as no body at all (the
 * caller told a field it had sent was missing) or as form fields: a 415 saying what to send instead. A request
 * without a body (withdraw, copy) is not concerned.
 */
function jsonBodiesOnly(req: Request, _res: Response, next: NextFunction): void {
  const length = req.get('content-length');
  const hasBody = req.get('transfer-encoding') !== undefined || (length !== undefined && length !== '0');
  if (!hasBody || req.method === 'GET' || req.method === 'HEAD' || req.is('application/json')) return next();
  const type = (req.get('content-type') ?? '').split(';')[0].trim().slice(0, 100);
  next(new NotJsonBodyError(type || '—'));
}
