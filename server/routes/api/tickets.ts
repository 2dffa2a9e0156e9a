import { Request, Router } from 'express';
import { apiRouter } from './router';
import { auditOrigin } from '../../auth/login';
import type { AppContext } from '../../context';
import { ForbiddenError, ValidationError } from '../../errors';
import { acceptBodyKeys } from '../../http/body-keys';
import { pathId } from '../../http/path-id';
import { echoedQueryText, listQueryProblems } from '../../http/query-values';
import { authorize } from '../../middleware/authorize';
import { can } from '../../policies';
import { pageParams } from '../../presenters/paging';
import { pathSegmentShown } from '../../services/characters';
import { departmentFilter } from '../../services/department-code';
import { tableFilter } from './filters';
import { BUILTIN_CHECKS } from '../../../rules/types';
import { REPORT_CHECK } from '../../services/tickets/report-state';

/** What the list reads from its query string (README, API): another parameter is a 422 naming it. */
const TICKET_LIST_PARAMS = ['status', 'department', 'table', 'check', 'severity', 'view', 'page', 'per_page'];

/** The `check` filter's values: the built-in checks, error reports' tickets, and custom rules by their `rule:` name. */
const CHECK_FILTERS = [...BUILTIN_CHECKS, REPORT_CHECK, 'rule:<name>'];
function isCheckFilter(value: string): boolean {
  return (BUILTIN_CHECKS as readonly string[]).includes(value) || value === REPORT_CHECK || /^rule:./s.test(value);
}

/** The ticket id in the path; anything else is a ticket that does not exist, named as it was written (ticketNotFound). */
function ticketIdParam(req: Request): number {
  const id = pathId(req.params.id);
  if (Number.isNaN(id)) throw ticketNotFound(req.user, pathSegmentShown(String(req.params.id)));
  return id;
}
import { loadCurrentCatalog } from '../../services/catalog/repository';
import { closedReasonsForOutsider, disputeAnyTicket, reportTicketForOutsider } from '../../services/reports';
import { notifierFromConfig } from '../../services/notifications';
import {
  tellClosed,
  tellDispute,
  tellDisputeDismissed,
  tellExtensionDecided,
  tellExtensionRequested,
  tellReassigned,
} from '../tickets/notices';
import {
  commentTicket,
  dismissDispute,
  findTicket,
  grantExtension,
  historyForReader,
  isStatusFilter,
  isTicketView,
  listTickets,
  loadTicketCalendar,
  reassignTicket,
  recheckRequester,
  refuseExtension,
  requestExtension,
  SEVERITIES,
  ticketField,
  ticketHistory,
  TicketFilters,
  toPublicEvent,
  toPublicTicket,
  transitionTicket,
  TRANSITION_TARGETS,
  ticketNotFound,
  visibleTicket,
} from '../../services/tickets';

/**
 * Tickets API (a public contract):
 * - `GET /api/v1/tickets?status=&department=&table=&check=&severity=&view=overdue|escalated|disputed|extension&page=&per_page=`
 *   → `{items, total, page, per_page}`, items as in `hubwatch tickets list --json`, earliest due first.
 *   Without `status` every status is listed (`status=active` for open + acknowledged + fixed).
 *   A user who sees only their own department gets 403 for `department=<another>`.
 * - `GET /api/v1/tickets/:id` → the ticket plus `history`.
 * - `POST /api/v1/tickets/:id/transitions` `{"to": "acknowledged"|"fixed"|"closed", "comment": "…", "version": n?}`
 *   → 200 with the ticket; 422 bad body (names the field); 403 not allowed; 409 not allowed from the
 *   current status, or `version` is stale.
 * - `POST /api/v1/tickets/:id/extension` `{"days": 1–20, "reason": "…", "version": n?}` (the department asks for more
 *   time), `POST /api/v1/tickets/:id/extension/grant` `{"days": n?, "reason": "…"?, "version": n?}` (the days asked
 *   for or fewer; without `days`, those asked for) and `…/extension/refuse` `{"reason": "…", "version": n?}` (the IT
 *   office) → 200 with the ticket, as the ticket page's forms (services/tickets/extensions.ts), the same notices.
 * - `POST /api/v1/tickets/:id/comments` `{"comment": "…"}` (the department and the IT office),
 *   `POST /api/v1/tickets/:id/dispute` `{"reason": "…"}` (the department: not its data),
 *   `POST /api/v1/tickets/:id/dispute/dismiss` `{"reason": "…", "version": n?}` (the IT office keeps it with the
 *   department) and `POST /api/v1/tickets/:id/reassign` `{"department": "CODE", "reason": "…", "version": n?}` (the IT
 *   office) → 200 with the ticket, as the ticket page's forms (services/tickets/transitions.ts), the same notices.
 */
