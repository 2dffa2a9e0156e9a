import { Request, Response, Router } from 'express';
import { auditActor, auditOrigin } from '../../auth/login';
import type { AppContext } from '../../context';
import { AlreadyDoneError, AppError, ConflictError, ForbiddenError, ValidationError } from '../../errors';
import { pathId, pathIdOr404 } from '../../http/path-id';
import { authorize } from '../../middleware/authorize';
import { safeLocalPath } from '../../http/safe-redirect';
import { fieldMessages } from '../../middleware/errors';
import { shownAsBrowserShows } from '../../middleware/body-safety';
import { can } from '../../policies';
import { pageParams, pagination, pastLastPage, redirectKeepingFlash } from '../../presenters/paging';
import { isTableVerdict } from '../../presenters/check-label';
import { boxName, summaryLine, type SummaryLine } from '../../presenters/error-summary';
import { checkTrendChart } from '../../presenters/check-trend';
import { isBlankKey, withVisibleEdges } from '../../presenters/sample-keys';
import { ticketRule } from '../catalog/present';
import { appendAudit } from '../../services/audit';
import { auditTrailLink } from '../../presenters/audit';
import { loadCurrentCatalog } from '../../services/catalog/repository';
import { keyColumnOrder } from '../../services/catalog/record-key';
import { notifierFromConfig } from '../../services/notifications';
import { reportTicketForOutsider } from '../../services/reports';
import {
  WEBHOOK_URL_MAX,
  webhookUrlProblem,
  webhookUrlVersion,
  type WebhookUrlProblem,
} from '../../services/notifications/webhook';
import {
  ACTIVE_STATUSES,
  commentTicket,
  dismissDispute,
  disputeSettled,
  disputeTicket,
  dueWorkingDaysVersion,
  filterChoices,
  findTicket,
  grantExtension,
  listTickets,
  MAX_EXTENSION_DAYS,
  loadDueWorkingDays,
  loadTicketCalendar,
  reassignTicket,
  recheckRequester,
  refuseExtension,
  requestExtension,
  saveDueWorkingDays,
  SEVERITIES,
  ticketHistory,
  toReadersTicket,
  transitionTicket,
  TRANSITION_TARGETS,
  TICKET_VIEWS,
  type TicketView,
  visibleTicket,
} from '../../services/tickets';
import { closedReasonIn } from '../../services/tickets/closed-reason';
import { sentFormVersion } from '../../services/form-version';
import {
  tellClosed,
  tellDispute,
  tellDisputeDismissed,
  tellExtensionDecided,
  tellExtensionRequested,
  tellReassigned,
} from './notices';
import {
  actionsFor,
  checkLabel,
  conflictMessage,
  filtersFrom,
  menuOptions,
  STATUS_CHOICES,
  tableLabel,
  withNotes,
} from './presenter';

declare module 'express-session' {
  interface SessionData {
    /** The ticket list page last shown (path with its query) and the tickets on it: see `cameFromList`. */
    ticketList?: { path: string; ids: number[] };
  }
}

/**
 * Where an action taken from a list returns: the list page itself with its query (page, filters) —
 * `value` only when it is a path on this site (`safeLocalPath`: never an open redirect) and exactly
 * that list's path, `list` or `list?…`. Anything else is null: the caller falls back to its usual page.
 */
export function listReturnPath(value: unknown, list: string): string | null {
  const path = safeLocalPath(value, '');
  if (!path || path.length > 2000 || !path.startsWith(list)) return null;
  const rest = path.slice(list.length);
  return (rest === '' || rest.startsWith('?')) && !rest.includes('#') ? path : null;
}

/** Each view's name in the links above the list. */
const VIEW_LABELS: Record<TicketView, string> = {
  overdue: 'tickets.list.viewOverdue',
  escalated: 'tickets.list.viewEscalated',
  disputed: 'tickets.list.viewDisputed',
  extension: 'tickets.list.viewExtension',
};

/**
 * The view links above the list: all tickets, then the views. The IT office gets every view; a department gets them
 * only when it came by one (a notice's link, 【逾期】 → ?view=overdue), and then only that one beside 全部工单 — or
 * the list read as all of its tickets under 待处理, the filter form carrying the view on.
 */
function viewLinks(t: (key: string) => string, current: TicketView | undefined, office: boolean) {
  const views = office ? TICKET_VIEWS : TICKET_VIEWS.filter((v) => v === current);
  if (views.length === 0) return [];
  return [
    { view: null, label: t('tickets.list.viewAll'), active: !current },
    ...views.map((v) => ({ view: v, label: t(VIEW_LABELS[v]), active: v === current })),
  ];
}

/** The most tickets one bulk acknowledge takes: the most a list page shows (`pageParams`). */
const BULK_ACKNOWLEDGE_MAX = 200;

/** The settings page's message for each reason a robot address is refused (webhookUrlProblem). */
const WEBHOOK_MESSAGES: Record<WebhookUrlProblem, string> = {
  https: 'tickets.settings.errors.webhook',
  space: 'tickets.settings.errors.webhookSpace',
  invalid: 'tickets.settings.errors.webhookInvalid',
  length: 'tickets.settings.errors.webhookLength',
  host: 'tickets.settings.errors.webhookHost',
};

