import { Router } from 'express';
import type { AppContext } from '../../context';
import { authorize } from '../../middleware/authorize';
import { ticketsApi } from './tickets';
import { sharingApiRoutes } from './sharing';
import { scorecardsApi } from './scorecards';
import { reportsApi } from './reports';

/**
 * JSON API under /api/v1, authenticated by `Authorization: Bearer <token>` (or the session, with the
 * CSRF header for state changes). 401 and 403 answer as JSON (see middleware/errors.ts).
 */
export function apiRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use(ticketsApi(ctx));
  router.use(sharingApiRoutes(ctx));
  router.use(scorecardsApi(ctx));
  router.use(reportsApi(ctx));
  router.get('/me', authorize('session.use'), async (req, res) => {
    const user = req.user!;
    const department = await ctx.db('departments').where({ code: user.department }).first('code', 'name');
    res.json({ id: user.id, login: user.login, name: user.name, department, roles: user.roles });
  });
  return router;
}
