import type { Express } from 'express';
import type { AppContext } from '../context';
import { accountRoutes } from './account';
import { adminRoutes } from './admin';
import { apiRoutes } from './api';
import { authRoutes } from './auth';
import { calendarRoutes } from './calendar';
import { catalogRoutes } from './catalog';
import { checkRoutes } from './checks';
import { homeRoutes } from './home';
import { inboxRoutes } from './inbox';
import { ticketsRoutes } from './tickets';
import { sharingRoutes } from './sharing';
import { scorecardsRoutes } from './scorecards';
import { reportsRoutes } from './reports';

/** Every area's router, in one list: a newcomer finds every URL from here. */
export function mountRoutes(app: Express, ctx: AppContext): void {
  app.use(authRoutes(ctx));
  app.use(homeRoutes(ctx));
  app.use(catalogRoutes(ctx));
  app.use(calendarRoutes(ctx));
  app.use(checkRoutes(ctx));
  app.use(ticketsRoutes(ctx));
  app.use(sharingRoutes(ctx));
  app.use(scorecardsRoutes(ctx));
  app.use(reportsRoutes(ctx));
  app.use(inboxRoutes(ctx));
  app.use(adminRoutes(ctx));
  app.use(accountRoutes(ctx));
  app.use('/api/v1', apiRoutes(ctx));
}
