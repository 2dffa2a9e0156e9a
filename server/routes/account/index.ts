import { Request, Response, Router } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { auditOrigin } from '../../auth/login';
import type { AppContext } from '../../context';
import { ValidationError } from '../../errors';
import { authorize } from '../../middleware/authorize';
import { fieldMessages } from '../../middleware/errors';
import { passwordGuessLimiter } from '../../middleware/rate-limit-store';
import { changeOwnPassword, findUserById } from '../../services/users';
import { MIN_PASSWORD_LENGTH } from '../../services/users/passwords';

/** The signed-in user's own account: changing their password. */
export function accountRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db } = ctx;

  // Wrong current passwords are counted per account (and address), as sign-in failures are: a session
  // left open must not let anyone guess the password behind it.
  const passwordLimiter = passwordGuessLimiter(
    db,
    'password-change',
    (req) => `${ipKeyGenerator(req.ip ?? '')}|${req.user?.id ?? ''}`,
    // Only a wrong current password counts: a new one too short or unchanged is a typing mistake, not a guess.
    (_req, res) => !!res.locals.wrongCurrentPassword,
  );

  async function passwordPage(req: Request, res: Response, fields?: Record<string, string>) {
    const row = await findUserById(db, req.user!.id);
    res.status(fields ? 422 : 200).render('pages/account/password', {
      title: req.t('auth.password.title'),
      sso: !row?.password_hash,
      min: MIN_PASSWORD_LENGTH,
      fields: fields ?? {},
    });
  }

  router.get('/account/password', authorize('session.use'), (req, res) => passwordPage(req, res));

  router.post('/account/password', authorize('session.use'), passwordLimiter, async (req, res) => {
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    try {
      const { sessionsEnded, sessionEpoch } = await changeOwnPassword(
        db,
        req.user!,
        {
          current: text(req.body.current_password),
          next: text(req.body.new_password),
          // The page's form always sends the repetition; a script posting without it is not asked for one.
          confirm: req.body.new_password_confirm === undefined ? undefined : text(req.body.new_password_confirm),
        },
        req.sessionID,
        auditOrigin(req),
      );
      // This session stays: it takes the account's new session generation, the others are signed out.
      req.session.sessionEpoch = sessionEpoch;
      req.session.flash = { kind: 'success', text: req.t('auth.password.done', { count: sessionsEnded }) };
      res.redirect('/account/password');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res.locals.wrongCurrentPassword = err.fields.some((f) => f.key === 'users.errors.currentPassword');
      await passwordPage(req, res, fieldMessages(err, req));
    }
  });

  return router;
}