/** The working-day calendar as the ticket page uses it (loadTicketCalendar's). */
type TicketPageCalendar = Awaited<ReturnType<typeof loadTicketCalendar>>['calendar'];

interface Department {
  code: string;
  name: string;
}

/** The id prefix of each action form's inputs and messages in show.hbs, by the form sent (`sent`). */
const ACTION_ERROR_PREFIX: Record<string, string> = {
  fixed: 'fix',
  dispute: 'dispute',
  extension: 'extension',
  grant: 'grant',
  refuse: 'refuse',
  reassign: 'reassign',
  dismiss: 'dismiss',
  closed: 'close',
  comment: '',
};

/**
 * Which of the page's forms each sent form is (`sent`, as ACTION_ERROR_PREFIX) and the field its text was typed in
 * (its box: actionBoxId): a conflict (409) keeps that text in its form, or — the form gone from the page, the decision
 * taken in another tab — below the message, to copy (`unsent`).
 */
const SENT_FORMS: Record<string, { action: keyof ReturnType<typeof actionsFor>; field: 'reason' | 'comment' }> = {
  fixed: { action: 'fix', field: 'comment' },
  dispute: { action: 'dispute', field: 'reason' },
  extension: { action: 'requestExtension', field: 'reason' },
  grant: { action: 'decideExtension', field: 'reason' },
  refuse: { action: 'decideExtension', field: 'reason' },
  reassign: { action: 'reassign', field: 'reason' },
  dismiss: { action: 'dismissDispute', field: 'reason' },
  closed: { action: 'close', field: 'comment' },
  comment: { action: 'comment', field: 'comment' },
};

/**
 * The id in show.hbs of the box a sent action's `field` was typed in: the action's prefix and the field (fix-comment,
 * grant-reason); the ticket's own fields (`to`, `version`) and an unknown action's are the ticket's (ticket-to).
 */
function actionBoxId(sent: string, field: string): string {
  const prefix = ACTION_ERROR_PREFIX[sent];
  if (field === 'to' || field === 'version' || prefix === undefined) return `ticket-${field}`;
  // The close form's note is its reason to the reader (id close-reason), though sent as `comment`.
  return `${prefix ? `${prefix}-` : ''}${sent === 'closed' && field === 'comment' ? 'reason' : field}`;
}

/**
 * The name of each box of the action forms in show.hbs, by its id: the box's label starts with it (延期理由（必填，…）),
 * and the page's error summary names the box with it (延期理由：最多 2000 个字符), as the error page names a field
 * (errors.labelColon). Several boxes are a `reason`: the field's name alone does not say which. The ticket's own
 * messages (`to`, `version`: ids ticket-…) are about no box and say what they are about.
 */
const BOX_NAMES: Record<string, string> = {
  'fix-comment': 'tickets.boxes.fixComment',
  'dispute-reason': 'tickets.boxes.disputeReason',
  'extension-days': 'tickets.boxes.extensionDays',
  'extension-reason': 'tickets.boxes.extensionReason',
  'grant-days': 'tickets.boxes.grantDays',
  'grant-reason': 'tickets.boxes.grantReason',
  'refuse-reason': 'tickets.boxes.refuseReason',
  'reassign-department': 'tickets.boxes.reassignDepartment',
  'reassign-reason': 'tickets.boxes.reassignReason',
  'dismiss-reason': 'tickets.boxes.dismissReason',
  'close-reason': 'tickets.boxes.closeReason',
  comment: 'tickets.boxes.comment',
};

/** The ticket page's forms, by the address each posts to under /tickets/:id/. */
const TICKET_FORM_ACTIONS = [
  'transition',
  'comment',
  'dispute',
  'dispute/dismiss',
  'extension',
  'extension/grant',
  'extension/refuse',
  'reassign',
] as const;

