import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ForbiddenError, UnauthorizedError } from '../errors';
import { Action, can, CurrentUser, PolicyResource } from '../policies';

/**
 * Every route declares who may use it, through one of these two middlewares. Each carries its
 * policy as a property, so a test can walk the router and fail on any route that declares none.
 */
export type PolicyMiddleware = RequestHandler & { policy: string };

function tag(handler: RequestHandler, policy: string): PolicyMiddleware {
  return Object.assign(handler, { policy });
}

/** The route needs a signed-in user allowed to do `action` (on the resource `resolve` names, if any). */
export function authorize(
  action: Action,
  resolve?: (req: Request) => PolicyResource | Promise<PolicyResource>,
): PolicyMiddleware {
  return tag(async (req: Request, _res: Response, next: NextFunction) => {
    if (!req.user) return next(new UnauthorizedError());
    const resource = resolve ? await resolve(req) : {};
    if (!can(req.user, action, resource)) return next(new ForbiddenError());
    next();
  }, action);
}

/** The route is open to anyone (login page, health checks, static assets). */
export function publicRoute(): PolicyMiddleware {
  return tag((_req, _res, next) => next(), 'public');
}

/** For checks that need the loaded object: throws 403 unless allowed. */
export function assertCan(
  user: CurrentUser | undefined,
  action: Action,
  resource: PolicyResource = {},
): asserts user is CurrentUser {
  if (!user) throw new UnauthorizedError();
  if (!can(user, action, resource)) throw new ForbiddenError();
}