/** What each write route reads from its body (README, API): any other key is a 422 naming it, before anything is judged. */
const BODY_KEYS = {
  transition: acceptBodyKeys({ to: true, comment: true, version: true }),
  extension: acceptBodyKeys({ days: true, reason: true, version: true }),
  grant: acceptBodyKeys({ days: true, reason: true, version: true }),
  refuse: acceptBodyKeys({ reason: true, version: true }),
  comment: acceptBodyKeys({ comment: true }),
  dispute: acceptBodyKeys({ reason: true }),
  dismiss: acceptBodyKeys({ reason: true, version: true }),
  reassign: acceptBodyKeys({ department: true, reason: true, version: true }),
};

export function ticketsApi(ctx: AppContext): Router {
  const router = apiRouter();
  const { db } = ctx;
  const ticketCalendar = async () => (await loadTicketCalendar(db, ctx.config.timezone)).calendar;
  const today = async () => (await ticketCalendar()).today(ctx.now());
  /** A ticket as the API answers it, after a change. */
  const shown = async (ticket: Parameters<typeof toPublicTicket>[0]) =>
    toPublicTicket(ticket, await today(), (await loadCurrentCatalog(db))?.catalog);
  const recheck = recheckRequester((err) => ctx.logger.error({ err }, 're-check request failed'));

  async function filtersOf(req: Request, day: string): Promise<TicketFilters> {
    const q = req.query as Record<string, unknown>;
    const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim() : '');
    const problems = listQueryProblems(q, {
      accepted: TICKET_LIST_PARAMS,
      oneValue: ['status', 'severity', 'view', 'department', 'table', 'check'],
    });
    const f: TicketFilters = { today: day };
    if (s('status')) {
      if (isStatusFilter(s('status'))) f.status = s('status') as TicketFilters['status'];
      else problems.push({ field: 'status', key: 'tickets.errors.status', params: { value: echoedQueryText(s('status')) } });
    }
    if (s('severity')) {
      if ((SEVERITIES as string[]).includes(s('severity'))) f.severity = s('severity');
      else
        problems.push({ field: 'severity', key: 'tickets.errors.severity', params: { value: echoedQueryText(s('severity')) } });
    }
    if (s('view')) {
      if (isTicketView(s('view'))) f.view = s('view') as TicketFilters['view'];
      else problems.push({ field: 'view', key: 'tickets.errors.view', params: { value: echoedQueryText(s('view')) } });
    }
    // A check is a built-in's name, `report` or a custom rule's `rule:<name>`: another (`validity`, the scorecard's
    // word for `validate`) is a typo, said as such; it was an empty list, as if no ticket failed that check.
    if (s('check') && !isCheckFilter(s('check')))
      problems.push({
        field: 'check',
        key: 'tickets.errors.check',
        params: { value: echoedQueryText(s('check')), allowed: CHECK_FILTERS.join(req.t('common.enumSeparator')) },
      });
    // A department code in any case (`hr` is HR); one that does not exist is a typo, not a department without tickets.
    const department = await departmentFilter(db, s('department'), problems);
    if (problems.length) throw new ValidationError(problems);
    if (s('table')) f.table = tableFilter((await loadCurrentCatalog(db))?.catalog, s('table'));
    if (s('check')) f.check = s('check');
    const user = req.user!;
    if (can(user, 'tickets.viewAll')) {
      if (department) f.department = department;
    } else {
      if (department && department !== user.department) throw new ForbiddenError();
      f.department = user.department;
    }
    return f;
  }

  router.get('/tickets', authorize('tickets.list'), async (req, res) => {
    const day = await today();
    const filters = await filtersOf(req, day);
    const { page, perPage } = pageParams(req.query, 50);
    const [{ items, total }, current] = await Promise.all([
      listTickets(db, filters, { limit: perPage, offset: (page - 1) * perPage }),
      loadCurrentCatalog(db),
    ]);
    // A report ticket's closing reason as its detail shows it to readers outside the responsible department: with
    // the values its reports saw and suggested masked (a student's former name, a corrected birth date). The
    // page's reports are read at once.
    const masked = await closedReasonsForOutsider(
      db,
      items.filter(
        (t) => t.check_kind === 'report' && t.closed_reason && !can(req.user!, 'tickets.work', { department: t.department_code }),
      ),
      current?.catalog,
    );
    const shown = items.map((t) => {
      const ticket = toPublicTicket(t, day, current?.catalog);
      ticket.closed_reason = masked.get(Number(t.id)) ?? ticket.closed_reason;
      return ticket;
    });
    res.json({ items: shown, total, page, per_page: perPage });
  });

  router.get('/tickets/:id', authorize('tickets.list'), async (req, res) => {
    const ticket = visibleTicket(await findTicket(db, ticketIdParam(req)), req.user, pathSegmentShown(String(req.params.id)));
    const [history, current] = await Promise.all([ticketHistory(db, ticket.id), loadCurrentCatalog(db)]);
    const publicTicket = toPublicTicket(ticket, await today(), current?.catalog);
    // Reporters' suggested values in full only for the department that fixes the record; a report
    // ticket's texts for everyone else as the report pages show them.
    let shown = history;
    if (!can(req.user!, 'tickets.work', { department: ticket.department_code })) {
      if (ticket.check_kind === 'report') {
        const outsider = await reportTicketForOutsider(db, ticket, history, ticket.closed_reason);
        shown = outsider.history;
        publicTicket.closed_reason = outsider.closedReason;
      } else {
        shown = historyForReader(history, ticketField(current?.catalog, ticket.table_name, ticket.field_name));
      }
    }
    res.json({ ...publicTicket, history: shown.map(toPublicEvent) });
  });

  const notifier = notifierFromConfig(db, ctx.config, ctx.logger);

  router.post('/tickets/:id/transitions', authorize('tickets.list'), BODY_KEYS.transition, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    // Only `to` first (it says which action); the comment and version are judged by the service once the
    // action is possible: 404, 403 and 409 come before a 422 for what was typed (README, API).
    if (typeof body.to !== 'string' || !(TRANSITION_TARGETS as readonly string[]).includes(body.to))
      throw new ValidationError([{ field: 'to', key: 'tickets.errors.to', params: { allowed: 'acknowledged, fixed, closed' } }]);
    const ticket = await transitionTicket(db, {
      ticketId: ticketIdParam(req),
      to: body.to,
      actor: req.user!,
      comment: body.comment,
      expectedVersion: body.version,
      origin: auditOrigin(req),
      now: ctx.now(),
      requestRecheck: recheck,
    });
    // After the commit: the department hears of the IT office's close, as the ticket page's close tells it.
    if (body.to === 'closed') await tellClosed(db, notifier, ticket, ticket.closed_reason ?? '');
    res.json(await shown(ticket));
  });

  const bodyOf = (req: Request) => (req.body ?? {}) as Record<string, unknown>;

  router.post('/tickets/:id/extension', authorize('tickets.list'), BODY_KEYS.extension, async (req, res) => {
    const body = bodyOf(req);
    const ticket = await requestExtension(db, {
      ticketId: ticketIdParam(req),
      actor: req.user!,
      days: body.days,
      jsonDays: true,
      reason: body.reason,
      expectedVersion: body.version,
      origin: auditOrigin(req),
      now: ctx.now(),
    });
    await tellExtensionRequested(db, notifier, ticket, typeof body.reason === 'string' ? body.reason : '');
    res.json(await shown(ticket));
  });

  for (const decision of ['grant', 'refuse'] as const)
    router.post(`/tickets/:id/extension/${decision}`, authorize('tickets.reassign'), BODY_KEYS[decision], async (req, res) => {
      const body = bodyOf(req);
      const reason = typeof body.reason === 'string' ? body.reason : '';
      const input = {
        ticketId: ticketIdParam(req),
        actor: req.user!,
        days: body.days,
        jsonDays: true,
        reason: body.reason,
        calendar: await ticketCalendar(),
        expectedVersion: body.version,
        origin: auditOrigin(req),
        now: ctx.now(),
      };
      const decided = decision === 'grant' ? await grantExtension(db, input) : await refuseExtension(db, input);
      await tellExtensionDecided(db, notifier, { ...decided, granted: decision === 'grant' }, reason);
      res.json(await shown(decided.ticket));
    });

  router.post('/tickets/:id/comments', authorize('tickets.list'), BODY_KEYS.comment, async (req, res) => {
    const ticket = await commentTicket(db, {
      ticketId: ticketIdParam(req),
      actor: req.user!,
      comment: bodyOf(req).comment,
      origin: auditOrigin(req),
      now: ctx.now(),
    });
    res.json(await shown(ticket));
  });

  router.post('/tickets/:id/dispute', authorize('tickets.list'), BODY_KEYS.dispute, async (req, res) => {
    const { reason } = bodyOf(req);
    // A report ticket's "not ours" is also the department's answer to the report, as on its answer page.
    const ticket = await disputeAnyTicket(db, {
      ticketId: ticketIdParam(req),
      actor: req.user!,
      reason,
      origin: auditOrigin(req),
      now: ctx.now(),
    });
    // `reason` is a string here: the service refused any other type.
    await tellDispute(db, notifier, ticket, reason as string);
    res.json(await shown(ticket));
  });

  router.post('/tickets/:id/dispute/dismiss', authorize('tickets.reassign'), BODY_KEYS.dismiss, async (req, res) => {
    const { reason, version } = bodyOf(req);
    const ticket = await dismissDispute(db, {
      ticketId: ticketIdParam(req),
      actor: req.user!,
      reason,
      calendar: await ticketCalendar(),
      expectedVersion: version,
      origin: auditOrigin(req),
      now: ctx.now(),
    });
    await tellDisputeDismissed(db, notifier, ticket, reason as string);
    res.json(await shown(ticket));
  });

  router.post('/tickets/:id/reassign', authorize('tickets.reassign'), BODY_KEYS.reassign, async (req, res) => {
    const { department, reason, version } = bodyOf(req);
    const ticket = await reassignTicket(db, {
      ticketId: ticketIdParam(req),
      actor: req.user!,
      department,
      reason,
      calendar: await ticketCalendar(),
      expectedVersion: version,
      origin: auditOrigin(req),
      now: ctx.now(),
    });
    await tellReassigned(db, notifier, ticket, reason as string);
    res.json(await shown(ticket));
  });

  return router;
}