/** The department queue, the ticket page with its actions, and the IT office's ticket settings. */
export function ticketsRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db } = ctx;
  const today = async () => (await loadTicketCalendar(db, ctx.config.timezone)).calendar.today(ctx.now());
  const origin = (req: Request) => auditOrigin(req);
  const recheck = recheckRequester((err) => ctx.logger.error({ err }, 're-check request failed'));
  const notifier = notifierFromConfig(db, ctx.config, ctx.logger);

  router.get('/tickets', authorize('tickets.list'), async (req, res) => {
    const { page, perPage } = pageParams(req.query, 25);
    const day = await today();
    const catalog = await loadCurrentCatalog(db);
    const { filters, form } = await filtersFrom(req, day, db, catalog?.catalog);
    const viewAll = can(req.user!, 'tickets.viewAll');
    // Over all tickets the menus include the departments (one query with the menus' cache check).
    const [{ items, total }, choices, own] = await Promise.all([
      listTickets(db, filters, { limit: perPage, offset: (page - 1) * perPage }),
      filterChoices(db, viewAll ? undefined : req.user!.department),
      viewAll
        ? undefined
        : (db('departments').where({ code: req.user!.department }).first('code', 'name') as Promise<Department>),
    ]);
    const last = pastLastPage(req.originalUrl, page, perPage, total);
    if (last) return redirectKeepingFlash(req, res, last);
    // The ticket page sends the IT office's triage actions back here when the ticket was on this page.
    const path = listReturnPath(req.originalUrl, '/tickets');
    if (path) req.session.ticketList = { path, ids: items.map((t) => Number(t.id)) };
    const departments = viewAll ? (choices.departments ?? []) : [];
    // The department column names departments as the ticket page does; a code no department has stays a code.
    const names = new Map([...departments, ...(own ? [own] : [])].map((d) => [d.code, d.name]));
    const tickets = items.map((t) => ({
      ...toReadersTicket(t, day, req.locale, catalog?.catalog),
      departmentName: names.get(t.department_code) ?? t.department_code,
      // Freshness and a catalog rule are one verdict on the whole table (1 violation of 1 "row"): not 1 bad record.
      tableVerdict: isTableVerdict(t.check_kind, t.field_name),
      canAcknowledge: t.status === 'open' && can(req.user!, 'tickets.work', { department: t.department_code }),
    }));
    res.render('pages/tickets/list', {
      title: req.t('tickets.list.title'),
      tickets,
      // The bulk form's checkboxes and button only where a row can be ticked (not for the IT office or a leader).
      bulkAcknowledge: tickets.some((t) => t.canAcknowledge),
      form,
      viewAll,
      isOffice: can(req.user!, 'tickets.close'),
      viewLinks: viewLinks(req.t, form.view as TicketView | undefined, can(req.user!, 'tickets.close')),
      departments: [
        ...departments.map((d) => ({ ...d, selected: d.code === form.department })),
        // A department the menu lacks (an old link) is still the filter applied: shown chosen, not （全部）.
        ...(viewAll && form.department && !departments.some((d) => d.code === form.department)
          ? [{ code: form.department, name: form.department, selected: true }]
          : []),
      ],
      statuses: STATUS_CHOICES,
      severities: SEVERITIES,
      // The menus' values are the codes the filter takes; their labels what the table shows.
      choices: {
        tables: menuOptions(choices.tables, form.table, {
          key: `v${catalog?.versionId ?? 0}`,
          label: (name) => tableLabel(catalog?.catalog, name),
        }),
        checks: menuOptions(choices.checks, form.check, { key: req.locale, label: (kind) => checkLabel(req.t, kind) }),
      },
      pager: pagination(req.originalUrl, page, perPage, total),
    });
  });

  // A sent-back form stands at its POST address: a reload without resending, or the address opened again, is the page
  // the form is on (it was a 404 — "工单 #acknowledge 不存在" for the list's). The pages authorize their readers.
  router.get('/tickets/acknowledge', authorize('tickets.list'), (_req, res) => res.redirect('/tickets'));
  router.get('/tickets/settings/webhook', authorize('tickets.settings'), (_req, res) => res.redirect('/tickets/settings'));
  for (const action of TICKET_FORM_ACTIONS)
    router.get(`/tickets/:id/${action}`, authorize('tickets.list'), (req, res) =>
      res.redirect(`/tickets/${pathIdOr404(req.params.id)}`),
    );

  // Bulk acknowledge: each ticket goes through the service on its own. A ticket already acknowledged is
  // counted as such (nothing changed, as for one ticket); the ones this user may not acknowledge, or that
  // moved on meanwhile, as skipped. Nothing chosen is an error: nothing to do.
  router.post('/tickets/acknowledge', authorize('tickets.list'), async (req, res) => {
    const back = listReturnPath(req.body.back, '/tickets') ?? '/tickets';
    const ids = ([] as unknown[])
      .concat(req.body.ids ?? [])
      .map((v) => Number(v))
      .filter((n) => Number.isSafeInteger(n) && n > 0);
    if (ids.length === 0) {
      req.session.flash = { kind: 'error', text: req.t('tickets.list.bulk.none') };
      return res.redirect(back);
    }
    // A page lists at most 200 tickets: more ids come from no form of ours, and each is a transaction.
    const chosen = [...new Set(ids)];
    if (chosen.length > BULK_ACKNOWLEDGE_MAX) {
      req.session.flash = {
        kind: 'error',
        text: req.t('tickets.list.bulk.tooMany', { max: BULK_ACKNOWLEDGE_MAX, count: chosen.length }),
      };
      return res.redirect(back);
    }
    let done = 0;
    const already: number[] = [];
    for (const ticketId of chosen) {
      try {
        await transitionTicket(db, { ticketId, to: 'acknowledged', actor: req.user!, origin: origin(req), now: ctx.now() });
        done++;
      } catch (err) {
        if (err instanceof AlreadyDoneError) already.push(ticketId);
        else if (!(err instanceof AppError)) throw err;
      }
    }
    const skipped = chosen.length - done - already.length;
    const parts = [
      done > 0 ? req.t('tickets.list.bulk.done', { count: done }) : null,
      already.length > 0
        ? req.t('tickets.list.bulk.already', {
            count: already.length,
            ids: already.map((id) => `#${id}`).join(req.t('tickets.list.bulk.idSeparator')),
          })
        : null,
      skipped > 0 ? req.t('tickets.list.bulk.skipped', { count: skipped }) : null,
    ].filter((x): x is string => x !== null);
    req.session.flash = {
      kind: skipped === 0 && already.length === 0 ? 'success' : 'info',
      text: parts.join(req.t('tickets.list.bulk.separator')),
    };
    res.redirect(back);
  });

  async function settingsPage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const [days, departments] = await Promise.all([
      loadDueWorkingDays(db),
      db('departments').orderBy('code').select('code', 'name', 'webhook_url'),
    ]);
    const typed = (extra.webhookForm ?? {}) as Record<string, string>;
    res.status(status).render('pages/tickets/settings', {
      title: req.t('tickets.settings.title'),
      days,
      // The days the form was opened with (a form sent back with a mistake keeps those it was opened with: extra).
      editedFrom: dueWorkingDaysVersion(days),
      severities: SEVERITIES,
      errorSummary: settingsSummary(req, extra),
      ...extra,
      // Each robot address as its row's form was opened with it (a row sent back with a mistake keeps the one it was
      // sent with).
      departments: departments.map((d) => ({
        ...d,
        // The address in its box: a row sent back (a mistake, or refused as stale) shows what was typed, an emptied box
        // too (the address set now is in the message), else the address set.
        shownUrl: Object.hasOwn(typed, d.code) ? typed[d.code] : ((d.webhook_url as string | null) ?? ''),
        editedFrom: (extra.webhookEditedFrom as Record<string, string> | undefined)?.[d.code] ?? webhookUrlVersion(d.webhook_url),
      })),
    });
  }

  /**
   * The refused form's messages at the top of the page, each linking to its box: a department's robot address is a row
   * of a table as long as the catalog's departments, its message a screen or more below where the page comes back.
   */
  function settingsSummary(req: Request, extra: Record<string, unknown>): SummaryLine[] {
    const fields = (extra.fields ?? {}) as Record<string, string>;
    const lines = SEVERITIES.filter((severity) => fields[severity]).map((severity) =>
      summaryLine(
        req.t,
        `days-${severity}-error`,
        boxName(req.t('tickets.settings.dueDays')) +
          req.t('common.inParentheses', { text: req.t(`tickets.severity.${severity}`) }),
        fields[severity],
      ),
    );
    const webhookErrors = (extra.webhookErrors ?? {}) as Record<string, string>;
    for (const [code, message] of Object.entries(webhookErrors))
      lines.push(summaryLine(req.t, `webhook-${code}-error`, `${req.t('tickets.settings.webhookUrl')} ${code}`, message));
    if (typeof extra.webhookError === 'string') lines.push({ anchor: 'webhook-error', message: extra.webhookError });
    return lines;
  }

  router.get('/tickets/settings', authorize('tickets.settings'), (req, res) => settingsPage(req, res));

  router.post('/tickets/settings', authorize('tickets.settings'), async (req, res) => {
    // The days the form was opened with: saved by someone else since (another officer, another tab), nothing is saved.
    const editedFrom = sentFormVersion(req.body);
    let changed: boolean;
    try {
      ({ changed } = await saveDueWorkingDays(db, req.body, auditActor(req), origin(req), editedFrom));
    } catch (err) {
      if (err instanceof ConflictError) {
        // The page again, what was typed in its boxes, the days saved meanwhile in the message to compare; the form now
        // carries those, so saving it again is a choice made seeing them.
        const now = await loadDueWorkingDays(db);
        const current = SEVERITIES.map((s) =>
          req.t('tickets.settings.staleDays', { severity: req.t(`tickets.severity.${s}`), count: now[s] }),
        ).join(req.t('common.enumSeparator'));
        res.locals.flash = { kind: 'error', text: req.t(err.messageKey, { ...err.params, current }) };
        return settingsPage(req, res, { days: req.body }, 409);
      }
      if (!(err instanceof ValidationError)) throw err;
      return settingsPage(
        req,
        res,
        { days: req.body, fields: fieldMessages(err, req), ...(editedFrom !== undefined ? { editedFrom } : {}) },
        422,
      );
    }
    req.session.flash = changed
      ? { kind: 'success', text: req.t('tickets.settings.saved') }
      : { kind: 'info', text: req.t('tickets.settings.unchanged') };
    res.redirect('/tickets/settings');
  });

  router.post('/tickets/settings/webhook', authorize('tickets.settings'), async (req, res) => {
    const code = String(req.body.department ?? '');
    const url = String(req.body.webhook_url ?? '').trim();
    const department = code ? await db('departments').where({ code }).first('code', 'name', 'webhook_url') : undefined;
    // Each row's form names its department: none, or one that is gone, is a stale or crafted form.
    if (!department) {
      const message = code
        ? req.t('tickets.errors.department', { value: code })
        : req.t('tickets.errors.webhookDepartmentRequired');
      return settingsPage(req, res, { webhookError: message }, 422);
    }
    const problem = url ? webhookUrlProblem(url) : null;
    if (problem) {
      const message = req.t(WEBHOOK_MESSAGES[problem], { max: WEBHOOK_URL_MAX, length: url.length });
      const sent = sentFormVersion(req.body);
      return settingsPage(
        req,
        res,
        {
          webhookErrors: { [code]: message },
          webhookForm: { [code]: url },
          ...(sent !== undefined ? { webhookEditedFrom: { [code]: sent } } : {}),
        },
        422,
      );
    }
    const named = department.name + req.t('common.inParentheses', { text: code });
    // The address the row's form was opened with: set otherwise since (another officer, another tab), nothing is saved.
    const editedFrom = sentFormVersion(req.body);
    const outcome = await db.transaction(async (trx) => {
      // The department's row locked: two saves of its address at once take turns, the second seeing the first's.
      const row = await trx('departments').where({ code }).forUpdate().first('webhook_url');
      const before = (row?.webhook_url as string | null | undefined) ?? null;
      // The same address sent again: nothing written, no audit row (it said "saved" and logged a change of nothing).
      if ((before ?? '') === url) return 'unchanged';
      if (editedFrom !== undefined && editedFrom !== webhookUrlVersion(before)) return 'stale';
      await trx('departments')
        .where({ code })
        .update({ webhook_url: url || null });
      // The URL carries the robot's key: the audit log records only whether one is set.
      await appendAudit(trx, {
        actor: auditActor(req),
        action: 'department.webhook',
        objectType: 'department',
        objectId: code,
        summary: { before: { set: !!before }, after: { set: !!url } },
        ...origin(req),
      });
      return 'saved';
    });
    if (outcome === 'unchanged') {
      req.session.flash = { kind: 'info', text: req.t('tickets.settings.webhookUnchanged', { department: named }) };
      return res.redirect('/tickets/settings');
    }
    if (outcome === 'stale') {
      // The page again, the address typed in its row, the one set meanwhile in the message to compare.
      const now = (await db('departments').where({ code }).first('webhook_url'))?.webhook_url as string | null | undefined;
      res.locals.flash = {
        kind: 'error',
        text: req.t('tickets.settings.webhookStale', {
          department: named,
          current: now || req.t('tickets.settings.webhookNone'),
        }),
      };
      return settingsPage(req, res, { webhookForm: { [code]: url } }, 409);
    }
    req.session.flash = { kind: 'success', text: req.t('tickets.settings.webhookSaved', { department: named }) };
    res.redirect('/tickets/settings');
  });

  async function loadVisible(req: Request) {
    return visibleTicket(await findTicket(db, pathId(req.params.id)), req.user, String(req.params.id));
  }

  /**
   * The list this ticket page was opened from: the list page last shown in this session, when the
   * ticket was on it (a ticket opened from the inbox or a link has none). A re-rendered form keeps
   * the one it was sent with.
   */
  function cameFromList(req: Request, ticketId: number): string | null {
    const sent = listReturnPath(req.body?.back, '/tickets');
    if (sent) return sent;
    const list = req.session.ticketList;
    return list && list.ids.includes(ticketId) ? listReturnPath(list.path, '/tickets') : null;
  }

  async function ticketPage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const [ticket, { calendar }, current] = await Promise.all([
      loadVisible(req),
      loadTicketCalendar(db, ctx.config.timezone),
      loadCurrentCatalog(db),
    ]);
    const t = toReadersTicket(ticket, calendar.today(ctx.now()), req.locale, current?.catalog);
    // One department query: all of them when the user may reassign (the others fill the menu), else its own.
    const reassign = can(req.user!, 'tickets.reassign');
    const [events, rows, settled] = await Promise.all([
      ticketHistory(db, ticket.id),
      (reassign ? db('departments') : db('departments').where({ code: ticket.department_code }))
        .orderBy('code')
        .select('code', 'name') as Promise<{ code: string; name: string }[]>,
      disputeSettled(db, ticket),
    ]);
    // Reporters' descriptions with their ID numbers and phones in full only for the department that fixes the record;
    // everyone else reads a report ticket's texts as the report pages show them.
    let history = events;
    if (ticket.check_kind === 'report' && !can(req.user!, 'tickets.work', { department: ticket.department_code })) {
      const outsider = await reportTicketForOutsider(db, ticket, events, ticket.closed_reason);
      history = outsider.history;
      t.closed_reason = closedReasonIn(outsider.closedReason, req.locale);
    }
    // Reassignments name their departments: those the menu did not load already.
    const names = new Map(rows.map((d) => [d.code, d.name]));
    const named = history
      .filter((e) => e.kind === 'reassigned')
      .flatMap((e) => [e.details?.from_department, e.details?.to_department])
      .filter((c): c is string => typeof c === 'string' && !names.has(c));
    if (named.length)
      for (const d of await db('departments')
        .whereIn('code', [...new Set(named)])
        .select('code', 'name'))
        names.set(d.code, d.name);
    const department = rows.find((d) => d.code === ticket.department_code);
    const departments = reassign ? rows.filter((d) => d.code !== ticket.department_code) : [];
    // The table, field and key columns by the catalog's titles (the names beside them), as the catalog pages do.
    const table = current?.catalog.tables.find((x) => x.name === ticket.table_name);
    // The key's columns as the catalog declares them (学号, 课程, 学期), not as jsonb returns them (term first).
    const sampleColumns = keyColumnOrder(
      table,
      t.sample_keys.flatMap((k) => Object.keys(k)),
    );
    const titleOf = (name: string | null) => (name ? (table?.fields.find((f) => f.name === name)?.title ?? null) : null);
    // A row whose key is all blank says （主键为空）, as the run page does, instead of empty cells.
    const samples = t.sample_keys.map((k) => ({
      blank: isBlankKey(k),
      values: sampleColumns.map((c) => withVisibleEdges(k[c])),
    }));
    const actions = actionsFor(req.user!, t, { disputeSettled: settled });
    res.status(status).render('pages/tickets/show', {
      unsent: status === 409 ? unsentText(req.t, extra, actions) : null,
      title: req.t('tickets.show.title', { id: t.id }),
      ticket: t,
      extension: extensionShown(calendar, t, actions.decideExtension, calendar.today(ctx.now())),
      department,
      history: withNotes(req.t, history, { departments: names, runLinks: can(req.user!, 'runs.view') }),
      tableTitle: table?.title ?? null,
      fieldTitle: titleOf(ticket.field_name),
      // Where the rule is written (the field's row of the catalog page) and the rule itself, for the steward to read.
      catalogLink: table
        ? `/catalog/tables/${encodeURIComponent(table.name)}${ticket.field_name ? `#field-${encodeURIComponent(ticket.field_name)}` : ''}`
        : null,
      rule: table && current ? ticketRule(current.catalog, table, ticket.field_name, t.check, req.locale, req.t) : null,
      // The check's trend (where its points come from, what it plots) as the table page draws it.
      trend: checkTrendChart(req.t, ticket.table_name, t.check, ticket.field_name),
      sampleColumns: sampleColumns.map((name) => ({ name, title: titleOf(name) })),
      samples,
      // Every sample's key is blank (the missing value is the key itself, e.g. 职工号 not yet filled in): rows of
      // （主键为空） tell the steward nothing; the page says what to look for instead.
      blankKeyColumns:
        samples.length && samples.every((row) => row.blank)
          ? sampleColumns.map((name) => titleOf(name) ?? name).join(req.t('common.enumSeparator'))
          : null,
      actions,
      // The report page's link says what this reader can do there: answer (the department) or read.
      // Answered only while active: a closed or resolved ticket's reports are read (its last report withdrawn, say).
      canAnswerReport:
        t.check === 'report' &&
        ACTIVE_STATUSES.includes(ticket.status) &&
        can(req.user!, 'reports.answer', { department: ticket.department_code }),
      departments,
      // 审计记录: the audit log's rows about this ticket, for those who read the log.
      auditTrail: auditTrailLink(req.user, 'ticket', ticket.id),
      back: cameFromList(req, ticket.id),
      form: {},
      ...extra,
    });
  }

  /**
   * What was typed in a form the page, sent back with a conflict, no longer shows (a refusal sent after a colleague
   * granted the request, a dispute kept after it was reassigned): said with its box's name, to copy — it was not sent.
   */
  function unsentText(t: Request['t'], extra: Record<string, unknown>, actions: ReturnType<typeof actionsFor>) {
    const form = SENT_FORMS[String(extra.sent ?? '')];
    const typed = (extra.form as Record<string, unknown> | undefined)?.[form?.field ?? ''];
    if (!form || actions[form.action] || typeof typed !== 'string' || !typed.trim()) return null;
    const box = actionBoxId(String(extra.sent), form.field);
    return { label: t('tickets.show.unsent', { box: t(BOX_NAMES[box]) }), text: typed };
  }

  /**
   * What the page says of more time (extensions.ts): the limit for the department's form; for a waiting request, when
   * it was made and — for the IT office, which answers it — the due date granting it would give.
   */
  function extensionShown(
    calendar: TicketPageCalendar,
    t: { due_at: string; extension_requested_at: string | null; extension_days: number | null },
    deciding: boolean,
    today: string,
  ) {
    if (!t.extension_requested_at || !t.extension_days) return { max: MAX_EXTENSION_DAYS };
    const askedOn = calendar.today(new Date(t.extension_requested_at));
    // For the office's grant form: the due date each number of days it may grant would give (1 … asked), so that the
    // page says the date for fewer days too (public/js/ticket-page.js) without knowing the holidays.
    const dueAfter = deciding
      ? Array.from({ length: t.extension_days }, (_, i) => calendar.addWorkingDays(t.due_at, i + 1))
      : null;
    return {
      max: MAX_EXTENSION_DAYS,
      askedOn,
      // Asked by the due date: no escalation until the office answers (deadlines.ts heldForExtension).
      holdsEscalation: askedOn <= t.due_at,
      days: t.extension_days,
      newDue: dueAfter ? dueAfter[dueAfter.length - 1] : null,
      // Granting counts from the due date: a late request's days may all end before today — granted, the ticket stays
      // overdue (and escalated), which the office is told before it grants.
      newDuePast: dueAfter ? dueAfter[dueAfter.length - 1] < today : false,
      today,
      dueAfter: dueAfter?.join(' ') ?? null,
    };
  }

  router.get('/tickets/:id', authorize('tickets.list'), (req, res) => ticketPage(req, res));

  /**
   * A sent-back action's messages for the summary at the page's top, each linked to its message beside its input
   * (show.hbs: the action's prefix, the field, "-error"). The action forms sit a screen or more below the ticket, and
   * the page comes back at its top: a mistake read as if nothing had happened.
   */
  function ticketErrorSummary(t: Request['t'], sent: string, fields: Record<string, string>) {
    const entries = Object.entries(fields).map(([field, message]) => {
      const box = actionBoxId(sent, field);
      const name = BOX_NAMES[box];
      // The message beside the box need not say which box it is about ("最多 2000 个字符"); here, away from it, it does.
      return { box, anchor: `${box}-error`, message: name ? `${t(name)}${t('errors.labelColon')}${message}` : message };
    });
    // In the order of the boxes on the page (a reassignment's department before its reason), whichever the service
    // found first; the ticket's own messages first.
    const order = Object.keys(BOX_NAMES);
    return entries
      .sort((a, b) => order.indexOf(a.box) - order.indexOf(b.box))
      .map(({ anchor, message }) => ({ anchor, message }));
  }

  /**
   * Runs one action; a form mistake re-renders the page (422) with the message next to the field.
   * After the action the page shows the ticket again, or — for the IT office's triage (reassign,
   * close), whose forms carry `back` when the ticket was opened from a list — that list page.
   *
   * An action the ticket has already had (the form sent twice, or the same done by someone else
   * meanwhile) is no error: the same way back, with a notice that nothing was changed. A real conflict
   * (changed meanwhile, not possible from its status) is the ticket page as it is now, 409, the message
   * where notices go and the typed text kept.
   */
  async function act(req: Request, res: Response, fn: () => Promise<unknown>, flashKey: string) {
    // The form that was sent (`sent`: a transition's target, else the action), so that its text and its
    // messages come back in that form alone (the dispute's and the reassignment's `reason` are two forms).
    const action = req.path.slice(req.path.lastIndexOf('/') + 1);
    const sent = action === 'transition' ? String(req.body.to ?? '') : action;
    // A NUL sent back into its box as a browser shows it (U+FFFD), as the other forms that refuse it beside the box do.
    const form = () =>
      Object.fromEntries(
        Object.entries(action === 'comment' ? { comment: req.body.comment } : (req.body as Record<string, unknown>)).map(
          ([k, v]) => [k, typeof v === 'string' ? shownAsBrowserShows(v) : v],
        ),
      );
    const back = () => listReturnPath(req.body.back, '/tickets') ?? `/tickets/${pathId(req.params.id)}`;
    try {
      await fn();
    } catch (err) {
      if (err instanceof AlreadyDoneError) {
        req.session.flash = { kind: 'info', text: conflictMessage(req.t, err) };
        return res.redirect(back());
      }
      if (err instanceof ConflictError) {
        res.locals.flash = { kind: 'error', text: conflictMessage(req.t, err) };
        return ticketPage(req, res, { form: form(), sent }, 409);
      }
      if (!(err instanceof ValidationError)) throw err;
      const fields = fieldMessages(err, req);
      return ticketPage(req, res, { fields, errorSummary: ticketErrorSummary(req.t, sent, fields), form: form(), sent }, 422);
    }
    req.session.flash = { kind: 'success', text: req.t(flashKey) };
    res.redirect(back());
  }

  router.post('/tickets/:id/transition', authorize('tickets.list'), (req, res) =>
    act(
      req,
      res,
      () =>
        // The page's forms send one of the targets: another `to` is a stale or crafted form, said in words (the API names the codes).
        !(TRANSITION_TARGETS as readonly string[]).includes(req.body.to)
          ? Promise.reject(new ValidationError([{ field: 'to', key: 'tickets.errors.action' }]))
          : transitionTicket(db, {
              ticketId: pathId(req.params.id),
              to: String(req.body.to ?? ''),
              actor: req.user!,
              comment: typeof req.body.comment === 'string' ? req.body.comment : null,
              expectedVersion: req.body.version ? Number(req.body.version) : null,
              origin: origin(req),
              now: ctx.now(),
              requestRecheck: recheck,
            }).then(async (ticket) => {
              // After the commit: the department has nothing more to fix, and hears why (the office's other decisions are told too).
              if (ticket.status === 'closed') await tellClosed(db, notifier, ticket, ticket.closed_reason ?? '');
            }),
      `tickets.flash.${['acknowledged', 'fixed', 'closed'].includes(req.body.to) ? req.body.to : 'done'}`,
    ),
  );

  // Comments are for the ticket's department and the IT office (`tickets.comment`): a university
  // leader, who may read every ticket, is refused here with the reason before anything is read from
  // the form (the service refuses the same under the ticket's lock).
  router.post('/tickets/:id/comment', authorize('tickets.list'), async (req, res) => {
    const ticket = await loadVisible(req);
    if (!can(req.user!, 'tickets.comment', { department: ticket.department_code }))
      throw new ForbiddenError('tickets.errors.commentForbidden');
    return act(
      req,
      res,
      () =>
        commentTicket(db, {
          ticketId: pathId(req.params.id),
          actor: req.user!,
          comment: String(req.body.comment ?? ''),
          origin: origin(req),
          now: ctx.now(),
        }),
      'tickets.flash.commented',
    );
  });

  router.post('/tickets/:id/dispute', authorize('tickets.list'), (req, res) =>
    act(
      req,
      res,
      async () => {
        // A report ticket's "not ours" is the department's answer to the report, on its answer page: the page offers no
        // dispute form for it, and the service refuses one sent anyway (409, nothing changed; disputedByReportAnswer).
        const ticket = await disputeTicket(db, {
          ticketId: pathId(req.params.id),
          actor: req.user!,
          reason: String(req.body.reason ?? ''),
          origin: origin(req),
          now: ctx.now(),
        });
        // After the commit: the IT office decides who owns the record (the flash says it was told).
        await tellDispute(db, notifier, ticket, String(req.body.reason ?? ''));
      },
      'tickets.flash.disputed',
    ),
  );

  // The IT office keeps a disputed ticket with its department (the other way to settle a dispute is to reassign it).
  router.post('/tickets/:id/dispute/dismiss', authorize('tickets.reassign'), async (req, res) => {
    const { calendar } = await loadTicketCalendar(db, ctx.config.timezone);
    return act(
      req,
      res,
      async () => {
        const reason = String(req.body.reason ?? '');
        const ticket = await dismissDispute(db, {
          ticketId: pathId(req.params.id),
          actor: req.user!,
          reason,
          calendar,
          expectedVersion: req.body.version ? Number(req.body.version) : null,
          origin: origin(req),
          now: ctx.now(),
        });
        await tellDisputeDismissed(db, notifier, ticket, reason);
      },
      'tickets.flash.disputeDismissed',
    );
  });

  // The department asks the IT office for more time (extensions.ts); the office hears at once.
  router.post('/tickets/:id/extension', authorize('tickets.list'), (req, res) =>
    act(
      req,
      res,
      async () => {
        const ticket = await requestExtension(db, {
          ticketId: pathId(req.params.id),
          actor: req.user!,
          days: req.body.days,
          reason: req.body.reason,
          expectedVersion: req.body.version ? Number(req.body.version) : null,
          origin: origin(req),
          now: ctx.now(),
        });
        await tellExtensionRequested(db, notifier, ticket, String(req.body.reason ?? ''));
      },
      'tickets.flash.extensionAsked',
    ),
  );

  // The IT office answers a request for more time: grant (the due date moves on) or refuse (with a reason).
  for (const decision of ['grant', 'refuse'] as const)
    router.post(`/tickets/:id/extension/${decision}`, authorize('tickets.reassign'), async (req, res) => {
      const { calendar } = await loadTicketCalendar(db, ctx.config.timezone);
      return act(
        req,
        res,
        async () => {
          const reason = typeof req.body.reason === 'string' ? req.body.reason : '';
          const input = {
            ticketId: pathId(req.params.id),
            actor: req.user!,
            days: req.body.days,
            reason,
            calendar,
            expectedVersion: req.body.version ? Number(req.body.version) : null,
            origin: origin(req),
            now: ctx.now(),
          };
          const decided = decision === 'grant' ? await grantExtension(db, input) : await refuseExtension(db, input);
          await tellExtensionDecided(db, notifier, { ...decided, granted: decision === 'grant' }, reason);
        },
        decision === 'grant' ? 'tickets.flash.extensionGiven' : 'tickets.flash.extensionDenied',
      );
    });

  router.post('/tickets/:id/reassign', authorize('tickets.reassign'), async (req, res) => {
    const { calendar } = await loadTicketCalendar(db, ctx.config.timezone);
    return act(
      req,
      res,
      async () => {
        const reason = String(req.body.reason ?? '');
        const ticket = await reassignTicket(db, {
          ticketId: pathId(req.params.id),
          actor: req.user!,
          department: String(req.body.department ?? ''),
          reason,
          calendar,
          expectedVersion: req.body.version ? Number(req.body.version) : null,
          origin: origin(req),
          now: ctx.now(),
        });
        // After the commit: the new department has a ticket to fix, the previous one (which may have disputed it) none.
        await tellReassigned(db, notifier, ticket, reason);
      },
      'tickets.flash.reassigned',
    );
  });

  return router;
}
