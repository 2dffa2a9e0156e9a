import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError, UnauthorizedError } from '../errors';

/**
 * Synchronizer-token CSRF protection: every session has a random token; every state-changing
 * request made with the session cookie must send it back (form field `_csrf` or header
 * `X-CSRF-Token`; never in the URL, which access logs and the browser's history keep). Requests
 * authenticated by an API token carry no cookie and are exempt.
 *
 * A multipart body (the forms that take files) is parsed by its route, after this check, so its
 * `_csrf` field cannot be read here. For the upload routes only (UPLOAD_ROUTES: exact method and
 * path), such a request without a valid header is deferred: marked `req.csrfDeferred` and let
 * through to its route, whose parser (middleware/multipart.ts) checks the body's token before the
 * route sees anything (verifyDeferredCsrf). A multipart body to any other route is refused here as
 * any body without a token is: those routes read no multipart body, and some act on an empty one.
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

/**
 * The routes whose multipart bodies their parser reads (middleware/multipart.ts), which checks the
 * body's token: the report form, a ticket's answer form, the sharing request (new and edited), the
 * catalog import. Exact paths: any other spelling is refused here, not deferred.
 */
const UPLOAD_ROUTES: readonly RegExp[] = [
  /^\/reports$/,
  /^\/reports\/tickets\/\d+\/answer$/,
  /^\/sharing\/new$/,
  /^\/sharing\/\d+\/edit$/,
  /^\/catalog\/import$/,
];

/** A multipart POST to an upload route: its token is in the body, which the route's parser checks. */
export function isDeferrableUpload(req: Request): boolean {
  return req.method === 'POST' && !!req.is('multipart/form-data') && UPLOAD_ROUTES.some((route) => route.test(req.path));
}

/**
 * The check of a deferred request (csrfProtection), once its multipart body is parsed: the CsrfError when the
 * body's `_csrf` is missing or not the session's token, else null (and the request is no longer deferred).
 * multipartParser calls it, and is the only one that does.
 */
export function verifyDeferredCsrf(req: Request): CsrfError | null {
  if (!req.csrfDeferred) return null;
  const body = req.body as Record<string, unknown> | undefined;
  const sent = body && typeof body._csrf === 'string' ? body._csrf : undefined;
  const expected = req.session?.csrfToken;
  if (!sent || !expected || !sameToken(sent, expected)) return new CsrfError();
  req.csrfDeferred = false;
  return null;
}

export function csrfProtection(req: Request, res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method) || req.viaApiToken) return next();
  // 退出 pressed on a page whose session has already ended (idle timeout, ended elsewhere): the session holds no
  // token any more, and there is nobody to sign out, so nothing a forged request could do. To the sign-in page,
  // not "page expired".
  if (req.method === 'POST' && req.path === '/logout' && !req.user) return res.redirect(303, '/login');
  // The API without credentials is "who are you?" (401), not a forged form.
  if (req.path.startsWith('/api/') && !req.user) return next(new UnauthorizedError());
  // The form's field or the header; never the query string. A multipart body is not parsed yet (`req.body` is empty).
  const sent = (req.body && typeof req.body._csrf === 'string' ? req.body._csrf : undefined) ?? req.get('x-csrf-token');
  const expected = req.session?.csrfToken;
  // A page's form sent after its session ended (idle timeout, signed out in another tab, a password reset):
  // the session holds no token and nobody is signed in, so a forged request could do nothing here either.
  // "Who are you?" (401): the sign-in page, then back to the page the form was on, where app.js puts back
  // what was typed — not "page expired" with the text lost. The sign-in and language forms: below.
  // Before the deferral below: an upload form sent after its session ended is a 401 too.
  if (!expected && !req.user && !['/login', '/locale'].includes(req.path)) return next(new UnauthorizedError());
  if (sent && expected && sameToken(sent, expected)) return next();
  // An upload form: its token is in its multipart body, checked by the route's parser before the route sees anything.
  if (isDeferrableUpload(req)) {
    req.csrfDeferred = true;
    return next();
  }
  // The sign-in form or language switch of a page left open past the idle time (its session and token gone), or of a
  // tab whose session was replaced: it changes nothing, but the route says why on the page it came from (the sign-in
  // form again, the login and the page asked for kept; the page the switch was on), not the bare "page expired" whose
  // own switch has no token either (routes/auth). A signed-in session's stays a forged form.
  if (req.method === 'POST' && (req.path === '/login' || req.path === '/locale') && !req.user) {
    res.locals.formPageExpired = true;
    return next();
  }
  next(new CsrfError());
}
