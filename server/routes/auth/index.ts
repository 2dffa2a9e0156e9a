import { Router } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { auditOrigin, completeLogin } from '../../auth/login';
import type { AppContext } from '../../context';
import { isLocale } from '../../i18n';
import { safeLocalPath } from '../../http/safe-redirect';
import { authorize, publicRoute } from '../../middleware/authorize';
import { passwordGuessLimiter } from '../../middleware/rate-limit-store';
import { appendAudit } from '../../services/audit';
import { authenticatePassword } from '../../services/users';

const safeNext = (value: unknown) => safeLocalPath(value, '/');

/** The login the sign-in form sent, as it is looked up and as the attempts are counted. */
const typedLogin = (body: unknown): string => {
  const login = (body as { login?: unknown } | undefined)?.login;
  return typeof login === 'string' ? login.trim() : '';
};

export function authRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db } = ctx;

  // Per address and login: slows guessing one account, without letting one user lock out a whole NAT.
  const loginLimiter = passwordGuessLimiter(
    db,
    'login',
    // The login as it is authenticated (trimmed): padding it with spaces must not buy fresh attempts.
    (req) => `${ipKeyGenerator(req.ip ?? '')}|${typedLogin(req.body).toLowerCase()}`,
  );

  router.get('/login', publicRoute(), (req, res) => {
    if (req.user) return res.redirect(safeNext(req.query.next));
    res.render('pages/auth/login', { title: req.t('auth.login.title'), next: safeNext(req.query.next), bare: true });
  });

  router.post('/login', publicRoute(), loginLimiter, async (req, res) => {
    const login = typedLogin(req.body);
    const password = typeof req.body.password === 'string' ? req.body.password : '';
    const next = safeNext(req.body.next);
    const fields: Record<string, string> = {};
    if (!login) fields.login = req.t('auth.login.errors.loginRequired');
    if (!password) fields.password = req.t('auth.login.errors.passwordRequired');
    const user = Object.keys(fields).length ? null : await authenticatePassword(db, login, password);
    if (!user) {
      if (!Object.keys(fields).length) {
        await appendAudit(db, {
          action: 'auth.login_failed',
          objectType: 'login',
          objectId: login.slice(0, 64),
          ...auditOrigin(req),
        });
      }
      return res.status(Object.keys(fields).length ? 422 : 401).render('pages/auth/login', {
        title: req.t('auth.login.title'),
        bare: true,
        login,
        next,
        fields,
        error: Object.keys(fields).length ? null : req.t('auth.login.errors.invalid'),
      });
    }
    await completeLogin(db, req, user, 'password');
    res.redirect(next);
  });

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
      res.redirect('/login');
    });
  });

  // Changing the language is a state change: POST with the CSRF token, like every other.
  // Signed in, the choice is also the account's: the next sign-in (another browser too) starts in it.
  router.post('/locale', publicRoute(), async (req, res) => {
    if (isLocale(req.body.locale)) {
      req.session.locale = req.body.locale;
      if (req.user) await db('users').where({ id: req.user.id }).update({ locale: req.body.locale });
    }
    res.redirect(safeNext(req.body.next));
  });

  return router;
}
