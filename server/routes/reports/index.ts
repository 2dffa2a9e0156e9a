import { Request, Response, Router } from 'express';
import { auditActor, auditOrigin } from '../../auth/login';
import type { AppContext } from '../../context';
import {
  AlreadyDoneError,
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
  ValidationError,
} from '../../errors';
import { formIdOf, newFormId, postOnce, rememberMade } from '../../http/form-once';
import { pathId, pathIdOr404 } from '../../http/path-id';
import { authorize } from '../../middleware/authorize';
import { fieldMessages } from '../../middleware/errors';
import { can } from '../../policies';
import { pageParams, pagination, pastLastPage, redirectKeepingFlash } from '../../presenters/paging';
import { loadCurrentCatalog } from '../../services/catalog/repository';
import type { Catalog } from '../../services/catalog/types';
import { noticeText, noticeTextEn, notifierFromConfig } from '../../services/notifications';
import { sentFormVersion } from '../../services/form-version';
import { maskIdNumbersIn } from '../../services/privacy';
import {
  answeredBeforeJoining,
  currentHubValue,
  findReport,
  historySinceJoined,
  hubValueVisible,
  isReportStatusFilter,
  isReportersObjection,
  knownValues,
  listMyReports,
  listTriage,
  triagePageOf,
  TRIAGE_PAGE_SIZE,
  loadReportSettings,
  reportSettingsVersion,
  LOOKUPS_PER_HOUR,
  maskReportFor,
  maskReportHistory,
  maskReportText,
  myReportTables,
  notifyReporters,
  previewReport,
  recordNotOurs,
  rejectTriagedReport,
  REPORT_STATUS_FILTERS,
  ReportDeps,
  ReportLimitError,
  ReportFilters,
  type ReportWithTicket,
  reporterActions,
  reporterStatus,
  reportsOfTicket,
  routeTriagedReport,
  saveReportSettings,
  type ReportSettings,
  submitReport,
  toPublicReport,
  triageTables,
  WITHDRAWN_CLOSE_DETAIL,
  withdrawReport,
  notifyWithdrawnClosed,
  withoutOtherReportersWords,
} from '../../services/reports';
import {
  answerReport,
  sameAnswerGiven,
  ticketField,
  confirmReportFix,
  disputeSettled,
  disputeSubject,
  findTicket,
  loadTicketCalendar,
  REOPEN_WINDOW_DAYS,
  reopenReport,
  shownFreeText,
  ticketHistory,
  toReadersTicket,
  type TicketRow,
  visibleTicket,
} from '../../services/tickets';
import { CONTENT_TYPES, downloadName, type FileType, loadUpload } from '../../services/uploads';
import { tableFilter } from '../api/filters';
import { listReturnPath } from '../tickets';
import { actionsFor, reportRouting, withNotes } from '../tickets/presenter';
import { tellReportReopened } from '../tickets/notices';
import {
  answerErrorSummary,
  besideForbidden,
  fileOf,
  forbiddenInReport,
  formFields,
  formModel,
  multipart,
  rawFrom,
  REPORT_TEXT_FIELDS,
  reportErrorSummary,
  uploadErrorOf,
} from './form';
import { hasForbiddenCharacter, forbiddenCharacterProblem, shownAsBrowserShows } from '../../middleware/body-safety';
import { conflictText, departmentNames, hubValueLabel, namesOf, tableMenu } from './present';
import { boxesSummary } from '../../presenters/error-summary';
import { auditTrailLink } from '../../presenters/audit';

/** The reporter's forms with a box (disagree and reopen; withdraw): field, the id of its message, its label. */
const REPORTER_BOXES = [['comment', 'reopen-comment-error', 'reports.show.reopenComment']] as const;
const WITHDRAW_BOXES = [['reason', 'withdraw-reason-error', 'reports.show.withdrawReason']] as const;

declare module 'express-session' {
  interface SessionData {
    /**
     * A triage action refused (no reason, an unknown department): the report, its message and what was
     * typed, shown once at that report's row of the queue the action came from.
     */
    triageForm?: { id: number; message: string; reason: string };
  }
}

/** Event kinds a reporter sees in the history of their report (not other reporters' descriptions). */
const REPORTER_EVENTS = [
  'transition',
  'answered',
  'confirmed',
  'reopened',
  'reassigned',
  'disputed',
  'dispute_refused',
  // The report's due date moved on: the reporter reads that it did (not the office's note to the department, nor the
  // request itself or a refusal, which change nothing for them).
  'extension_given',
  // The holidays changed (a catalog import): the due date moved with them.
  'due_moved',
];

/**
 * Error reports (数据纠错): the report form with its hub look-up, "我的报告", the reporter's
 * confirm/reopen, the department's answer page, and the IT office's triage queue and setting.
 */
