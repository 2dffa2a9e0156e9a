import { Request, Response, Router } from 'express';
import type { Knex } from 'knex';
import { auditActor, auditOrigin } from '../../auth/login';
import type { AppContext } from '../../context';
import { AlreadyDoneError, AppError, ConflictError, NotFoundError, ValidationError } from '../../errors';
import { pathId, pathIdOr404 } from '../../http/path-id';
import { assertCan, authorize } from '../../middleware/authorize';
import { fieldMessages } from '../../middleware/errors';
import { can } from '../../policies';
import { appendAudit } from '../../services/audit';
import { noticeText, noticeTextEn, notifierFromConfig } from '../../services/notifications';
import { addDays, todayIn } from '../../services/calendar';
import { wallClockText } from '../../services/calendar/zone';
import { maskFreeText, maskIdNumbersIn } from '../../services/privacy';
import { shownAsBrowserShows } from '../../middleware/body-safety';
import { departmentCodeAsWritten } from '../../services/department-code';
import { sentFormVersion } from '../../services/form-version';
import { sentQuery } from '../../http/query-values';
import { ticketMessage } from '../../services/tickets';
import { universityTimezone } from '../../services/catalog/repository';
import {
  addAppeal,
  addWeightsVersion,
  checkNewWeightsVersion,
  answerAppeal,
  appealsOf,
  findAppeal,
  cachedPeriodResults,
  closablePeriod,
  closePeriod,
  COMPONENTS,
  dashboardModel,
  dataVersion,
  type ClosedPeriod,
  type DataVersion,
  findClosedPeriod,
  formatScore,
  hasScores,
  lastSnapshotDay,
  nextWeightsVersion,
  listClosedPeriods,
  parseRange,
  parseWeights,
  percentOf,
  resultsCsv,
  resultsWorkbook,
  scorecardModel,
  snapshotCutoff,
  snapshotDay,
  weightsFor,
  weightsFormVersion,
  weightsHistory,
} from '../../services/scorecards';
import { choosePeriod, periodQuery } from './period';
import { trendTable } from '../../presenters/trend-table';

const CSS = '/static/css/scorecards.css';

/** A text sent back into its box as typed (a NUL as a browser shows it); anything but a string as before. */
const asTyped = (value: unknown) => (typeof value === 'string' ? shownAsBrowserShows(value) : value);

/** The counts behind a component's ratio, in words ("3 / 4 张表新鲜"). */
function componentDetail(req: Request, component: string, s: Record<string, number | null>): string {
  const n = (k: string) => Number(s[k] ?? 0).toLocaleString('en-US');
  if (s[component] === null && component !== 'reports') return req.t('scorecards.detail.none');
  switch (component) {
    case 'freshness':
      return req.t('scorecards.detail.freshness', { passed: n('freshness_passed'), total: n('freshness_tables') });
    case 'deadline':
    case 'validity':
    case 'completeness':
      return req.t('scorecards.detail.rows', { violations: n(`${component}_violations`), checked: n(`${component}_checked`) });
    case 'tickets':
      return req.t('scorecards.detail.tickets', {
        overdue: n('tickets_overdue'),
        active: n('tickets_active'),
        escalated: n('tickets_escalated'),
      });
    case 'reports': {
      const counts = req.t('scorecards.detail.reports', {
        inTime: n('reports_in_time_30d'),
        due: n('reports_due_30d'),
        received: n('reports_received'),
      });
      // Not measured (no report due in 30 days): said so, as for the others, with the counts that say why (a weight of
      // 10 beside "—" read as counted).
      return s[component] === null ? req.t('scorecards.detail.noneWithCounts', { counts }) : counts;
    }
    default:
      return req.t('scorecards.detail.sharing', { inTime: n('sharing_in_time_30d'), due: n('sharing_due_30d') });
  }
}

/** One department's period result, as the ranking lists it: score 0–100, components as ratios 0–1. */
type RankedResult = { name: string; score: number | null } & Partial<Record<(typeof COMPONENTS)[number], number | null>>;

/**
 * The horizontal bar chart comparing departments' period scores (the table under it is the
 * accessible fallback with the same figures): one bar per department with a score, in ranking order,
 * plus each component measured for someone, in percent (hidden until chosen in the legend).
 */
function rankingChart(req: Request, results: RankedResult[]) {
  const rows = results.filter((r) => r.score !== null && r.score !== undefined);
  if (rows.length === 0) return null;
  const percent = (v: number | null | undefined) => (v === null || v === undefined ? null : percentOf(v));
  return {
    labels: rows.map((r) => r.name),
    score: rows.map((r) => r.score),
    scoreLabel: req.t('scorecards.columns.score'),
    components: COMPONENTS.filter((c) => rows.some((r) => r[c] !== null && r[c] !== undefined)).map((c) => ({
      key: c,
      label: `${req.t(`scorecards.columns.${c}`)} (%)`,
      // The tooltip's name: its value says the unit (100.0%).
      name: req.t(`scorecards.columns.${c}`),
      values: rows.map((r) => percent(r[c])),
    })),
  };
}

