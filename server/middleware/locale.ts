import type { NextFunction, Request, Response } from 'express';
import { rememberedLocale } from '../auth/login';
import { DEFAULT_LOCALE, isLocale, Locale, translator } from '../i18n';

/** The language the browser or API client prefers among ours, if it names one of them. */
export function acceptedLocale(req: Request): Locale | null {
  const best = req.acceptsLanguages('zh-CN', 'zh', 'en');
  if (best === 'en') return 'en';
  return best ? 'zh-CN' : null;
}

/**
 * zh-CN first. Pages: the language of this session — chosen with the switch, or the account's choice (saved
 * by the switch) taken when it signed in — else the one last chosen in this browser (a cookie), else the browser's
 * (English only when it prefers English), else Chinese. The API: the client's Accept-Language when it names one of ours (a script asks for the language it
 * parses), else the session's or, with a token, the account's choice, else as pages.
 *
 * Mounted twice: before the signed-in user is known (so a refusal of a bad API token or session speaks the
 * caller's language) and after, when the account's choice can count.
 */
export function localeMiddleware(req: Request, _res: Response, next: NextFunction): void {
  // A session takes the account's choice when it signs in (auth/login.ts); a token has no session. Without either, the
  // language last chosen in this browser (LOCALE_COOKIE): the sign-in page after a session ends keeps it.
  const chosen = [req.session?.locale, req.viaApiToken ? req.user?.locale : undefined, rememberedLocale(req)].find(isLocale);
  const accepted = req.get('accept-language') ? acceptedLocale(req) : null;
  const locale: Locale = (req.path.startsWith('/api/') ? (accepted ?? chosen) : (chosen ?? accepted)) ?? DEFAULT_LOCALE;
  req.locale = locale;
  req.t = translator(locale);
  next();
}
