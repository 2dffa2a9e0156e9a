import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError, UnauthorizedError } from '../errors';

/**
 * Synchronizer-token CSRF protection: every session has a random token; every state-changing
 * request made with the session cookie must send it back (form field `_csrf` or header
 * `X-CSRF-Token`). Requests authenticated by an API token carry no cookie and are exempt.
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfToken(req: Request): string {
  if (!req.session.csrfToken) req.session.csrfToken = crypto.randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export class CsrfError extends AppError {
  constructor() {
    super(403, 'csrf_failed', 'errors.csrf');
  }
}

export function csrfProtection(req: Request, _res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method) || req.viaApiToken) return next();
  // The API without credentials is "who are you?" (401), not a forged form.
  if (req.path.startsWith('/api/') && !req.user) return next(new UnauthorizedError());
  // A multipart body (file upload) is parsed by the route, after this check: such forms carry the
  // token in their action URL instead. Logs drop query strings and pages send no Referer.
  const multipart = req.is('multipart/form-data') && typeof req.query._csrf === 'string' ? (req.query._csrf as string) : undefined;
  const sent = (req.body && typeof req.body._csrf === 'string' ? req.body._csrf : undefined) ?? req.get('x-csrf-token') ?? multipart;
  const expected = req.session?.csrfToken;
  if (!sent || !expected || !sameToken(sent, expected)) return next(new CsrfError());
  next();
}