/** Per app (tests build several apps in one process, each on its own database). */
const fragmentsByApp = new WeakMap<object, Map<string, Promise<string>>>();

/**
 * The page body that depends only on the snapshot data (not on the user or the session) is
 * rendered once per data version, period and language, then reused: the dashboard's ranking and
 * heat map are the same for everyone who may see them.
 */
function renderFragment(req: Request, view: string, key: string, locals: Record<string, unknown>): Promise<string> {
  let fragments = fragmentsByApp.get(req.app);
  if (!fragments) fragmentsByApp.set(req.app, (fragments = new Map()));
  const fullKey = `${view}|${req.locale}|${key}`;
  const hit = fragments.get(fullKey);
  if (hit) return hit;
  if (fragments.size >= 128) fragments.clear();
  // Rendered apart from the page: its callers pass the page's zone (`timezone`, the catalog's; the key's data
  // version names the catalog version, so a new catalog's zone renders anew).
  const rendering = new Promise<string>((resolve, reject) =>
    req.app.render(view, { ...locals, layout: false, locale: req.locale }, (err: Error | null, html?: string) =>
      err ? reject(err) : resolve(html ?? ''),
    ),
  );
  fragments.set(fullKey, rendering);
  rendering.catch(() => fragments!.delete(fullKey));
  return rendering;
}

