import { Router } from 'express';
import type { AppContext } from '../../context';
import { authorize } from '../../middleware/authorize';
import { Action, can, CurrentUser } from '../../policies';
import { pageParams, pagination, pastLastPage, redirectKeepingFlash } from '../../presenters/paging';
import { safeLocalPath } from '../../http/safe-redirect';
import { inReadersLanguage, listInbox, markRead, type InboxItem } from '../../services/notifications';
import type { Knex } from 'knex';
import { WORKING_STATUSES } from '../../services/tickets/types';
import { clock } from '../../services/sharing/workflow';
import { canView } from '../../services/sharing/access';
import { grantState } from '../../services/sharing/grants';
import { stageRows } from '../../services/sharing/repository';

/** Links to a ticket's page, with the rule that lets a user open it. */
const TICKET_LINKS: { pattern: RegExp; action: Action }[] = [
  { pattern: /^\/tickets\/([0-9]{1,15})$/, action: 'tickets.view' },
  { pattern: /^\/reports\/tickets\/([0-9]{1,15})$/, action: 'reports.ticket' },
];

/** Where a ticket a notice is about stands now: its status (and kind, for the words) and, while it is worked on, its due day. */
interface TicketNow {
  check: string;
  status: string;
  due: string | null;
}

/**
 * A notice about a ticket that has since been reassigned to another department links to a page this user may no
 * longer open (a 403): such a notice keeps its text, loses its link and says why. A notice about a ticket the user may
 * still open says where the ticket stands now: a notice is what was sent, and its due date or "待签收" read as current
 * after an extension, a fix or a closing. One query for the page's notices.
 */
async function withTicketsNow(
  db: Knex,
  user: CurrentUser,
  items: InboxItem[],
): Promise<(InboxItem & { moved?: boolean; now?: TicketNow })[]> {
  const ticketOf = (link: string | null) => {
    for (const { pattern, action } of TICKET_LINKS) {
      const m = link ? pattern.exec(link) : null;
      if (m) return { id: Number(m[1]), action };
    }
    return null;
  };
  const ids = [...new Set(items.map((i) => ticketOf(i.link)?.id).filter((id): id is number => id !== undefined))];
  if (!ids.length) return items;
  const rows = (await db('tickets').whereIn('id', ids).select('id', 'department_code', 'check_kind', 'status', 'due_at')) as {
    id: number;
    department_code: string;
    check_kind: string;
    status: string;
    due_at: string;
  }[];
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  return items.map((item) => {
    const ticket = ticketOf(item.link);
    const row = ticket ? byId.get(ticket.id) : undefined;
    if (!ticket || !row) return item;
    if (!can(user, ticket.action, { department: row.department_code })) return { ...item, link: null, moved: true };
    const working = (WORKING_STATUSES as string[]).includes(row.status);
    return { ...item, now: { check: row.check_kind, status: row.status, due: working ? row.due_at : null } };
  });
}

/** Where a sharing request a notice is about stands now: its status and, once granted, a grant no longer in force. */
interface SharingNow {
  status: string;
  grant: string | null;
}

const SHARING_LINK = /^\/sharing\/([0-9]{1,15})$/;

/**
 * A notice about a sharing request says where the request stands now, as a ticket's does: "待您审核" read as still
 * waiting after a colleague decided, "已提交" after the request was granted, refused or withdrawn. Only for a reader
 * who may still open the request (its page's own rule); a page of notices names few requests, each read once.
 */
async function withSharingNow(
  ctx: AppContext,
  user: CurrentUser,
  items: (InboxItem & { now?: TicketNow })[],
): Promise<(InboxItem & { now?: TicketNow; sharingNow?: SharingNow })[]> {
  const idOf = (link: string | null) => {
    const m = link ? SHARING_LINK.exec(link) : null;
    return m ? Number(m[1]) : undefined;
  };
  const ids = [...new Set(items.map((i) => idOf(i.link)).filter((id): id is number => id !== undefined))];
  if (!ids.length) return items;
  const { db } = ctx;
  const { today } = await clock(ctx);
  const [requests, grants] = await Promise.all([
    db('sharing_requests').whereIn('id', ids).select('id', 'applicant_id', 'status', 'submitted_at'),
    db('sharing_grants').whereIn('request_id', ids).select('request_id', 'expires_on', 'revoked_at'),
  ]);
  const now = new Map<number, SharingNow>();
  for (const r of requests as { id: number; applicant_id: number; status: string; submitted_at: unknown }[]) {
    const request = { ...r, applicant_id: Number(r.applicant_id) };
    if (!canView(user, request, await stageRows(db, Number(r.id)), today)) continue;
    const grant = (grants as { request_id: number; expires_on: string; revoked_at: unknown }[]).find(
      (g) => Number(g.request_id) === Number(r.id),
    );
    const state = grant ? grantState(grant, today) : null;
    now.set(Number(r.id), { status: r.status, grant: state && state !== 'active' ? state : null });
  }
  return items.map((item) => {
    const id = idOf(item.link);
    const sharingNow = id === undefined ? undefined : now.get(id);
    return sharingNow ? { ...item, sharingNow } : item;
  });
}

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
      items: (await withSharingNow(ctx, req.user!, await withTicketsNow(ctx.db, req.user!, items))).map((item) =>
        inReadersLanguage(item, req.locale),
      ),
      unread,
      unreadOnly,
      newest,
      // Marking read without following a link comes back to this list page, its filter kept.
      here: req.originalUrl,
      pager: pagination(req.originalUrl, page, perPage, total),
    });
  });

  // The read buttons' address opened again after an app-wide error page (a refused CSRF token, 403): the inbox.
  router.get('/inbox/read', authorize('inbox.view'), (_req, res) => res.redirect('/inbox'));

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
