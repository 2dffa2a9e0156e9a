import type { Express } from 'express';
import type { AppContext } from '../context';
import { adminRoutes } from './admin';
import { apiRoutes } from './api';
import { authRoutes } from './auth';
import { homeRoutes } from './home';

/** Every area's router, in one list: a newcomer finds every URL from here. */
export function mountRoutes(app: Express, ctx: AppContext): void {
  app.use(authRoutes(ctx));
  app.use(homeRoutes(ctx));
  app.use(adminRoutes(ctx));
  app.use('/api/v1', apiRoutes(ctx));
}
