import { Router } from 'express';
import type { AppContext } from '../../context';
import { authorize } from '../../middleware/authorize';
import { homeFor } from '../../presenters/home';

export function homeRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', authorize('home.view'), async (req, res) => {
    res.render('pages/home/index', await homeFor(ctx, req.user!, req.t));
  });
  return router;
}
