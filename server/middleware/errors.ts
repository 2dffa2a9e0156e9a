import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../errors';
import { DEFAULT_LOCALE, translator, type Translator } from '../i18n';
import { acceptedLocale } from './locale';
import { pagePath } from '../http/safe-redirect';
import { jsonErrorPosition } from '../http/json-error-position';
import { conflictMessage } from '../presenters/ticket-conflict';
import { MAX_JSON_DEPTH } from './body-safety';

/** The API's answers are JSON, a path under /api in another case too (its 404: app.ts). */
export function wantsJson(req: Request): boolean {
  return /^\/api(\/|$)/i.test(req.path) || (!req.accepts('html') && !!req.accepts('json'));
}

/**
 * Field errors as `{field: message}` in the request's language. Without a prototype: a refused key named as one of
 * Object.prototype's members (`toString`, `__proto__`: body-keys.ts) is a field like any other, not "already there".
 */
export function fieldMessages(err: ValidationError, req: Request): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const f of err.fields) if (!Object.hasOwn(out, f.field)) out[f.field] = req.t(f.key, f.params);
  return out;
}

/**
 * A field key as a reader names it: `items.2.table` → 申请项 3 · 数据表. A part without a label (a
 * hub column, a key that means different things on different forms, such as `to`) stays as it is:
 * some messages (a NUL character) do not say which field they are about.
 */
export function fieldLabel(key: string, t: Translator): string {
  const parts = key.split('.').map((segment) => {
    if (/^[0-9]+$/.test(segment)) return String(Number(segment) + 1);
    const labelKey = `errors.fieldLabels.${segment}`;
    const label = t(labelKey);
    return label === labelKey ? segment : label;
  });
  return parts.join(' · ').replace(/ · ([0-9]+)(?= · |$)/g, ' $1');
}

/**
 * The page a GET refused for its query string (a filter holding a NUL or a direction override, pasted into a search
 * box) is, without that query: the error page links to it, so the reader gets back to the list instead of only to the
 * home page. None for another method or status, or a path a link could not safely lead to (`//host` is another site).
 */
function withoutQuery(req: Request, status: number): string | null {
  if (req.method !== 'GET' || status !== 422) return null;
  const [path, query] = req.originalUrl.split('?', 2);
  if (!query || !/^\/(?![/\\])/.test(path) || path.includes('\\')) return null;
  return path;
}

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction): void {
  next(new NotFoundError());
}

/**
 * User mistakes get their status and a translated message; anything else is logged with its
 * stack and answered with a plain 500 that reveals nothing.
 */
/** Body parsers' refusals by status: the error code and the message's key (anything else: a malformed request). */
const PARSER_ERRORS: Record<number, [string, string]> = {
  413: ['payload_too_large', 'errors.payloadTooLarge'],
  415: ['unsupported_media_type', 'errors.unsupportedMediaType'],
};

/**
 * What is wrong with a body that is no JSON, and where: it was "the request is malformed" (请求格式不正确), which left
 * an integrator to guess between the JSON, the headers and the URL. The parser's position (a count of characters from
 * 0) is said as a line and a character on it, as an editor shows a pretty-printed body.
 */
function badJsonMessage(err: Error & { body?: unknown }, t: Translator): string {
  if (/Unexpected end of JSON input|Unterminated string/i.test(err.message)) return t('errors.badJsonEnd');
  if (typeof err.body !== 'string') return t('errors.badJson');
  // Node names the position of some mistakes only: an unexpected character (`"to": fixed`, Python's `True`, a value
  // missing before `}`) came without one, and the answer without where.
  const at = /at position (\d+)/.exec(err.message);
  const position = at ? Number(at[1]) : jsonErrorPosition(err.body);
  if (position === null) return t('errors.badJson');
  if (position >= err.body.length) return t('errors.badJsonEnd');
  const lines = err.body.slice(0, position).split('\n');
  return t('errors.badJsonAt', { line: lines.length, column: lines[lines.length - 1].length + 1 });
}

export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    // Without req.t the request failed before the locale middleware (the body parsers): its Accept-Language decides.
    const t = req.t ?? translator(acceptedLocale(req) ?? DEFAULT_LOCALE);
    let status = 500;
    let code = 'internal_error';
    let message = t('errors.internal');
    let fields: Record<string, string> | undefined;
    const bodyParserStatus = (err as { status?: number; type?: string })?.status;
    if (err instanceof AppError) {
      status = err.status;
      code = err.code;
      // The API called without credentials: "sign in first" told a script nothing of the header it had to send.
      const messageKey =
        err.messageKey === 'errors.unauthorized' && /^\/api\/v1\//.test(req.path) ? 'errors.apiUnauthorized' : err.messageKey;
      // A ticket's conflict names its status in words (已关闭), as the ticket page does, not the stored code.
      message =
        err instanceof ConflictError && err.messageKey.startsWith('tickets.')
          ? conflictMessage(t, err)
          : t(messageKey, err.params);
      if (err instanceof ValidationError) fields = fieldMessages(err, req);
    } else if (bodyParserStatus && bodyParserStatus >= 400 && bodyParserStatus < 500) {
      // Malformed JSON, body too large, a charset or encoding not read… from express's parsers: the caller's mistake.
      status = bodyParserStatus;
      const type = (err as { type?: string }).type;
      const [kind, key] =
        type === 'entity.not.object'
          ? ['bad_request', 'errors.bodyNotObject']
          : (PARSER_ERRORS[status] ?? ['bad_request', 'errors.badRequest']);
      code = kind;
      message =
        type === 'entity.parse.failed'
          ? badJsonMessage(err as Error & { body?: unknown }, t)
          : type === 'entity.too.deep'
            ? t('errors.jsonTooDeep', { depth: MAX_JSON_DEPTH })
            : t(key);
    } else {
      logger.error({ err, reqId: req.id }, 'unhandled error');
    }
    if (res.headersSent) return;
    if (status === 401 && !wantsJson(req)) {
      // A form sent after the session ended comes back, once signed in, to the page it was on (pagePath): its
      // own URL answers only POST, and signing in led to a 404.
      return res.redirect(`/login?next=${encodeURIComponent(pagePath(req))}`);
    }
    res.status(status);
    // RFC 6750: a 401 of the API names the scheme it takes, and a token refused as such says so.
    if (status === 401 && req.path.startsWith('/api/'))
      res.set(
        'WWW-Authenticate',
        code === 'token_expired' || (err instanceof AppError && err.messageKey === 'errors.invalidToken')
          ? 'Bearer realm="hubwatch", error="invalid_token"'
          : 'Bearer realm="hubwatch"',
      );
    if (wantsJson(req)) {
      res.json({ error: code, message, ...(fields ? { fields } : {}) });
    } else {
      const fieldList = fields
        ? Object.entries(fields).map(([key, text]) => ({ label: fieldLabel(key, t), message: text }))
        : undefined;
      res.render('pages/error', {
        title: message,
        status,
        message,
        code,
        fields: fieldList,
        withoutQuery: withoutQuery(req, status),
      });
    }
  };
}
