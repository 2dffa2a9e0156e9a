import { NextFunction, Request, Response, Router } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { auditOrigin } from '../../auth/login';
import type { AppContext } from '../../context';
import { TooManyRequestsError, ValidationError } from '../../errors';
import { authorize } from '../../middleware/authorize';
import { fieldMessages } from '../../middleware/errors';
import { lockMinutesLeft, passwordGuessLimiter } from '../../middleware/rate-limit-store';
import { changeOwnPassword, findUserById } from '../../services/users';
import { MIN_PASSWORD_LENGTH } from '../../services/users/passwords';

/** The signed-in user's own account: changing their password. */
export function accountRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db } = ctx;

  // Wrong current passwords are counted per account (and address), as sign-in failures are: a session
  // left open must not let anyone guess the password behind it. The session's generation is part of the key, as the
  // account's is of sign-in's: an administrator's reset ends the sessions, and the user signed in with the new password
  // starts a fresh count (it took them 15 minutes to be allowed to set their own).
  const passwordLimiter = passwordGuessLimiter(
    db,
    'password-change',
    (req) => `${ipKeyGenerator(req.ip ?? '')}|${req.user?.id ?? ''}|${req.session.sessionEpoch ?? 0}`,
    // Only a wrong current password counts: a new one too short or unchanged is a typing mistake, not a guess.
    (_req, res) => !!res.locals.wrongCurrentPassword,
  );

  async function passwordPage(req: Request, res: Response, fields?: Record<string, string>, status = fields ? 422 : 200) {
    const row = await findUserById(db, req.user!.id);
    res.status(status).render('pages/account/password', {
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
      // "0 个其他会话已结束" told of sessions nobody had: with none, the change alone.
      const done = sessionsEnded > 0 ? 'auth.password.done' : 'auth.password.doneAlone';
      req.session.flash = { kind: 'success', text: req.t(done, { count: sessionsEnded }) };
      res.redirect('/account/password');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res.locals.wrongCurrentPassword = err.fields.some((f) => f.key === 'users.errors.currentPassword');
      await passwordPage(req, res, fieldMessages(err, req));
    }
  });

  // Locked (too many wrong current passwords): the form again, the message at the current password saying for how long
  // and what else to do — not a bare error page.
  router.use('/account/password', async (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof TooManyRequestsError) || req.method !== 'POST') return next(err);
    const minutes = lockMinutesLeft(req);
    try {
      await passwordPage(req, res, { current_password: req.t('auth.password.locked', { minutes }) }, 429);
    } catch (pageError) {
      next(pageError);
    }
  });

  return router;
}