export function reportsRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db } = ctx;
  const notifier = notifierFromConfig(db, ctx.config, ctx.logger);
  const deps: ReportDeps = { db, hub: ctx.hub, timezone: ctx.config.timezone, notifier };
  const calendar = async () => (await loadTicketCalendar(db, ctx.config.timezone)).calendar;
  const tell = (ticketId: number) =>
    notifyReporters(db, [ticketId]).catch((err) => ctx.logger.error({ err, ticketId }, 'report notices failed'));

  async function formPage(
    req: Request,
    res: Response,
    raw: ReturnType<typeof rawFrom>,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const catalog = (await loadCurrentCatalog(db))?.catalog ?? null;
    const lookup = (extra.lookup as Parameters<typeof formModel>[2]) ?? null;
    // The form's own id (http/form-once.ts), kept while it comes back (choose, look-up, a mistake): still the same form.
    const formId = formIdOf(req.body) ?? newFormId();
    const model = formModel(catalog, raw, lookup);
    const fields = extra.fields as Record<string, string> | undefined;
    const errorSummary = fields ? reportErrorSummary(req.t, fields, model.keyInputs) : [];
    // A file sent with the form (a look-up, a table chosen, a mistake) is not kept when it comes back: the line under
    // the file box says to choose it again, only then (after a look-up without a file it asked for a file never chosen).
    const attachmentAgain = !!req.file;
    res.status(status).render('pages/reports/new', {
      title: req.t('reports.new.title'),
      ...model,
      formId,
      errorSummary,
      attachmentAgain,
      ...extra,
    });
  }

  router.get('/reports/new', authorize('reports.file'), async (req, res) => {
    const q = req.query as Record<string, unknown>;
    await formPage(req, res, rawFrom({ table: q.table, field: q.field }));
  });

  // The form comes back at /reports when it is sent with a mistake or to look a value up: that address bookmarked,
  // reloaded without resending or gone back to opens the form (it was a 404).
  router.get('/reports', authorize('reports.file'), (req, res) => res.redirect('/reports/new'));

  router.post('/reports', authorize('reports.file'), multipart('attachment', REPORT_TEXT_FIELDS), async (req, res) => {
    const raw = rawFrom(req.body ?? {});
    const action = String(req.body?.action ?? 'submit');
    // Without JavaScript, choosing a table submits the form: it comes back with that table's fields and key inputs.
    if (action === 'choose') return formPage(req, res, raw);
    // Neither looked up nor filed: a NUL or a direction override is refused beside its box, the form kept.
    const forbidden = forbiddenInReport(raw);
    if (forbidden) {
      const catalog = (await loadCurrentCatalog(db))?.catalog ?? null;
      const others = besideForbidden(catalog, forbidden, action, fileOf(req), uploadErrorOf(res));
      const problems = [...forbidden.problems, ...others];
      return formPage(req, res, forbidden.shown, { fields: formFields(new ValidationError(problems), req) }, 422);
    }
    if (action === 'lookup') {
      let preview: Awaited<ReturnType<typeof previewReport>>;
      try {
        preview = await previewReport(deps, { raw, user: req.user!, origin: auditOrigin(req) });
      } catch (err) {
        if (!(err instanceof TooManyRequestsError)) throw err;
        return formPage(req, res, raw, { formError: req.t('reports.errors.lookupRateLimited', { max: LOOKUPS_PER_HOUR }) }, 429);
      }
      const { lookup, problems } = preview;
      const errs = problems.filter((p) => p.field !== 'description');
      return formPage(
        req,
        res,
        raw,
        { lookup, fields: errs.length ? formFields(new ValidationError(errs), req) : {} },
        errs.length ? 422 : 200,
      );
    }
    // The same form sent again (a double click on 提交报告, the form re-posted from the browser's history) files
    // one report: the second post goes to the report the first one filed, saying nothing was filed again.
    await postOnce(
      req,
      'report',
      (formId) => fileFromForm(req, res, raw, formId),
      async (earlier, formId) => {
        const report = await db('reports').where({ id: earlier }).first('id', 'reporter_id');
        if (!report || Number(report.reporter_id) !== req.user!.id) return fileFromForm(req, res, raw, formId);
        req.session.flash = { kind: 'info', text: req.t('reports.flash.alreadyFiled', { id: Number(report.id) }) };
        res.redirect(303, `/reports/${report.id}`);
      },
    );
  });

  /** Files the report the form describes, then its page; a mistake or the hourly limit brings the form back as typed. */
  async function fileFromForm(req: Request, res: Response, raw: ReturnType<typeof rawFrom>, formId: string | null) {
    const uploadError = uploadErrorOf(res);
    try {
      // A file over the limit is refused with the other fields' problems, not alone: all messages at once.
      const result = await submitReport(deps, {
        raw,
        attachment: uploadError ? null : fileOf(req),
        uploadProblems: uploadError?.fields,
        reporter: req.user!,
        now: ctx.now(),
        origin: auditOrigin(req),
      });
      if (formId) rememberMade(req, 'report', formId, Number(result.report.id));
      // A report that reopened a fixed ticket: the earlier reporters hear of it now, not at the next job run.
      if (result.reopened && result.ticket) await tell(result.ticket.id);
      const flash = result.reopened
        ? 'reports.flash.reopenedFix'
        : result.joined
          ? 'reports.flash.joined'
          : 'reports.flash.filed';
      req.session.flash = {
        kind: 'success',
        text: result.ticket
          ? req.t(flash, { id: result.report.id, ticket: result.ticket.id })
          : req.t('reports.flash.triage', { id: result.report.id }),
      };
      return res.redirect(`/reports/${result.report.id}`);
    } catch (err) {
      if (err instanceof ValidationError) return formPage(req, res, raw, { fields: formFields(err, req) }, 422);
      // Over the hourly limit: the form as typed, saying the limit and when the next report may be sent.
      if (err instanceof ReportLimitError) {
        res.setHeader('Retry-After', String(err.retryAfterSeconds));
        return formPage(req, res, raw, { formError: req.t(err.messageKey, err.params) }, 429);
      }
      throw err;
    }
  }

  /**
   * The list filters from the query string; a status the list does not know is ignored, as on /tickets. The table
   * in any case, as the API's list takes it (`tableFilter`: STAFF_BASIC is staff_basic, chosen so in the menu).
   */
  function listFilters(
    req: Request,
    catalog: Catalog | null | undefined,
  ): { filters: ReportFilters; form: { status: string; table: string } } {
    const q = req.query as Record<string, unknown>;
    const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim() : '');
    const status = isReportStatusFilter(s('status')) ? s('status') : '';
    const table = s('table') ? tableFilter(catalog, s('table')) : '';
    const filters: ReportFilters = {};
    if (status) filters.status = status as ReportFilters['status'];
    if (table) filters.table = table;
    return { filters, form: { status, table } };
  }
  const menu = (values: string[], chosen: string) => values.map((value) => ({ value, selected: value === chosen }));

  router.get('/reports/mine', authorize('reports.mine'), async (req, res) => {
    const { page, perPage } = pageParams(req.query, 25);
    const catalog = await loadCurrentCatalog(db);
    const { filters, form } = listFilters(req, catalog?.catalog);
    const [{ items, total }, tables, departments] = await Promise.all([
      listMyReports(db, req.user!.id, filters, { limit: perPage, offset: (page - 1) * perPage }),
      myReportTables(db, req.user!.id),
      departmentNames(db),
    ]);
    const last = pastLastPage(req.originalUrl, page, perPage, total);
    if (last) return redirectKeepingFlash(req, res, last);
    // A department's steward or leader follows 数据纠错 here for the reports it is to answer, which are its tickets of
    // check `report`: the page says so and how many wait for its answer (open or acknowledged), linking to them.
    const user = req.user!;
    const answering = can(user, 'reports.answer', { department: user.department });
    const waiting = answering
      ? await db('tickets')
          .where({ department_code: user.department, check_kind: 'report' })
          .whereIn('status', ['open', 'acknowledged'])
          .count({ n: '*' })
          .first()
      : null;
    res.render('pages/reports/mine', {
      title: req.t('reports.mine.title'),
      departmentReports: waiting ? { count: Number(waiting.n) } : null,
      // A list is not where the reporter needs what they typed in full (the report's page shows it): ID numbers,
      // phones and e-mails in it masked as for anyone but the department, so a glance at the screen shows none.
      reports: items.map((r) => {
        const shown = toPublicReport(maskReportFor(catalog?.catalog, r));
        return { ...shown, ...namesOf(catalog?.catalog, departments, shown), actions: reporterActions(r, ctx.now()) };
      }),
      form,
      filtered: !!(filters.status || filters.table),
      statuses: menu([...REPORT_STATUS_FILTERS], form.status),
      tables: tableMenu(catalog?.catalog, tables, form.table),
      pager: pagination(req.originalUrl, page, perPage, total),
    });
  });

  // ---- IT office: triage queue and setting ----

  router.get('/reports/triage', authorize('reports.triage'), (req, res) => triagePage(req, res));

  /**
   * The triage queue with the setting's form. `typed`: the setting as a refused form sent it (409), kept in its box; the
   * form carries the setting as stored now either way (`edited_from`).
   */
  async function triagePage(req: Request, res: Response, typed?: ReportSettings, status = 200) {
    const { page, perPage } = pageParams(req.query, TRIAGE_PAGE_SIZE);
    const catalog = await loadCurrentCatalog(db);
    const { filters, form } = listFilters(req, catalog?.catalog);
    const [{ items, total }, tables, departments, settings] = await Promise.all([
      listTriage(db, { table: filters.table }, { limit: perPage, offset: (page - 1) * perPage }),
      triageTables(db),
      db('departments').orderBy('code').select('code', 'name') as Promise<{ code: string; name: string }[]>,
      loadReportSettings(db),
    ]);
    const last = pastLastPage(req.originalUrl, page, perPage, total);
    if (last) return redirectKeepingFlash(req, res, last);
    const names = new Map(departments.map((d) => [d.code, d.name]));
    // A refused route or reject: its message and what was typed, at its report's row, this once.
    const kept = req.session.triageForm;
    delete req.session.triageForm;
    res.status(status).render('pages/reports/triage', {
      title: req.t('reports.triage.title'),
      // The IT office routes reports; the full values are for the department that fixes the record.
      reports: items.map((r) => {
        const masked = maskReportFor(catalog?.catalog, r);
        const named = namesOf(catalog?.catalog, names, {
          table: r.table_name,
          field: r.field_name,
          record_key: masked.record_key,
          department: r.department_code,
        });
        return { ...masked, ...named, kept: kept && kept.id === Number(r.id) ? kept : null };
      }),
      departments,
      settings: typed ?? settings,
      editedFrom: reportSettingsVersion(settings),
      form,
      tables: tableMenu(catalog?.catalog, tables, form.table),
      pager: pagination(req.originalUrl, page, perPage, total),
    });
  }

  // The queue's forms (the triage setting, a report's route or reject) always answer with a redirect to the queue, but
  // their address opened again (a new tab, an error page's reload) was a 404 (报告 #settings 不存在): to the queue.
  router.get('/reports/settings', authorize('reports.triage'), (_req, res) => res.redirect('/reports/triage'));
  for (const action of ['route', 'reject'])
    router.get(`/reports/:id/${action}`, authorize('reports.triage'), (req, res) => {
      pathIdOr404(req.params.id);
      res.redirect('/reports/triage');
    });

  router.post('/reports/settings', authorize('reports.triage'), async (req, res) => {
    const sent = { triage: req.body?.triage === 'on' || req.body?.triage === 'true' };
    let changed: boolean;
    try {
      // The setting the form was opened with: saved otherwise since (another officer, another tab), nothing is saved.
      ({ changed } = await saveReportSettings(db, sent, auditActor(req), auditOrigin(req), sentFormVersion(req.body)));
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      // The queue again, the box as it was sent, the setting saved meanwhile in the message to compare.
      const now = await loadReportSettings(db);
      const current = req.t(now.triage ? 'reports.triage.staleOn' : 'reports.triage.staleOff');
      res.locals.flash = { kind: 'error', text: req.t(err.messageKey, { ...err.params, current }) };
      return triagePage(req, res, sent, 409);
    }
    req.session.flash = changed
      ? { kind: 'success', text: req.t('reports.triage.saved') }
      : { kind: 'info', text: req.t('reports.triage.unchanged') };
    res.redirect(backToTriage(req));
  });

  /** The queue page the form was on (its page and table filter), from the form's `back`; else the queue's first page. */
  const backToTriage = (req: Request) => listReturnPath(req.body?.back, '/reports/triage') ?? '/reports/triage';

  /** `fn` may return more of the flash message's parameters (whom a report went to). */
  async function triageAction(req: Request, res: Response, fn: () => Promise<unknown>, flashKey: string) {
    let params: Record<string, unknown> = {};
    try {
      const done = await fn();
      if (done && typeof done === 'object') params = done as Record<string, unknown>;
    } catch (err) {
      // A mistake, or a report someone else triaged meanwhile (409): said on the queue, where the form was,
      // naming the report (the queue has many forms); a mistake also at its row, with what was typed.
      if (err instanceof ValidationError) {
        const id = pathId(req.params.id);
        const message = Object.values(fieldMessages(err, req)).join(req.locale === 'en' ? '; ' : '；');
        const reason: unknown = req.body?.reason;
        req.session.triageForm = { id, message, reason: typeof reason === 'string' ? reason.slice(0, 4000) : '' };
        req.session.flash = { kind: 'error', text: req.t('reports.triage.refused', { id, message }) };
      } else if (err instanceof AlreadyDoneError)
        // The form sent twice, or a colleague did the same meanwhile: done, nothing changed, said as such.
        req.session.flash = { kind: 'info', text: req.t(err.messageKey, err.params) };
      else if (err instanceof AppError && err.status === 409)
        req.session.flash = { kind: 'error', text: req.t(err.messageKey, err.params) };
      else throw err;
      // A mistake: back at its row, where the message stands beside what was typed (the page opened at its top).
      const row = err instanceof ValidationError && pathId(req.params.id) ? `#report-${pathId(req.params.id)}` : '';
      return res.redirect(backToTriage(req) + row);
    }
    req.session.flash = { kind: 'success', text: req.t(flashKey, { ...params, id: pathId(req.params.id) }) };
    res.redirect(backToTriage(req));
  }

  router.post('/reports/:id/route', authorize('reports.triage'), (req, res) =>
    triageAction(
      req,
      res,
      async () => {
        const r = await routeTriagedReport(deps, {
          reportId: pathId(req.params.id),
          department: String(req.body?.department ?? ''),
          actor: req.user!,
          now: ctx.now(),
          origin: auditOrigin(req),
        });
        await tell(r.ticket.id);
        // The flash says where it went: the queue no longer shows the report.
        const department = await db('departments').where({ code: r.ticket.department_code }).first('name');
        return { ticket: r.ticket.id, department: department?.name ?? r.ticket.department_code };
      },
      'reports.flash.routed',
    ),
  );

  router.post('/reports/:id/reject', authorize('reports.triage'), (req, res) =>
    triageAction(
      req,
      res,
      () =>
        rejectTriagedReport(db, {
          reportId: pathId(req.params.id),
          reason: String(req.body?.reason ?? ''),
          actor: req.user!,
          now: ctx.now(),
          origin: auditOrigin(req),
        }),
      'reports.flash.rejected',
    ),
  );

  // ---- The department's answer page for a report ticket ----

  async function loadReportTicket(req: Request) {
    const ticket = await findTicket(db, pathId(req.params.ticketId));
    const report = ticket?.check_kind === 'report' ? ticket : undefined;
    return visibleTicket(report, req.user, String(req.params.ticketId), 'reports.ticket');
  }

  /**
   * The answers the ticket takes now, as the ticket service allows them: fixed or not an error while
   * it is open or acknowledged and its "not ours" does not wait for the IT office; "not ours" while it is active, not yet
   * disputed and not settled by a dispute. The page offers exactly these, and the answer route names a refusal by them.
   */
  async function answersOffered(ticket: TicketRow): Promise<string[]> {
    // While disputed no answer: the office decides whose it is first (a "fixed" meanwhile asked the reporters to confirm
    // a fix the confirmation job never counts down, as it skips disputed tickets).
    const working = (ticket.status === 'open' || ticket.status === 'acknowledged') && !ticket.disputed_at;
    // Not once the IT office has kept the ticket with this department after a dispute (disputeSettled).
    const notOurs = (working || ticket.status === 'fixed') && !ticket.disputed_at && !(await disputeSettled(db, ticket));
    return [...(working ? ['fixed', 'not_error'] : []), ...(notOurs ? ['not_ours'] : [])];
  }

  async function ticketPage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const ticket = await loadReportTicket(req);
    const [cal, catalog] = await Promise.all([calendar(), loadCurrentCatalog(db)]);
    const t = toReadersTicket(ticket, cal.today(ctx.now()), req.locale, catalog?.catalog);
    const [rows, events, state, departments] = await Promise.all([
      reportsOfTicket(db, ticket.id),
      ticketHistory(db, ticket.id),
      db('report_tickets').where({ ticket_id: ticket.id }).first(),
      departmentNames(db),
    ]);
    const work = can(req.user!, 'reports.answer', { department: ticket.department_code });
    // What reporters and the department wrote, in full for the stewards who fix the record; masked
    // for the IT office and leaders, all by one rule (reports/privacy.ts).
    const field = ticketField(catalog?.catalog, ticket.table_name, ticket.field_name);
    const known = knownValues(rows);
    // A withdrawn report left the ticket: not listed (its values still mask the history, which keeps its entry).
    const onTicket = rows.filter((r) => r.status !== 'withdrawn');
    // The hub's value kept with a report, for those who may read it (reports.hubValue, as the report form's look-up
    // and the report's own page decide): a leader overseeing a conditional table's ticket reads whether the hub held
    // what the reporter saw, not the value.
    const hubHidden =
      !work &&
      !hubValueVisible(catalog?.catalog, req.user!, {
        table_name: ticket.table_name,
        field_name: ticket.field_name ?? '',
      });
    const reports = (work ? onTicket : onTicket.map((r) => maskReportFor(catalog?.catalog, r, known))).map((r) => ({
      ...r,
      reporter_department_name: departments.get(r.reporter_department) ?? null,
      ...(hubHidden
        ? { hub_value: null, hub_hidden: true }
        : { hub_label: hubValueLabel(catalog?.catalog, ticket.table_name, ticket.field_name, r.hub_value) }),
    }));
    // Each event's note as on the ticket page: more time asked, granted or refused; a reassignment's departments and
    // due date (the IT office's, or a catalog import's: it read only "改派责任单位" here), a closing's reason.
    const history = withNotes(req.t, work ? events : maskReportHistory(events, field, known), {
      departments,
      runLinks: false,
    }).map((e) => ({ ...e, routed: reportRouting(e) }));
    // The current answer as its history entry shows it: for everyone as the ticket service shows
    // free text (shownFreeText), for readers outside the department by the report rule as well.
    const answer =
      state && state.answer_comment
        ? {
            ...state,
            answer_comment: work ? shownFreeText(state.answer_comment) : maskReportText(state.answer_comment, field, known),
          }
        : state;
    const offered = work ? await answersOffered(ticket) : [];
    res.status(status).render('pages/reports/ticket', {
      title: req.t('reports.ticket.title', { id: t.id }),
      ticket: t,
      department: { code: ticket.department_code, name: departments.get(ticket.department_code) ?? ticket.department_code },
      reports,
      history,
      state: answer,
      actions: {
        // More time is asked on the ticket page (its form): this page points there while the ticket page offers it.
        askExtension: actionsFor(req.user!, t).requestExtension,
        answer: offered.includes('fixed'),
        notOurs: offered.includes('not_ours'),
        // Not once every report was withdrawn: reopenReport refuses it (nobody left to answer).
        reopen:
          can(req.user!, 'tickets.reassign') && ['fixed', 'resolved', 'closed'].includes(ticket.status) && onTicket.length > 0,
      },
      allWithdrawn: onTicket.length === 0 && rows.length > 0,
      form: {},
      ...extra,
    });
  }

  router.get('/reports/tickets/:ticketId', authorize('reports.mine'), async (req, res) => {
    try {
      return await ticketPage(req, res);
    } catch (err) {
      // Not a report ticket this reader may see. A check ticket's number typed here (the two kinds share one
      // numbering) goes to its page, for whoever may see it there; anyone else is told the number does not exist.
      if (!(err instanceof NotFoundError)) throw err;
      const ticket = await findTicket(db, pathId(req.params.ticketId));
      if (ticket && ticket.check_kind !== 'report' && can(req.user!, 'tickets.view', { department: ticket.department_code }))
        return res.redirect(`/tickets/${ticket.id}`);
      throw err;
    }
  });
  // A sent-back answer form stands at its POST address: a reload without resending, or the address opened again, is
  // the ticket's page (it was a 404). The page authorizes the reader.
  router.get('/reports/tickets/:ticketId/answer', authorize('reports.mine'), (req, res) =>
    res.redirect(`/reports/tickets/${pathIdOr404(req.params.ticketId)}`),
  );

  // The answer's text box refuses a NUL or a direction override itself (CHECKED_BY_ROUTE): the page comes back with it.
  router.post(
    '/reports/tickets/:ticketId/answer',
    authorize('reports.mine'),
    multipart('document', ['comment']),
    async (req, res) => {
      const ticketId = pathId(req.params.ticketId);
      const answer = String(req.body?.answer ?? '');
      try {
        const ticket = await loadReportTicket(req);
        // Who (403), then whether this answer can be given now (409), then the form (422): a message
        // about the form only where the page shows the form.
        if (!can(req.user!, 'reports.answer', { department: ticket.department_code })) throw new ForbiddenError();
        // The ticket already stands on this answer (the form sent twice, the same answer given in another tab): done.
        const given = await db('report_tickets').where({ ticket_id: ticket.id }).first('answer');
        if (sameAnswerGiven(ticket, given?.answer, answer))
          throw new AlreadyDoneError(`reports.errors.already.${answer}`, { id: ticket.id });
        if (answer === 'not_ours' && ticket.disputed_at)
          throw new AlreadyDoneError('tickets.errors.alreadyDisputed', { id: ticket.id });
        const offered = await answersOffered(ticket);
        if (!offered.length && ticket.disputed_at) throw new ConflictError('reports.errors.disputePending', { id: ticket.id });
        if (!offered.length) throw new ConflictError('reports.errors.notAnswerable', { status: ticket.status });
        if (!['fixed', 'not_error', 'not_ours'].includes(answer))
          throw new ValidationError([{ field: 'answer', key: 'reports.errors.answer' }]);
        if (!offered.includes(answer))
          throw new ConflictError('reports.errors.answerNotOffered', { status: ticket.status, answer });
        const uploadError = uploadErrorOf(res);
        const comment = String(req.body?.comment ?? '');
        // Left to this route by the app-wide refusal: the text comes back in its box (a NUL shown as the browser shows it)
        // with the message beside it, the file's message with it, nothing written.
        if (hasForbiddenCharacter(comment)) {
          req.body.comment = shownAsBrowserShows(comment);
          throw new ValidationError([...(uploadError?.fields ?? []), forbiddenCharacterProblem('comment', comment)!]);
        }
        // The file's message comes with the answer's other problems (a missing reason), all at once, for every answer.
        if (answer === 'not_ours') {
          // The document, if any, is the steward's evidence for the IT office (recordNotOurs), kept with the answer.
          const document = uploadError ? null : fileOf(req);
          await recordNotOurs(db, {
            ticketId,
            actor: req.user!,
            reason: comment,
            document,
            uploadProblems: uploadError?.fields,
            origin: auditOrigin(req),
            now: ctx.now(),
          });
          // Kept (an empty file is no document, as for the other answers): the office's notice says where to read it.
          const withDocument = !!document?.buffer.length;
          const [department, catalog] = await Promise.all([
            db('departments').where({ code: ticket.department_code }).first('name'),
            loadCurrentCatalog(db),
          ]);
          const field = ticketField(catalog?.catalog, ticket.table_name, ticket.field_name);
          const known = knownValues(await reportsOfTicket(db, ticketId));
          await notifier.office(
            {
              kind: 'report.disputed',
              // As the tickets' dispute notice: done with in every officer's inbox once the dispute is settled.
              subject: disputeSubject(ticketId),
              // In Chinese whoever answers: notices go to shared mailboxes (services/notifications, noticeText).
              title: noticeText('reports.notices.disputed', {
                id: ticketId,
                // As the ticket service's dispute notice names it: 人事处（HR）.
                department: department ? `${department.name}（${ticket.department_code}）` : ticket.department_code,
              }),
              // The reason as the IT office reads it on the ticket's pages: personal data masked.
              body:
                noticeText('reports.notices.disputedBody', {
                  message: maskIdNumbersIn(ticket.message),
                  reason: maskReportText(comment.trim(), field, known),
                }) + (withDocument ? `\n${noticeText('reports.notices.disputedDocument', { id: ticketId })}` : ''),
              link: `/tickets/${ticketId}`,
              en: {
                title: noticeTextEn('reports.notices.disputed', {
                  id: ticketId,
                  department: department ? `${department.name} (${ticket.department_code})` : ticket.department_code,
                }),
                body:
                  noticeTextEn('reports.notices.disputedBody', {
                    message: maskIdNumbersIn(ticket.message_en ?? ticket.message),
                    reason: maskReportText(comment.trim(), field, known),
                  }) + (withDocument ? `\n${noticeTextEn('reports.notices.disputedDocument', { id: ticketId })}` : ''),
              },
            },
            { email: true },
          );
        } else {
          await answerReport(db, {
            ticketId,
            answer,
            actor: req.user!,
            comment,
            document: uploadError ? null : fileOf(req),
            uploadProblems: uploadError?.fields,
            origin: auditOrigin(req),
            now: ctx.now(),
          });
        }
      } catch (err) {
        if (err instanceof AlreadyDoneError) return alreadyDone(req, res, err, `/reports/tickets/${ticketId}`);
        // The page again with what was typed (the file must be chosen again): the message next to its field, or on top.
        if (err instanceof ValidationError) {
          const fields = fieldMessages(err, req);
          // A file with a problem of its own is named by its message; a good one is only not kept.
          const dropped = fields.document ? null : (fileOf(req)?.filename ?? null);
          const errorSummary = answerErrorSummary(req.t, 'answer', fields, dropped);
          return ticketPage(req, res, { fields, errorSummary, dropped, form: { ...req.body, answer } }, 422);
        }
        if (err instanceof ConflictError) {
          // What was typed, to copy, where the page no longer offers the form (the template decides): it was not sent.
          const typed = typeof req.body?.comment === 'string' ? shownAsBrowserShows(req.body.comment) : '';
          const unsent = typed.trim()
            ? { label: req.t('tickets.show.unsent', { box: req.t('reports.ticket.comment') }), text: typed }
            : null;
          return ticketPage(req, res, { formError: conflictText(req, err), form: { ...req.body, answer }, unsent }, 409);
        }
        throw err;
      }
      await tell(ticketId);
      req.session.flash = { kind: 'success', text: req.t(`reports.flash.answer.${answer}`) };
      res.redirect(`/reports/tickets/${ticketId}`);
    },
  );

  // A refused reopen (409, 422) stands at its POST address too: opened again, it is the ticket's page (it was a 404).
  router.get('/reports/tickets/:ticketId/reopen', authorize('reports.mine'), (req, res) =>
    res.redirect(`/reports/tickets/${pathIdOr404(req.params.ticketId)}`),
  );

  router.post('/reports/tickets/:ticketId/reopen', authorize('tickets.reassign'), async (req, res) => {
    const ticketId = pathId(req.params.ticketId);
    const comment = String(req.body?.comment ?? '');
    try {
      const reopened = await reopenReport(db, {
        ticketId,
        actor: req.user!,
        comment,
        calendar: await calendar(),
        origin: auditOrigin(req),
        now: ctx.now(),
      });
      await tellReportReopened(db, notifier, reopened, 'it_office', comment);
    } catch (err) {
      if (err instanceof AlreadyDoneError) return alreadyDone(req, res, err, `/reports/tickets/${ticketId}`);
      // The reason as typed, a NUL as a browser shows it: left to this route by the app-wide refusal (CHECKED_BY_ROUTE),
      // reopenReport refuses a NUL or a direction override after the ticket's state, beside the box.
      const form = { ...req.body, comment: shownAsBrowserShows(comment) };
      if (err instanceof ValidationError) {
        const fields = fieldMessages(err, req);
        return ticketPage(req, res, { fields, errorSummary: answerErrorSummary(req.t, 'reopen', fields, null), form }, 422);
      }
      if (err instanceof ConflictError) return ticketPage(req, res, { formError: conflictText(req, err), form }, 409);
      throw err;
    }
    await tell(ticketId);
    req.session.flash = { kind: 'success', text: req.t('reports.flash.reopened') };
    res.redirect(`/reports/tickets/${ticketId}`);
  });

  router.get('/reports/tickets/:ticketId/document', authorize('reports.mine'), async (req, res) => {
    const found = await findTicket(db, pathId(req.params.ticketId));
    const ticket = found?.check_kind === 'report' ? found : undefined;
    const state = ticket
      ? await db('report_tickets').where({ ticket_id: ticket.id }).first('answer', 'answered_at', 'answer_document_id')
      : undefined;
    // Reporters see the department's source document too: it is the answer to their report — not to one that joined
    // the ticket after the answer (answeredBeforeJoining), whose page offers no document, and not a "not ours" one, the
    // department's evidence for the IT office. Anyone else who may not open the ticket is answered as for a missing
    // one, in the same words (visibleTicket).
    const reports: Pick<ReportWithTicket, 'created_at' | 'triaged_at' | 'status'>[] = ticket
      ? await db('reports')
          .where({ ticket_id: ticket.id, reporter_id: req.user!.id })
          // A withdrawn report left the ticket before any answer: what the department answers later is not to it.
          .whereNot({ status: 'withdrawn' })
          .select('created_at', 'triaged_at', 'status')
      : [];
    const reporter =
      state?.answer !== 'not_ours' &&
      reports.some((r) => !answeredBeforeJoining({ ...r, answer: state?.answer, answered_at: state?.answered_at }));
    if (!reporter) visibleTicket(ticket, req.user, String(req.params.ticketId), 'reports.ticket');
    await sendUpload(res, state?.answer_document_id);
  });

  // ---- One report: its reporter (and the IT office) ----

  async function loadOwn(req: Request) {
    const report = await findReport(db, pathId(req.params.id));
    // Someone else's report is "not found": its existence is nobody else's business.
    if (!report || !can(req.user!, 'reports.view', { ownerId: Number(report.reporter_id) }))
      throw new NotFoundError('reports.errors.notFound', { id: String(req.params.id) });
    return report;
  }

  /** A waiting report's row in the triage queue: on the page that lists it (the queue is read oldest first). */
  async function triageLink(reportId: number): Promise<string> {
    const page = await triagePageOf(db, reportId);
    return `/reports/triage${page > 1 ? `?page=${page}` : ''}#report-${reportId}`;
  }

  /** The report's attachment as the reporter will see it downloaded (证明.pdf), not a bare 下载. */
  async function attachmentName(uploadId: number): Promise<string | null> {
    const row = (await db('uploads').where({ id: uploadId }).first('filename', 'file_type')) as
      { filename: string; file_type: FileType } | undefined;
    return row ? downloadName(row.filename, row.file_type) : null;
  }

  async function reportPage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const report = await loadOwn(req);
    const own = Number(report.reporter_id) === req.user!.id;
    // The ticket's history from this report's joining it on: what came before was written to others (historySinceJoined).
    // A withdrawn report left its ticket at its `withdrawn` history row: what was done on it afterwards (in the same
    // second too) is no longer this reporter's — but for the system's closing that this very withdrawal caused (it was
    // the last report), which is how the reporter's story ends.
    const all = report.ticket_id ? await ticketHistory(db, Number(report.ticket_id)) : [];
    const left =
      report.status === 'withdrawn'
        ? (all.find((e) => e.kind === 'withdrawn' && Number(e.details?.report_id) === Number(report.id))?.id ?? Infinity)
        : Infinity;
    const closedByThisWithdrawal = (e: (typeof all)[number]) =>
      e.kind === 'transition' &&
      e.details?.reason === WITHDRAWN_CLOSE_DETAIL &&
      Number(e.details?.report_id) === Number(report.id);
    const events = report.ticket_id
      ? historySinceJoined(all, report)
          .filter((e) => REPORTER_EVENTS.includes(e.kind) && (Number(e.id) < left || closedByThisWithdrawal(e)))
          // The office's note on a granted extension is written to the department (the form says so), not to reporters.
          .map((e) => (e.kind === 'extension_given' ? { ...e, comment: null } : e))
      : [];
    // The answer's document goes with its words: not for a report that joined after the answer (answeredBeforeJoining).
    // A "not ours" document is the department's evidence for the IT office (recordNotOurs), not an answer to reporters.
    const answerDocument =
      report.ticket_id &&
      report.status !== 'withdrawn' &&
      !answeredBeforeJoining(report) &&
      (!own || report.answer !== 'not_ours')
        ? await db('report_tickets').where({ ticket_id: report.ticket_id }).first('answer_document_id')
        : null;
    const [catalog, departments] = await Promise.all([loadCurrentCatalog(db).then((c) => c?.catalog), departmentNames(db)]);
    // Someone else's report (the IT office may open any): its personal data masked, the department's
    // answers and reasons in its history too, by the rule of the ticket's pages (reports/privacy.ts).
    const known = knownValues([report]);
    const ticketEvents = own
      ? events.map((e) => withoutOtherReportersWords(e, req.user!.login))
      : maskReportHistory(events, ticketField(catalog, report.table_name, report.field_name), known);
    // The report's own steps first — sent; turned down or routed by the IT office, when it triaged it (the reason
    // or the department is shown above) — then its ticket's history, in the order they happened. A routed
    // report whose ticket nobody has worked on yet said "暂无进展" under a report the IT office had routed.
    const steps = [
      { at: report.created_at, kind: 'submitted' },
      ...(report.triaged_at && report.status !== 'triage'
        ? [{ at: report.triaged_at, kind: report.status === 'rejected' ? 'notAccepted' : 'routed' }]
        : []),
      // Withdrawn by its reporter, with their reason (someone else's report: masked as its other texts).
      ...(report.status === 'withdrawn' && report.withdrawn_at
        ? [
            {
              at: report.withdrawn_at,
              kind: 'selfWithdrawn',
              comment: own ? report.withdraw_reason : maskReportFor(catalog, report).withdraw_reason,
            },
          ]
        : []),
    ];
    // A reassignment says from which department to which and the new due date (a catalog import's, why), as on the
    // ticket's pages: the reporter read only "改派责任单位 → 待处理" after an answer they had been asked to confirm.
    // The withdrawal's closing keeps its note too: why the ticket closed (no reporter left).
    const noted = withNotes(req.t, ticketEvents, { departments, runLinks: false }).map((e) =>
      e.kind === 'reassigned' || closedByThisWithdrawal(e)
        ? e
        : // The answer's kind, without what else it ended (a request for more time is not the reporter's business).
          e.kind === 'answered' && (e.details as { answer?: string } | null)?.answer === 'not_error'
          ? { ...e, note: req.t('tickets.history.answeredNotError') }
          : { ...e, note: undefined },
    );
    const history = [...steps, ...(report.ticket_id ? noted : [])].sort(
      (a, b) => new Date(a.at).getTime() - new Date(b.at).getTime(),
    );
    const shown = toPublicReport(own ? report : maskReportFor(catalog, report), {
      hubValue: hubValueVisible(catalog, req.user!, report),
    });
    const ownActions = own ? reporterActions(report, ctx.now()) : null;
    // The reporters' one reopen of the ticket, used by another: said so (this reporter read "已重新打开过一次" with no
    // reopen of theirs in their history).
    const actions = ownActions
      ? {
          ...ownActions,
          reopenUsedByOther:
            ownActions.reopenUsed && !all.some((e) => isReportersObjection(e) && e.actor_login === req.user!.login),
        }
      : { confirm: false, reopen: false, withdraw: false };
    // Asked to confirm a fix: what the hub holds now, as the look-up shows it to this reporter, beside the value they
    // suggested — so they check the fix instead of taking the department's word (or letting silence confirm it).
    const hubNow = actions.confirm ? await currentHubValue(ctx.hub, catalog, req.user!, report) : null;
    // Someone else's report (the IT office's reading): who sent it, as the triage queue and the ticket's report page
    // name reporters, and back to where the office works on reports — the report's ticket once it has one, else the queue.
    const reporter = own
      ? null
      : ((await db('users').where({ id: report.reporter_id }).first('name', 'login', 'department_code')) as
          { name: string; login: string; department_code: string | null } | undefined);
    const back = own
      ? { href: '/reports/mine', label: req.t('reports.mine.title') }
      : report.ticket_id
        ? { href: `/reports/tickets/${report.ticket_id}`, label: req.t('reports.ticket.title', { id: report.ticket_id }) }
        : { href: '/reports/triage', label: req.t('nav.triage') };
    res.status(status).render('pages/reports/show', {
      title: req.t('reports.show.title', { id: report.id }),
      report: shown,
      hubLabel: hubValueLabel(catalog, report.table_name, report.field_name, shown.hub.value),
      // The field was empty when the report was sent: said to every reader where nothing else is (no value seen to compare
      // with), as the look-up tells anyone whether a field is empty — a report of a missing value read only "the record
      // was in the hub".
      hubEmpty: report.hub_found === true && (report.hub_value == null || report.hub_value.trim() === ''),
      names: namesOf(catalog, departments, shown),
      status: reporterStatus(report),
      own,
      back,
      // 审计记录: the audit log's rows about this report, for those who read the log (not its reporter, as such).
      auditTrail: auditTrailLink(req.user, 'report', report.id),
      reporter: reporter
        ? {
            name: reporter.name,
            login: reporter.login,
            department: reporter.department_code ? (departments.get(reporter.department_code) ?? reporter.department_code) : null,
          }
        : null,
      actions,
      hubNow,
      suggested: report.suggested_value,
      reopenDays: REOPEN_WINDOW_DAYS,
      hasAttachment: !!report.attachment_id,
      // The file's name as the reporter chose it (证明.pdf), as the department's answer page names it: a bare 下载 did
      // not tell the reporter which file went with the report.
      attachmentName: report.attachment_id ? await attachmentName(report.attachment_id) : null,
      hasAnswerDocument: !!answerDocument?.answer_document_id,
      // Waiting for the IT office to route it: an officer (who may open any report) is pointed to its row in the queue.
      triageLink: report.status === 'triage' && can(req.user!, 'reports.triage') ? await triageLink(Number(report.id)) : null,
      history,
      form: {},
      ...extra,
    });
  }

  router.get('/reports/:id', authorize('reports.mine'), (req, res) => reportPage(req, res));
  // As the answer form's address above: a sent-back "disagree" form's address opened again is the report's page.
  router.get('/reports/:id/reopen', authorize('reports.mine'), (req, res) =>
    res.redirect(`/reports/${pathIdOr404(req.params.id)}`),
  );

  router.get('/reports/:id/attachment', authorize('reports.mine'), async (req, res) => {
    const report = await findReport(db, pathId(req.params.id));
    if (!report) throw new NotFoundError();
    const own = can(req.user!, 'reports.view', { ownerId: Number(report.reporter_id) });
    if (!own) {
      // Another's report: its attachment for the people who answer or oversee its ticket while the report is on it; to
      // anyone else it does not exist, as the report page itself (a 403 would confirm the report's number). A withdrawn
      // report left its ticket (the answer page no longer lists it): its file is its reporter's (and the IT office's).
      if (
        report.status === 'withdrawn' ||
        !report.ticket_department ||
        !can(req.user!, 'reports.ticket', { department: report.ticket_department })
      )
        throw new NotFoundError();
    }
    await sendUpload(res, report.attachment_id);
  });

  async function reporterAction(req: Request, res: Response, fn: (ticketId: number) => Promise<unknown>, flashKey: string) {
    const report = await loadOwn(req);
    const ticketId = Number(report.ticket_id);
    try {
      // Waiting for triage or not accepted: the report exists (its page says so), only there is no answer to act on.
      // Withdrawn: it left its ticket (which may live on for others); there is nothing left for its reporter to answer.
      if (!report.ticket_id || report.status === 'withdrawn')
        throw new ConflictError('reports.errors.noAnswerYet', { status: reporterStatus(report) });
      await fn(ticketId);
    } catch (err) {
      return sendBackToReportPage(req, res, err, Number(report.id), REPORTER_BOXES);
    }
    await tell(ticketId);
    req.session.flash = { kind: 'success', text: req.t(flashKey) };
    res.redirect(`/reports/${report.id}`);
  }

  // A sent-back confirmation's address opened again (reload, back) is the report's page, as the reopen's below.
  router.get('/reports/:id/confirm', authorize('reports.mine'), (req, res) =>
    res.redirect(`/reports/${pathIdOr404(req.params.id)}`),
  );

  router.post('/reports/:id/confirm', authorize('reports.mine'), (req, res) =>
    reporterAction(
      req,
      res,
      (ticketId) => confirmReportFix(db, { ticketId, actor: req.user!, origin: auditOrigin(req), now: ctx.now() }),
      'reports.flash.confirmed',
    ),
  );

  router.post('/reports/:id/reopen', authorize('reports.mine'), (req, res) =>
    reporterAction(
      req,
      res,
      async (ticketId) => {
        const comment = String(req.body?.comment ?? '');
        // Left to this route by the app-wide refusal (CHECKED_BY_ROUTE): reopenReport refuses a NUL or a direction
        // override after the ticket's state (where the page shows no box, the state is what to say), and the box shows
        // the text as a browser does.
        const reopened = await reopenReport(db, {
          ticketId,
          actor: req.user!,
          comment,
          calendar: await calendar(),
          origin: auditOrigin(req),
          now: ctx.now(),
        }).catch((err: unknown) => {
          req.body.comment = shownAsBrowserShows(comment);
          throw err;
        });
        // After the commit: the department, which had answered, has the report back.
        await tellReportReopened(db, notifier, reopened, 'reporter', comment);
      },
      'reports.flash.reopened',
    ),
  );

  // A sent-back withdrawal's address opened again (reload, back) is the report's page, as the reopen's.
  router.get('/reports/:id/withdraw', authorize('reports.mine'), (req, res) =>
    res.redirect(`/reports/${pathIdOr404(req.params.id)}`),
  );

  /**
   * The reporter takes their report back (withdraw.ts says when). Someone else's report is as missing (loadOwn), but
   * the IT office, which may read it, is refused (403): withdrawing is its reporter's alone.
   */
  router.post('/reports/:id/withdraw', authorize('reports.mine'), async (req, res) => {
    const report = await loadOwn(req);
    const reason: unknown = req.body?.reason;
    try {
      // Left to this route by the app-wide refusal (CHECKED_BY_ROUTE): withdrawReport refuses a NUL or a direction
      // override after the report's status (a report withdrawn already is "done"), and the box shows it as a browser does.
      const done = await withdrawReport(db, {
        reportId: Number(report.id),
        actor: req.user!,
        reason,
        now: ctx.now(),
        origin: auditOrigin(req),
      });
      // After the commit: the department hears its ticket is gone from its queue.
      if (done.closed && done.ticket)
        await notifyWithdrawnClosed(notifier, done.ticket, done.report.withdraw_reason).catch((err) =>
          ctx.logger.error({ err, ticketId: done.ticket?.id }, 'withdrawal notice failed'),
        );
      req.session.flash = {
        kind: 'success',
        text: req.t(done.closed ? 'reports.flash.withdrawnClosed' : 'reports.flash.withdrawn', { id: Number(report.id) }),
      };
    } catch (err) {
      if (typeof reason === 'string') req.body.reason = shownAsBrowserShows(reason);
      return sendBackToReportPage(req, res, err, Number(report.id), WITHDRAW_BOXES);
    }
    res.redirect(303, `/reports/${report.id}`);
  });

  /**
   * A reporter's form (confirm, reopen, withdraw) that could not be done: "already done" goes back to the report's
   * page with a notice; a bad box comes back beside it, summed up at the page's top (focused by app.js: the box is
   * two screens down on a phone); a refusal (409) names the report's status as the page does (待处理), not as stored.
   */
  function sendBackToReportPage(
    req: Request,
    res: Response,
    err: unknown,
    reportId: number,
    boxes: typeof REPORTER_BOXES | typeof WITHDRAW_BOXES,
  ) {
    if (err instanceof AlreadyDoneError) return alreadyDone(req, res, err, `/reports/${reportId}`);
    if (err instanceof ValidationError) {
      const fields = fieldMessages(err, req);
      const errorSummary = boxesSummary(req.t, boxes, fields);
      return reportPage(req, res, { fields, errorSummary, form: req.body }, 422);
    }
    if (err instanceof AppError && err.status === 409)
      return reportPage(req, res, { formError: conflictText(req, err), form: req.body }, 409);
    throw err;
  }

  /**
   * An action the ticket has already had — the form sent twice (a double click), or the same done meanwhile by
   * someone else or by the system — is no error: back to the page, saying that nothing was changed.
   */
  function alreadyDone(req: Request, res: Response, err: AlreadyDoneError, to: string) {
    req.session.flash = { kind: 'info', text: conflictText(req, err) };
    res.redirect(303, to);
  }

  /** A stored file as a download (never shown inline: its type was checked, but it is still someone's upload). */
  async function sendUpload(res: Response, id: number | string | null | undefined): Promise<void> {
    const file = id ? await loadUpload(db, Number(id)) : null;
    if (!file) throw new NotFoundError();
    res.setHeader('Content-Type', CONTENT_TYPES[file.type]);
    res.setHeader(
      'Content-Disposition',
      `attachment; filename*=UTF-8''${encodeURIComponent(downloadName(file.filename, file.type))}`,
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(file.content);
  }

  return router;
}
