import { createHmac } from 'node:crypto';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { auditOrigin, completeLogin, rememberLocale, SIGNED_IN_COOKIE, signedInBefore } from '../../auth/login';
import type { AppContext } from '../../context';
import { isLocale } from '../../i18n';
import { safeLocalPath } from '../../http/safe-redirect';
import { TooManyRequestsError } from '../../errors';
import { authorize, publicRoute } from '../../middleware/authorize';
import { maskedCsrfToken } from '../../middleware/csrf';
import { lockMinutesLeft, passwordGuessLimiter } from '../../middleware/rate-limit-store';
import { appendAudit } from '../../services/audit';
import { checkSignIn, findUserForSignIn } from '../../services/users';

const safeNext = (value: unknown) => safeLocalPath(value, '/');

/** The login the sign-in form sent, as it is looked up and as the attempts are counted. */
const typedLogin = (body: unknown): string => {
  const login = (body as { login?: unknown } | undefined)?.login;
  return typeof login === 'string' ? login.trim() : '';
};

export function authRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db } = ctx;

  /**
   * Counts up whenever the account's sessions are ended (an administrator's password reset, disabling, a change
   * of its password) and when it is enabled again (setUserDisabled). Part of the attempts' key, so a reset by an
   * administrator (what a user who forgot their password asks for) starts a fresh count: the new password signs in at
   * once, not after the lock's window.
   * 0 for a login no account has (a guess that cannot succeed).
   */
  const credentialGeneration = async (login: string): Promise<number> => {
    const row = await findUserForSignIn(db, login);
    return Number(row?.session_epoch ?? 0);
  };

  /**
   * What a failed sign-in's audit row says about the login typed. People type their password into the login box:
   * what was typed is written only when it is an account's login (in any case, as `Admin` names `admin`);
   * anything else as `login: null`, its length and a marker — the first 8 hex digits of an HMAC keyed with the
   * server's secret — so attempts with the same unknown login can be told apart from others, and the text not read
   * back (no one without the secret can compute the marker of a guess).
   */
  const failedLoginRecord = async (
    login: string,
  ): Promise<{ objectId: string } | { summary: { login: null; loginMarker: string; loginLength: number } }> => {
    if (await findUserForSignIn(db, login)) return { objectId: login };
    const loginMarker = createHmac('sha256', ctx.config.sessionSecret ?? '')
      .update(`auth.login_failed\u0000${login}`)
      .digest('hex')
      .slice(0, 8);
    return { summary: { login: null, loginMarker, loginLength: [...login].length } };
  };

  // Per address and login: slows guessing one account, without letting one user lock out a whole NAT. The key
  // needs the database (limitKey, below), the limiter takes it as it is.
  const limitKeys = new WeakMap<Request, string>();
  const limitKey = async (req: Request, _res: Response, next: NextFunction) => {
    try {
      // The login as it is authenticated (trimmed): padding it with spaces must not buy fresh attempts.
      const login = typedLogin(req.body);
      const key = `${ipKeyGenerator(req.ip ?? '')}|${login.toLowerCase()}|${await credentialGeneration(login)}`;
      // Keyed with the server's secret: the key's digest in the RateLimit-Policy header (pk) is one no client can
      // compute, so it says nothing about the account (whether it exists, whether it was reset).
      limitKeys.set(
        req,
        createHmac('sha256', ctx.config.sessionSecret ?? '')
          .update(key)
          .digest('base64url'),
      );
      next();
    } catch (err) {
      next(err);
    }
  };
  const loginLimiter = passwordGuessLimiter(db, 'login', (req) => limitKeys.get(req) ?? '');

  /** The sign-in page (a refusal's status, what was typed kept; never the password). */
  const loginPage = (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) =>
    res.status(status).render('pages/auth/login', {
      title: req.t('auth.login.title'),
      bare: true,
      login: typedLogin(req.body),
      next: safeNext(req.body?.next),
      fields: {},
      ...extra,
    });

  router.get('/login', publicRoute(), (req, res) => {
    if (req.user) return res.redirect(safeNext(req.query.next));
    // This browser was signed in and did not sign out: its session ended. Said once.
    const ended = signedInBefore(req);
    if (ended) res.locals.signedInCookieEnded = true;
    res.render('pages/auth/login', { title: req.t('auth.login.title'), next: safeNext(req.query.next), bare: true, ended });
  });

  // Locked (too many failures for this login from this address): the form again, saying for how long and what
  // else to do — not a bare error page whose only link leads back here without a word.
  const lockedPage = (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof TooManyRequestsError)) return next(err);
    const minutes = lockMinutesLeft(req);
    loginPage(req, res, 429, { error: req.t('auth.login.errors.locked', { minutes }) });
  };

  // A sign-in form whose page expired (csrfProtection let it through, marked): the form again, saying so, with a token
  // of its own (this request's session had none) — before the attempt limit: no password was checked, none is counted.
  const expiredSignInPage = (req: Request, res: Response, next: NextFunction) => {
    if (!res.locals.formPageExpired) return next();
    if (!('csrfToken' in res.locals)) res.locals.csrfToken = maskedCsrfToken(req);
    loginPage(req, res, 403, { error: req.t('auth.login.errors.pageExpired') });
  };

  router.post(
    '/login',
    publicRoute(),
    expiredSignInPage,
    limitKey,
    loginLimiter,
    async (req: Request, res: Response) => {
      const login = typedLogin(req.body);
      const password = typeof req.body.password === 'string' ? req.body.password : '';
      const next = safeNext(req.body.next);
      const fields: Record<string, string> = {};
      if (!login) fields.login = req.t('auth.login.errors.loginRequired');
      if (!password) fields.password = req.t('auth.login.errors.passwordRequired');
      const checked = Object.keys(fields).length ? null : await checkSignIn(db, login, password);
      if (!checked || checked.disabled) {
        if (!Object.keys(fields).length) {
          await appendAudit(db, {
            action: 'auth.login_failed',
            objectType: 'login',
            ...(await failedLoginRecord(login)),
            ...auditOrigin(req),
          });
        }
        // The right password for a disabled account: its owner is told so (a reset would not help), no one else.
        if (checked?.disabled) return loginPage(req, res, 403, { error: req.t('auth.login.errors.disabled') });
        return loginPage(req, res, Object.keys(fields).length ? 422 : 401, {
          fields,
          error: Object.keys(fields).length ? null : req.t('auth.login.errors.invalid'),
        });
      }
      await completeLogin(db, req, checked.user, 'password');
      res.redirect(next);
    },
    lockedPage,
  );

  router.post('/logout', authorize('session.use'), async (req, res) => {
    const user = req.user!;
    await appendAudit(db, {
      actor: { id: user.id, login: user.login, roles: user.roles, department: user.department },
      action: 'auth.logout',
      objectType: 'user',
      objectId: user.id,
      ...auditOrigin(req),
    });
    req.session.destroy(() => {
      res.clearCookie('hubwatch.sid');
      res.clearCookie(SIGNED_IN_COOKIE);
      res.redirect('/login');
    });
  });

  // Changing the language is a state change: POST with the CSRF token, like every other.
  // Signed in, the choice is also the account's: the next sign-in (another browser too) starts in it.
  router.post('/locale', publicRoute(), async (req, res) => {
    // Its page expired (csrfProtection let it through, marked): back to that page, whose switch works, saying so.
    if (res.locals.formPageExpired) {
      req.session.flash = { kind: 'info', text: req.t('common.localeNotSwitched') };
      return res.redirect(safeNext(req.body.next));
    }
    if (isLocale(req.body.locale)) {
      req.session.locale = req.body.locale;
      rememberLocale(res, req.body.locale, !!req.session.cookie.secure);
      if (req.user) await db('users').where({ id: req.user.id }).update({ locale: req.body.locale });
    }
    res.redirect(safeNext(req.body.next));
  });

  return router;
}
