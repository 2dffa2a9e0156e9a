import { Router } from 'express';
import type { AppContext } from '../../context';
import { authorize } from '../../middleware/authorize';
import { pageParams, pagination, pastLastPage, redirectKeepingFlash } from '../../presenters/paging';
import { safeLocalPath } from '../../http/safe-redirect';
import { inReadersLanguage, listInbox, markRead } from '../../services/notifications';

/** Every user's in-app notifications; a user only ever sees and marks their own. */
export function inboxRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/inbox', authorize('inbox.view'), async (req, res) => {
    const { page, perPage } = pageParams(req.query, 30);
    const unreadOnly = req.query.unread === '1';
    const { items, total, unread, newest } = await listInbox(ctx.db, req.user!.id, {
      limit: perPage,
      offset: (page - 1) * perPage,
      unreadOnly,
    });
    const last = pastLastPage(req.originalUrl, page, perPage, total);
    if (last) return redirectKeepingFlash(req, res, last);
    res.render('pages/inbox/index', {
      title: req.t('notifications.title'),
      items: items.map((item) => inReadersLanguage(item, req.locale)),
      unread,
      unreadOnly,
      newest,
      // Marking read without following a link comes back to this list page, its filter kept.
      here: req.originalUrl,
      pager: pagination(req.originalUrl, page, perPage, total),
    });
  });

  router.post('/inbox/read', authorize('inbox.view'), async (req, res) => {
    const id = req.body.id === undefined || req.body.id === 'all' ? null : Number(req.body.id);
    // "Mark all" marks the notices the page was shown with: one that arrived since stays unread.
    const upTo = typeof req.body.up_to === 'string' && /^[0-9]{1,15}$/.test(req.body.up_to) ? Number(req.body.up_to) : undefined;
    if (id === null || Number.isSafeInteger(id)) await markRead(ctx.db, req.user!.id, id, ctx.now(), upTo);
    // Follow the notice's link when it was a click on one; only local paths, never an open redirect.
    const next = safeLocalPath(req.body.next, '/inbox');
    res.redirect(next);
  });
  return router;
}
