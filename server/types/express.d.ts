import type { Locale, Translator } from '../i18n';
import type { CurrentUser } from '../policies';

declare global {
  namespace Express {
    interface Request {
      id: string;
      user?: CurrentUser;
      /** True when the request authenticated with an API token (no cookies: CSRF does not apply). */
      viaApiToken?: boolean;
      /**
       * True while an upload form's CSRF check waits for its multipart body (middleware/csrf.ts): set by
       * csrfProtection, cleared only by the parser (middleware/multipart.ts) once the body's token matched.
       */
      csrfDeferred?: boolean;
      locale: Locale;
      t: Translator;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    /** When the user signed in (ms since epoch): enforces the absolute session lifetime. */
    loginAt?: number;
    /** The account's `session_epoch` when this session signed in: a later one means the session was ended. */
    sessionEpoch?: number;
    csrfToken?: string;
    locale?: string;
    /** One-shot message shown on the next page (e.g. after a redirect). */
    flash?: { kind: 'success' | 'error' | 'info'; text: string };
  }
}

export {};
