import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError, UnauthorizedError } from '../errors';

/**
 * Synchronizer-token CSRF protection: every session has a random token; every state-changing
 * request made with the session cookie must send it back (form field `_csrf` or header
 * `X-CSRF-Token`). Requests authenticated by an API token carry no cookie and are exempt.
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const TOKEN_BYTES = 32;

export function csrfToken(req: Request): string {
  if (!req.session.csrfToken) req.session.csrfToken = crypto.randomBytes(TOKEN_BYTES).toString('base64url');
  return req.session.csrfToken;
}

/**
 * The session's token as a page carries it: XOR-ed with fresh random bytes, the mask in front. Pages
 * are sent compressed, and a secret repeated in every compressed page beside text an attacker can
 * inject is what BREACH reads out from response sizes; a token that differs in every response gives
 * it nothing to converge on. Any masked form of the session's token is accepted.
 */
export function maskedCsrfToken(req: Request): string {
  const token = Buffer.from(csrfToken(req), 'base64url');
  const mask = crypto.randomBytes(token.length);
  const masked = Buffer.alloc(token.length * 2);
  mask.copy(masked);
  for (let i = 0; i < token.length; i++) masked[token.length + i] = mask[i] ^ token[i];
  return masked.toString('base64url');
}

/** The token a request sent, unmasked (a bare token, as pages served before masking carried, passes as it is). */
function unmasked(sent: string): Buffer {
  const bytes = Buffer.from(sent, 'base64url');
  if (bytes.length !== TOKEN_BYTES * 2) return bytes;
  const token = Buffer.alloc(TOKEN_BYTES);
  for (let i = 0; i < TOKEN_BYTES; i++) token[i] = bytes[i] ^ bytes[TOKEN_BYTES + i];
  return token;
}

function sameToken(sent: string, expected: string): boolean {
  const x = unmasked(sent);
  const y = Buffer.from(expected, 'base64url');
  return y.length === TOKEN_BYTES && x.length === y.length && crypto.timingSafeEqual(x, y);
}

export class CsrfError extends AppError {
  constructor() {
    super(403, 'csrf_failed', 'errors.csrf');
  }
}

export function csrfProtection(req: Request, res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method) || req.viaApiToken) return next();
  // 退出 pressed on a page whose session has already ended (idle timeout, ended elsewhere): the session holds no
  // token any more, and there is nobody to sign out, so nothing a forged request could do. To the sign-in page,
  // not "page expired".
  if (req.method === 'POST' && req.path === '/logout' && !req.user) return res.redirect(303, '/login');
  // The API without credentials is "who are you?" (401), not a forged form.
  if (req.path.startsWith('/api/') && !req.user) return next(new UnauthorizedError());
  // A multipart body (file upload) is parsed by the route, after this check: such forms carry the
  // token in their action URL instead. Logs drop query strings and pages send no Referer.
  const multipart =
    req.is('multipart/form-data') && typeof req.query._csrf === 'string' ? (req.query._csrf as string) : undefined;
  const sent =
    (req.body && typeof req.body._csrf === 'string' ? req.body._csrf : undefined) ?? req.get('x-csrf-token') ?? multipart;
  const expected = req.session?.csrfToken;
  // A page's form sent after its session ended (idle timeout, signed out in another tab, a password reset):
  // the session holds no token and nobody is signed in, so a forged request could do nothing here either.
  // "Who are you?" (401): the sign-in page, then back to the page the form was on, where app.js puts back
  // what was typed — not "page expired" with the text lost. The sign-in and language forms keep the 403.
  if (!expected && !req.user && !['/login', '/locale'].includes(req.path)) return next(new UnauthorizedError());
  if (!sent || !expected || !sameToken(sent, expected)) return next(new CsrfError());
  next();
}
