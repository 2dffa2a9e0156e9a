import type { NextFunction, Request, Response } from 'express';
import { DEFAULT_LOCALE, isLocale, Locale, translator } from '../i18n';

/** zh-CN first: the session's choice, else the account's, else Chinese (English if the browser asks only for it). */
export function localeMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const chosen = req.session?.locale ?? req.user?.locale;
  let locale: Locale = DEFAULT_LOCALE;
  if (isLocale(chosen)) locale = chosen;
  else if (req.path.startsWith('/api/') && isLocale(req.get('accept-language'))) locale = req.get('accept-language') as Locale;
  else if (!chosen && req.acceptsLanguages('zh', 'zh-CN', 'en') === 'en') locale = 'en';
  req.locale = locale;
  req.t = translator(locale);
  next();
}