/** Dashboard, department scorecards, weights, assessment periods with appeals, exports. */
export function scorecardsRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db } = ctx;
  const notifier = notifierFromConfig(db, ctx.config, ctx.logger);
  const departmentName = async (code: string) => String((await db('departments').where({ code }).first('name'))?.name ?? code);
  /**
   * What an appeal's audit rows say it is about, as the audit page reads it: the period by its name and the department
   * by its name (the office read 考核周期: 3, 部门: HR and looked both up), with the code beside it (names change).
   * Rows written before keep their number and code, shown as stored. Read on `trx`: on PGlite `db` would wait for it.
   */
  const appealSubject = async (trx: Knex.Transaction, periodId: number, code: string) => {
    const [closed, department] = [await findClosedPeriod(trx, periodId), await trx('departments').where({ code }).first('name')];
    return { period: closed.label, department: String(department?.name ?? code), department_code: code };
  };
  const tz = ctx.config.timezone;
  /** The university's time zone (the catalog calendar's; the service's TZ before any catalog). */
  const zone = () => universityTimezone(db, tz);
  /** Today there: a period may end before it, weights take effect from it, the snapshot button takes it. */
  const today = async () => todayIn(await zone(), ctx.now());
  const period = (req: Request, version?: DataVersion) =>
    choosePeriod(db, req.query as Record<string, unknown>, tz, ctx.now(), version?.catalog);

  /**
   * The period of a page with the range form (dashboard, scorecard). A bad `from`/`to` or an unknown
   * `period` does not replace the page with an error page: the page comes back (422) for the default
   * period, with the dates as typed and each message under its input (an unknown period's under the menu).
   */
  async function pagePeriod(req: Request, version: DataVersion) {
    const query = req.query as Record<string, unknown>;
    const typed = { from: String(query.from ?? ''), to: String(query.to ?? '') };
    try {
      const p = await period(req, version);
      return { p, range: p.kind === 'range' ? typed : { from: p.from, to: p.to }, fields: null };
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // Without the period's parameters (also `period[]=…`): the default period, shown under the messages.
      const rest = Object.fromEntries(Object.entries(query).filter(([k]) => !/^(from|to|period)(\[|$)/.test(k)));
      const p = await choosePeriod(db, rest, tz, ctx.now(), version.catalog);
      const fields = fieldMessages(err, req);
      return { p, range: fields.from || fields.to ? typed : { from: p.from, to: p.to }, fields };
    }
  }

  // The nav entry: the dashboard for those who see every department, else one's own scorecard.
  // The period asked for (`?period=month`, `?from=…&to=…`, an old bookmark) goes along: the page it lands on reads it.
  router.get('/scorecards', authorize('scorecards.list'), (req, res) => {
    res.redirect(
      (can(req.user!, 'scorecards.dashboard') ? '/dashboard' : `/scorecards/${encodeURIComponent(req.user!.department)}`) +
        sentQuery(req),
    );
  });

  router.get('/dashboard', authorize('scorecards.dashboard'), async (req, res) => {
    const version = await dataVersion(db);
    const { p, range, fields } = await pagePeriod(req, version);
    const model = await dashboardModel(db, { today: p.today, from: p.from, to: p.to, version });
    const fragment = await renderFragment(
      req,
      'pages/scorecards/dashboard-body',
      `${version.key}|${periodQuery(p)}|${p.from}|${p.to}`,
      {
        timezone: await zone(),
        period: p,
        periodQuery: periodQuery(p),
        ...model,
        // No chart while no day has a mean (no department scored yet): the page says so instead.
        chart: model.trend?.mean.some((v) => v !== null)
          ? { ...model.trend, meanLabel: req.t('scorecards.dashboard.mean') }
          : null,
        trendTable: model.trend?.mean.some((v) => v !== null)
          ? trendTable(model.trend.labels, [
              { label: req.t('scorecards.dashboard.mean'), values: model.trend.mean, format: formatScore },
              ...model.trend.series.map((s) => ({ label: s.name, values: s.scores, format: formatScore })),
            ])
          : null,
        barChart: rankingChart(req, model.results as RankedResult[]),
      },
    );
    res.status(fields ? 422 : 200).render('pages/scorecards/dashboard', {
      title: req.t('scorecards.dashboard.title'),
      css: CSS,
      period: p,
      periodQuery: periodQuery(p),
      range,
      fields,
      canManage: can(req.user!, 'scorecards.manage'),
      // Reports waiting for the IT office to route them belong to no department yet, so 待处理纠错 (the departments'
      // open report tickets) leaves them out: said beside it, live, while the period holds today.
      awaitingTriage:
        model.pastPeriod || p.from > p.today
          ? 0
          : Number((await db('reports').where({ status: 'triage' }).count({ n: '*' }).first())?.n ?? 0),
      canTriage: can(req.user!, 'reports.triage'),
      fragment,
    });
  });

  async function weightsPage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const day = await today();
    const [current, history] = await Promise.all([weightsFor(db, day), weightsHistory(db)]);
    res.status(status).render('pages/scorecards/weights', {
      title: req.t('scorecards.weights.title'),
      css: CSS,
      components: COMPONENTS.map((c) => ({
        key: c,
        value: (extra.form as Record<string, unknown> | undefined)?.[`weights.${c}`] ?? current.weights[c],
        error: (extra.fields as Record<string, string> | undefined)?.[`weights.${c}`],
      })),
      history: history.map((h) => ({
        ...h,
        // Which version scores today, and which wait for their day: saved in any order, the list alone did not tell.
        state: h.id === current.id ? 'inForce' : h.valid_from > day ? 'scheduled' : null,
        cells: COMPONENTS.map((c) => h.weights[c]),
        // The migration's own row (no one wrote it) says what it is in the reader's language, not "default".
        note: !h.created_by_login && h.note === 'default' ? req.t('scorecards.weights.defaultNote') : h.note,
      })),
      componentKeys: COMPONENTS,
      // Sent back empty (the field left blank means today), it shows today again rather than nothing.
      validFrom: (extra.form as Record<string, unknown> | undefined)?.valid_from || day,
      // The history the form was opened with (a form sent back with a mistake keeps the one it was opened with: extra).
      editedFrom: weightsFormVersion(history[0]),
      ...extra,
    });
  }

  router.get('/scorecards/weights', authorize('scorecards.manage'), (req, res) => weightsPage(req, res));

  router.post('/scorecards/weights', authorize('scorecards.manage'), async (req, res) => {
    // The history the form was opened with: a version added since (another officer, another tab), nothing is added.
    const editedFrom = sentFormVersion(req.body);
    try {
      const input = parseWeights(req.body, await today(), (c) => req.t(`scorecards.columns.${c}`));
      const saved = await db.transaction(async (trx) => {
        const { same } = await checkNewWeightsVersion(trx, input, editedFrom);
        if (same) return { same };
        const id = await addWeightsVersion(trx, { ...input, userId: req.user!.id, login: req.user!.login });
        await appendAudit(trx, {
          actor: auditActor(req),
          action: 'scorecards.weights',
          objectType: 'scorecard_weights',
          objectId: id,
          summary: { weights: input.weights, valid_from: input.validFrom, note: input.note ?? undefined },
          ...auditOrigin(req),
        });
        // A version saved earlier for a later day takes over from that day (the latest valid_from applies): said now,
        // or this change would end there without a word.
        return { later: await nextWeightsVersion(trx, input.validFrom) };
      });
      const later = 'later' in saved ? saved.later : undefined;
      req.session.flash = saved.same
        ? { kind: 'info', text: req.t('scorecards.weights.unchanged', { id: saved.same.id }) }
        : later
          ? {
              kind: 'info',
              text: req.t('scorecards.weights.savedUntil', { day: input.validFrom, later: later.valid_from, id: later.id }),
            }
          : { kind: 'success', text: req.t('scorecards.weights.saved', { day: input.validFrom }) };
      res.redirect('/scorecards/weights');
    } catch (err) {
      const form = { ...req.body, note: asTyped(req.body?.note) };
      if (err instanceof ConflictError) {
        // The page again, what was typed in its boxes, the version added meanwhile named in the message (and in the
        // history below) to compare; the form now carries the history as it is.
        const [newest] = await weightsHistory(db);
        const weights = COMPONENTS.map((c) => `${req.t(`scorecards.columns.${c}`)} ${newest.weights[c]}`).join(
          req.t('common.enumSeparator'),
        );
        res.locals.flash = {
          kind: 'error',
          text: req.t(err.messageKey, {
            ...err.params,
            id: newest.id,
            by: newest.created_by_login ?? '—',
            day: newest.valid_from,
            weights,
          }),
        };
        return weightsPage(req, res, { form }, 409);
      }
      if (!(err instanceof ValidationError)) throw err;
      await weightsPage(
        req,
        res,
        { form, fields: fieldMessages(err, req), ...(editedFrom !== undefined ? { editedFrom } : {}) },
        422,
      );
    }
  });

  // The button's address opened again after an app-wide error page (a refused CSRF token, 403): the dashboard it is on.
  router.get('/scorecards/snapshot', authorize('scorecards.manage'), (_req, res) => res.redirect('/dashboard'));

  router.post('/scorecards/snapshot', authorize('scorecards.manage'), async (req, res) => {
    const timezone = await zone();
    const outcome = await snapshotDay(db, {
      day: todayIn(timezone, ctx.now()),
      timezone,
      // Who took it by hand, for which day, over how many departments: a day's figures replaced outside the hourly
      // schedule (which writes no audit row). A day of a closed period is left as it was, so nothing is recorded then.
      written: (trx, done) =>
        appendAudit(trx, {
          actor: auditActor(req),
          action: 'scorecards.snapshot',
          objectType: 'scorecard_snapshot',
          objectId: done.day,
          summary: { day: done.day, departments: done.departments, weights_version: done.weightsVersionId ?? undefined },
          ...auditOrigin(req),
        }).then(() => undefined),
    });
    req.session.flash = outcome.skipped
      ? { kind: 'info', text: req.t('scorecards.snapshot.closed', { day: outcome.day }) }
      : { kind: 'success', text: req.t('scorecards.snapshot.done', { day: outcome.day, count: outcome.departments }) };
    res.redirect(`/dashboard${dashboardPeriodQuery(req.body?.period_query)}`);
  });

  /**
   * The period the dashboard showed when 立即生成今日快照 was pressed (the form's period_query, as periodQuery wrote it),
   * so the office comes back to it rather than to this month. Only `period`, `from` and `to`, each a short word or
   * date, are carried over; the dashboard judges their values as it judges any address.
   */
  function dashboardPeriodQuery(sent: unknown): string {
    if (typeof sent !== 'string' || sent.length > 200) return '';
    const kept = new URLSearchParams();
    for (const [key, value] of new URLSearchParams(sent))
      if (['period', 'from', 'to'].includes(key) && /^[\w-]{1,40}$/.test(value)) kept.append(key, value);
    const query = kept.toString();
    return query ? `?${query}` : '';
  }

  async function periodsPage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    // Only the presets are needed here, whatever the query says.
    const p = await choosePeriod(db, {}, tz, ctx.now());
    const closingToday = await today();
    // The presets as they can be closed now: ending yesterday at the latest (a semester without a next
    // start would otherwise run "until today", which cannot be closed).
    const closable = p.choices.map((c) => ({ kind: c.kind, ...closablePeriod(c, closingToday) })).filter((c) => c.from);
    // Departments (stewards, leaders) see the list read-only, with their own result and appeal only.
    const seesAll = can(req.user!, 'scorecards.dashboard');
    const own = req.user!.department;
    const periods = await listClosedPeriods(db, seesAll ? {} : { department: own });
    // A preset whose dates were closed already (上月 once last month is closed) is no longer offered nor put in the
    // form — closing it again is refused as already closed (closePeriod) — but named under the others, saying why.
    const isClosed = (c: { from?: string; to?: string }) => periods.some((x) => x.from === c.from && x.to === c.to);
    const choices = closable.filter((c) => !isClosed(c));
    res.status(status).render('pages/scorecards/periods', {
      title: req.t('scorecards.periods.title'),
      css: CSS,
      periods,
      seesAll,
      canAppeal: can(req.user!, 'scorecards.appeal', { department: own }),
      choices,
      closedChoices: closable.filter(isClosed),
      closableUntil: addDays(closingToday, -1),
      canManage: can(req.user!, 'scorecards.manage'),
      form: { from: choices[0]?.from ?? '', to: choices[0]?.to ?? '', label: '' },
      ...extra,
    });
  }

  router.get('/scorecards/periods', authorize('scorecards.list'), (req, res) => periodsPage(req, res));

  /**
   * After a period is closed (and committed), each department it scored hears of it in its stewards' and
   * leaders' inboxes: its own score and rank, and the link to the period's page where it may appeal. A notice
   * that cannot be delivered is logged; the period stays closed.
   */
  async function noticeOfClosing(closed: ClosedPeriod) {
    const ranked = closed.results.filter((r) => r.rank !== null).length;
    const title = noticeText('scorecards.notices.closed', { period: closed.label });
    for (const r of closed.results) {
      const params = { department: r.name, period: closed.label, from: closed.from, to: closed.to };
      try {
        await notifier.department(
          r.department,
          {
            kind: 'scorecards.period_closed',
            title,
            body:
              r.score === null || r.rank === null
                ? noticeText('scorecards.notices.closedUnscored', params)
                : noticeText('scorecards.notices.closedScored', { ...params, score: formatScore(r.score), rank: r.rank, ranked }),
            link: `/scorecards/periods/${closed.id}`,
            en: {
              title: noticeTextEn('scorecards.notices.closed', { period: closed.label }),
              body:
                r.score === null || r.rank === null
                  ? noticeTextEn('scorecards.notices.closedUnscored', params)
                  : noticeTextEn('scorecards.notices.closedScored', {
                      ...params,
                      score: formatScore(r.score),
                      rank: r.rank,
                      ranked,
                    }),
            },
            // The department's assessment result is its leaders' business too, not only the stewards'.
          },
          { leaders: true },
        );
      } catch (err) {
        ctx.logger.error({ err, department: r.department, period: closed.id }, 'period-closed notice not delivered');
      }
    }
  }

  router.post('/scorecards/periods', authorize('scorecards.manage'), async (req, res) => {
    try {
      const { from, to } = parseRange(req.body);
      const confirmEmpty = ['1', 'on', 'true'].includes(String(req.body.confirm_empty ?? ''));
      // Read before the transaction: a query on `db` inside it waits forever on PGlite's one connection.
      const closingToday = await today();
      const closed = await db.transaction(async (trx) => {
        const row = await closePeriod(trx, {
          from,
          to,
          label: String(req.body.label ?? ''),
          today: closingToday,
          userId: req.user!.id,
          login: req.user!.login,
          now: ctx.now(),
        });
        // No department has a score in it (every past period on a fresh install, or days no check measured): closed, it
        // stays empty for good — closing cannot be undone, and its days are never snapshotted again. Refused unless
        // the office ticks 仍然关账（本期无评分）, shown with the refusal; thrown inside the transaction, nothing is kept.
        if (!confirmEmpty && !hasScores(row.results))
          throw new ValidationError([{ field: 'confirm_empty', key: 'scorecards.errors.closeEmpty', params: { from, to } }]);
        await appendAudit(trx, {
          actor: auditActor(req),
          action: 'scorecards.close',
          objectType: 'assessment_period',
          objectId: row.id,
          summary: {
            from,
            to,
            label: row.label,
            departments: row.results.length,
            // Said only when it mattered: closed with no department scored, as the office confirmed.
            confirmed_empty: hasScores(row.results) ? undefined : true,
          },
          ...auditOrigin(req),
        });
        return row;
      });
      await noticeOfClosing(closed);
      req.session.flash = { kind: 'success', text: req.t('scorecards.periods.closed', { label: closed.label }) };
      res.redirect(`/scorecards/periods/${closed.id}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      await periodsPage(
        req,
        res,
        { form: { ...req.body, label: asTyped(req.body?.label) }, fields: fieldMessages(err, req) },
        422,
      );
    }
  });

  /**
   * A closed period's page: every department's row for those who see all, else one's own row and
   * appeal. `fields`/`form` bring the appeal form back with what was typed; `answerFields`/`answers`
   * (by appeal id) bring an answer form back; `refused` is an appeal refused because the department had appealed
   * already (a colleague first): its text is shown where the form was, to be copied, and the message names who
   * appealed and when.
   */
  async function periodPage(
    req: Request,
    res: Response,
    periodId: number,
    extra: {
      fields?: Record<string, string>;
      form?: Record<string, unknown>;
      answerFields?: Record<number, string>;
      answers?: Record<number, unknown>;
      refused?: { comment: string };
      /** An answer refused because a colleague had answered the appeal (by appeal id): the text to copy. */
      answerRefused?: Record<number, string>;
    } = {},
    status = 200,
  ) {
    const closed = await findClosedPeriod(db, periodId);
    const all = can(req.user!, 'scorecards.dashboard');
    const own = req.user!.department;
    const appeals = await appealsOf(db, closed.id, all ? undefined : own);
    // A department without a result in the period (it scored no day of it) may appeal too: its name from the departments.
    const unnamed = [...new Set(appeals.map((a) => a.department_code))].filter(
      (code) => !closed.results.some((r) => r.department === code),
    );
    const names = new Map<string, string>(
      unnamed.length
        ? ((await db('departments').whereIn('code', unnamed).select('code', 'name')) as { code: string; name: string }[]).map(
            (d) => [d.code, d.name],
          )
        : [],
    );
    const byDepartment = new Map(appeals.map((a) => [a.department_code, a]));
    const results = all ? closed.results : closed.results.filter((r) => r.department === own);
    const canAppeal = can(req.user!, 'scorecards.appeal', { department: own }) && !byDepartment.has(own);
    /** A refusal because someone acted first: who and when (to the minute), or the plain refusal if that is gone. */
    const refusedBy = async (
      key: string,
      name: string | null | undefined,
      at: Date | string | null | undefined,
      otherwise: string,
    ) => ({
      kind: 'error' as const,
      text: at ? req.t(key, { name: name ?? '', at: wallClockText(new Date(at), await zone()).slice(0, 16) }) : req.t(otherwise),
    });
    if (extra.refused) {
      const first = byDepartment.get(own);
      res.locals.flash = await refusedBy(
        'scorecards.appeals.refused',
        first?.created_by_name,
        first?.created_at,
        'scorecards.errors.appealExists',
      );
    }
    const refusedAnswer = Object.keys(extra.answerRefused ?? {}).map(Number)[0];
    if (refusedAnswer !== undefined) {
      const answered = appeals.find((a) => Number(a.id) === refusedAnswer);
      res.locals.flash = await refusedBy(
        'scorecards.appeals.answerRefused',
        answered?.answered_by_name,
        answered?.answered_at,
        'scorecards.errors.appealAnswered',
      );
    }
    res.status(status).render('pages/scorecards/period', {
      title: closed.label,
      css: CSS,
      closed,
      results: results.map((r) => ({
        ...r,
        appeal: byDepartment.get(r.department) ?? null,
      })),
      // A department reads its own row only: its rank says out of how many, as the periods list does (5 / 8).
      rankedOf: all ? null : closed.results.filter((r) => r.rank !== null).length,
      // Departments compared: for those who see every department. A department reads its own row only, and one bar
      // headed 各部门本周期得分 compared nothing with nothing.
      barChart: all ? rankingChart(req, results as RankedResult[]) : null,
      // What the department and the IT office typed, as every reader sees it: ID numbers and phones masked
      // (the sharing workflow's opinions and the tickets' comments are shown so too).
      appeals: appeals.map((a) => ({
        ...a,
        // Headed by the department's name, as the rest of the page (the office read "HR" and mapped codes by hand).
        department_name:
          closed.results.find((r) => r.department === a.department_code)?.name ??
          names.get(a.department_code) ??
          a.department_code,
        comment: maskFreeText(a.comment),
        answer: a.answer == null ? a.answer : maskFreeText(a.answer),
        answerError: extra.answerFields?.[a.id],
        answerTyped: extra.answers?.[a.id],
        answerRefused: extra.answerRefused?.[a.id],
      })),
      canAnswer: can(req.user!, 'scorecards.manage'),
      // The exports' own permission: university leaders export too, though only the IT office answers appeals; a
      // department's stewards and leaders get their own row.
      canExport: can(req.user!, 'scorecards.export'),
      canAppeal,
      components: COMPONENTS,
      fields: extra.fields ?? {},
      // Refused, yet the department has no appeal now (removed since): the form again, with the text in it.
      form: extra.form ?? (canAppeal && extra.refused ? extra.refused : {}),
      refused: canAppeal ? null : (extra.refused ?? null),
    });
  }

  router.get('/scorecards/periods/:id', authorize('scorecards.list'), (req, res) => periodPage(req, res, pathId(req.params.id)));

  // A refused appeal's page stands at its POST address: a reload without resending, or the address opened again, is
  // the period's page (it was a 404). The page authorizes the reader; another spelling of a number is a 404 there too.
  router.get('/scorecards/periods/:id/appeals', authorize('scorecards.list'), (req, res) =>
    res.redirect(`/scorecards/periods/${pathIdOr404(req.params.id)}`),
  );

  router.post('/scorecards/periods/:id/appeals', authorize('scorecards.list'), async (req, res) => {
    const department = req.user!.department;
    assertCan(req.user, 'scorecards.appeal', { department });
    const periodId = pathId(req.params.id);
    let appeal;
    try {
      appeal = await db.transaction(async (trx) => {
        const row = await addAppeal(trx, {
          periodId,
          department,
          comment: req.body.comment,
          userId: req.user!.id,
          userName: req.user!.name,
          now: ctx.now(),
        });
        await appendAudit(trx, {
          actor: auditActor(req),
          action: 'scorecards.appeal',
          objectType: 'scorecard_appeal',
          objectId: row.id,
          summary: await appealSubject(trx, periodId, department),
          ...auditOrigin(req),
        });
        return row;
      });
    } catch (err) {
      // The same text sent again by the same person (a double click, a resent form): done, nothing changed.
      if (err instanceof AlreadyDoneError) {
        req.session.flash = { kind: 'info', text: req.t(err.messageKey, err.params) };
        return res.redirect(303, `/scorecards/periods/${periodId}#appeal-${err.params.id}`);
      }
      // Appealed already (a colleague first, at the same moment too, or one's own other text): the period's page comes
      // back saying who appealed when, with the refused text on it — a redirect lost what was typed.
      if (err instanceof AppError && err.status === 409) {
        const typed = typeof req.body.comment === 'string' ? shownAsBrowserShows(req.body.comment) : '';
        return periodPage(req, res, periodId, { refused: { comment: typed } }, 409);
      }
      if (!(err instanceof ValidationError)) throw err;
      return periodPage(
        req,
        res,
        periodId,
        { fields: fieldMessages(err, req), form: { comment: asTyped(req.body.comment) } },
        422,
      );
    }
    // After the commit: a notice never announces an appeal that was rolled back.
    const period = await findClosedPeriod(db, periodId);
    await notifier.office(
      {
        kind: 'scorecards.appeal',
        title: noticeText('scorecards.notices.appealed', { department: await departmentName(department), period: period.label }),
        body: maskFreeText(appeal.comment),
        link: `/scorecards/periods/${periodId}`,
        en: {
          title: noticeTextEn('scorecards.notices.appealed', {
            department: await departmentName(department),
            period: period.label,
          }),
        },
      },
      { email: true },
    );
    req.session.flash = { kind: 'success', text: req.t('scorecards.appeals.sent') };
    res.redirect(`/scorecards/periods/${periodId}`);
  });

  // A sent-back answer stands at its POST address: a reload without resending, an error page's reload, or the address
  // opened again, is the appeal on its period's page (it was a 404). Only for those who answer appeals: the others
  // learn nothing of which appeals exist.
  router.get('/scorecards/appeals/:id/answer', authorize('scorecards.manage'), async (req, res) => {
    const appealId = pathIdOr404(req.params.id);
    const { period_id } = await findAppeal(db, appealId);
    res.redirect(`/scorecards/periods/${Number(period_id)}#appeal-${appealId}`);
  });

  router.post('/scorecards/appeals/:id/answer', authorize('scorecards.manage'), async (req, res) => {
    const appealId = pathId(req.params.id);
    let appeal;
    try {
      appeal = await db.transaction(async (trx) => {
        const row = await answerAppeal(trx, {
          appealId,
          answer: req.body.answer,
          userId: req.user!.id,
          userName: req.user!.name,
          now: ctx.now(),
        });
        await appendAudit(trx, {
          actor: auditActor(req),
          action: 'scorecards.answer',
          objectType: 'scorecard_appeal',
          objectId: row.id,
          summary: await appealSubject(trx, Number(row.period_id), row.department_code),
          ...auditOrigin(req),
        });
        return row;
      });
    } catch (err) {
      // The same answer sent again by the same person (a double click, a resent form): done, nothing changed.
      if (err instanceof AlreadyDoneError) {
        const { period_id } = await findAppeal(db, appealId);
        req.session.flash = { kind: 'info', text: req.t(err.messageKey, err.params) };
        return res.redirect(303, `/scorecards/periods/${period_id}#appeal-${appealId}`);
      }
      // Answered already by a colleague (first, or at the same moment): the period's page comes back saying who answered
      // when, with the refused text under that appeal to copy — a redirect lost what was typed.
      if (err instanceof AppError && err.status === 409) {
        const { period_id } = await findAppeal(db, appealId);
        const typed = typeof req.body.answer === 'string' ? shownAsBrowserShows(req.body.answer) : '';
        return periodPage(req, res, Number(period_id), { answerRefused: { [appealId]: typed } }, 409);
      }
      if (!(err instanceof ValidationError)) throw err;
      // The appeal exists (answerAppeal looks it up before it reads the answer): back to its period's page.
      const { period_id } = await findAppeal(db, appealId);
      const message = fieldMessages(err, req).answer;
      return periodPage(
        req,
        res,
        Number(period_id),
        { answerFields: { [appealId]: message }, answers: { [appealId]: asTyped(req.body.answer) } },
        422,
      );
    }
    const period = await findClosedPeriod(db, Number(appeal.period_id));
    await notifier.department(
      appeal.department_code,
      {
        kind: 'scorecards.appeal_answered',
        title: noticeText('scorecards.notices.answered', { period: period.label }),
        body: maskFreeText(appeal.answer ?? ''),
        link: `/scorecards/periods/${appeal.period_id}`,
        en: { title: noticeTextEn('scorecards.notices.answered', { period: period.label }) },
      },
      { email: true, leaders: true },
    );
    req.session.flash = { kind: 'success', text: req.t('scorecards.appeals.answered') };
    res.redirect(`/scorecards/periods/${appeal.period_id}`);
  });

  /**
   * The rows an export holds: every department's for those who see all; else (a department's stewards and leaders)
   * their own department's row only, its rank still among all departments as their scorecard and the API say it.
   * Their file is named with their department's code.
   */
  async function exportData(req: Request) {
    const p = await period(req);
    const { results, closed } = await cachedPeriodResults(db, p.from, p.to);
    const own = can(req.user!, 'scorecards.dashboard') ? null : req.user!.department;
    // A period that is not over (its last day today or later, not closed) counts the snapshots taken so far: the file
    // says up to which day, as the dashboard says 最近快照.
    const asOf = closed || p.to < p.today ? null : await lastSnapshotDay(db, p.from, snapshotCutoff(p.today, p.to));
    return {
      p,
      asOf,
      results: own === null ? results : results.filter((r) => r.department === own),
      rankedOf: own === null ? null : results.filter((r) => r.rank !== null).length,
      // No department at all: no snapshot in the period (the dashboard says which of the two).
      empty: results.length > 0 ? null : p.from > p.today ? ('notStarted' as const) : ('noSnapshots' as const),
      label: closed?.label ?? p.label ?? undefined,
      name: `scorecards-${own === null ? '' : `${encodeURIComponent(own)}-`}${p.from}-${p.to}`,
    };
  }

  router.get('/scorecards/export.csv', authorize('scorecards.export'), async (req, res) => {
    const { results, name } = await exportData(req);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
    res.send(resultsCsv(results, req.t));
  });

  router.get('/scorecards/export.xlsx', authorize('scorecards.export'), async (req, res) => {
    const { p, results, label, name, asOf, rankedOf, empty } = await exportData(req);
    const body = await resultsWorkbook(results, req.t, { from: p.from, to: p.to, label, asOf, rankedOf, empty });
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', `attachment; filename="${name}.xlsx"`);
    res.send(body);
  });

  router.get(
    '/scorecards/:code',
    // Signed in and shown scorecards at all first: the redirect below tells real codes from made-up ones.
    authorize('scorecards.list'),
    // A department's code as the catalog writes it (`/scorecards/hr` → `/scorecards/HR`, its query kept), as
    // /departments/:code does: table names work in any case too.
    async (req, res, next) => {
      const code = String(req.params.code);
      const written = await departmentCodeAsWritten(db, code);
      if (written === null || written === code) return next();
      res.redirect(302, `/scorecards/${encodeURIComponent(written)}${sentQuery(req)}`);
    },
    authorize('scorecards.view', (req) => ({ department: String(req.params.code) })),
    async (req, res) => {
      // No department has a NUL in its code (the database cannot even hold one: asking it is a 500).
      if (String(req.params.code).includes('\u0000')) throw new NotFoundError();
      const version = await dataVersion(db);
      const { p, range, fields } = await pagePeriod(req, version);
      const model = await scorecardModel(db, {
        department: String(req.params.code),
        today: p.today,
        from: p.from,
        to: p.to,
        version,
      });
      if (!model) throw new NotFoundError();
      const { department } = model;
      const snapshot = model.snapshot as Record<string, number | null> | null;
      const fragment = await renderFragment(
        req,
        'pages/scorecards/scorecard-body',
        `${version.key}|${department.code}|${p.from}|${p.to}`,
        {
          timezone: await zone(),
          period: p,
          ...model,
          breakdown: snapshot
            ? COMPONENTS.map((c) => ({
                key: c,
                value: snapshot[c],
                weight: (model.weights?.weights as Record<string, number> | undefined)?.[c] ?? null,
                detail: componentDetail(req, c, snapshot),
              }))
            : [],
          // A trend with no score on any day (a department never scored) is no chart: the page says so.
          chart: model.trend?.score.some((v: number | null) => v !== null)
            ? {
                ...model.trend,
                scoreLabel: req.t('scorecards.columns.score'),
                componentLabels: Object.fromEntries(COMPONENTS.map((c) => [c, req.t(`scorecards.columns.${c}`)])),
              }
            : null,
          // The chart's figures as a table: its components were otherwise reachable only through the legend.
          trendTable: model.trend?.score.some((v: number | null) => v !== null)
            ? trendTable(model.trend.labels, [
                { label: req.t('scorecards.columns.score'), values: model.trend.score, format: formatScore },
                ...COMPONENTS.filter((c) => model.trend!.components[c].some((v) => v !== null)).map((c) => ({
                  label: req.t(`scorecards.columns.${c}`),
                  values: model.trend!.components[c],
                  format: (v: number) => `${v.toFixed(1)}%`,
                })),
              ])
            : null,
        },
      );
      res.status(fields ? 422 : 200).render('pages/scorecards/scorecard', {
        title: req.t('scorecards.scorecard.title', { name: department.name }),
        css: CSS,
        department,
        period: p,
        periodQuery: periodQuery(p),
        range,
        fields,
        overdue: model.overdue.map((t: { message: string; message_en?: string | null }) => ({
          ...t,
          // As the ticket pages show it: an ID number a sentence stored before kept whole, masked.
          message: maskIdNumbersIn(ticketMessage(t, req.locale)),
        })),
        canSeeAll: can(req.user!, 'scorecards.dashboard'),
        // A department's own export (its row only) from its scorecard; those who see all export from the dashboard.
        canExportOwn: !can(req.user!, 'scorecards.dashboard') && can(req.user!, 'scorecards.export'),
        fragment,
      });
    },
  );

  return router;
}
