import type { NextFunction, Request, Response, Router } from 'express';
import { AppError } from '../../errors';

/** A method the path does not take: 405 with `Allow`, naming the methods it takes. */
export class MethodNotAllowedError extends AppError {
  constructor(method: string, allowed: string[]) {
    super(405, 'method_not_allowed', 'errors.methodNotAllowed', { method, allowed: allowed.join(', ') });
  }
}

interface RouteLayer {
  match(path: string): { path: string } | false;
  route?: { _methods(): string[] };
  handle?: { stack?: RouteLayer[] };
}

/** The methods the router's routes take at `path` (nested routers included), in the order declared. */
function methodsAt(stack: RouteLayer[], path: string, into: Set<string>): Set<string> {
  for (const layer of stack) {
    const matched = layer.match(path);
    if (!matched) continue;
    if (layer.route) for (const m of layer.route._methods()) into.add(m);
    else if (layer.handle?.stack) methodsAt(layer.handle.stack, path.slice(matched.path.length) || '/', into);
  }
  return into;
}

/**
 * After the API's routes: a path one of them answers, asked with another method (`GET /tickets/8/comments`,
 * `PUT /tickets/8`), is a 405 naming the methods it takes, with `Allow` (RFC 9110). It was the 404 of a path that
 * does not exist, which sent an integrator looking for a typo in a path written as documented. OPTIONS is left to
 * the router's own answer.
 */
export function methodNotAllowed(router: Router) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'OPTIONS') return next();
    const allowed = [...methodsAt((router as unknown as { stack: RouteLayer[] }).stack, req.path, new Set())];
    if (allowed.length === 0 || allowed.includes(req.method)) return next();
    res.setHeader('Allow', allowed.join(', '));
    next(new MethodNotAllowedError(req.method, allowed));
  };
}
