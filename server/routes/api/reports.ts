import { Request, Response, Router } from 'express';
import { apiRouter } from './router';
import { ipKeyGenerator, rateLimit, type RateLimitInfo } from 'express-rate-limit';
import { auditOrigin } from '../../auth/login';
import type { AppContext } from '../../context';
import { NotFoundError, TooManyRequestsError, ValidationError } from '../../errors';
import { acceptBodyKeys } from '../../http/body-keys';
import { pathId } from '../../http/path-id';
import { respondOnce } from '../../http/idempotency';
import { echoedQueryText, listQueryProblems } from '../../http/query-values';
import { authorize } from '../../middleware/authorize';
import { can } from '../../policies';
import { DatabaseRateLimitStore } from '../../middleware/rate-limit-store';
import { rateLimitHeadersOnAnswer, secondsToReset } from '../../middleware/rate-limit-headers';
import { notifierFromConfig } from '../../services/notifications';
import { pageParams } from '../../presenters/paging';
import { tableFilter } from './filters';
import { loadCurrentCatalog } from '../../services/catalog/repository';
import {
  findReport,
  hubValueVisible,
  isReportStatusFilter,
  listMyReports,
  maskReportFor,
  notifyReporters,
  RawReport,
  REPORT_STATUS_FILTERS,
  ReportFilters,
  ReportLimitError,
  REPORTS_PER_HOUR,
  submitReport,
  toPublicReport,
  withdrawReport,
  notifyWithdrawnClosed,
} from '../../services/reports';
import { pathSegmentShown } from '../../services/characters';

/** Report submissions one address may make per hour through the API (on top of 20 per user, counted in the database). */
export const API_REPORTS_PER_IP_HOUR = 100;
const PER_IP_WINDOW_MS = 3_600_000;
/** The address's limit's name in the RateLimit headers (as express-rate-limit names it). */
const PER_IP_POLICY = `${API_REPORTS_PER_IP_HOUR}-in-1hr`;
/** The per-account limit's name in the RateLimit headers of its refusal, after the address's. */
const ACCOUNT_POLICY = `${REPORTS_PER_HOUR}-per-account-in-1hr`;

/** What a report's body holds (README, API; `record_key`'s own keys are the table's key columns): any other key is a 422 naming it. */
const REPORT_KEYS = acceptBodyKeys({
  table: true,
  field: true,
  record_key: true,
  description: true,
  suggested_value: true,
  observed_value: true,
});

/** A withdrawal's body: its optional reason; any other key is a 422 naming it. */
const WITHDRAW_KEYS = acceptBodyKeys({ reason: true });

/**
 * Error reports API (a public contract):
 * - `POST /api/v1/reports` `{"table", "field", "record_key": {"<key column>": "…"}, "description", "suggested_value"?, "observed_value"?}`
 *   (`observed_value`: the value the reporter saw and believes wrong; the report keeps whether the hub held it)
 *   → 201 `{"id", "ticket_id"}` (`ticket_id` null while the IT office triages reports first);
 *   422 `{error, message, fields: {table|field|record_key|record_key.<column>|description|suggested_value|observed_value: message}}`;
 *   429 over 20 reports an hour for the user — its message says when the next may be sent, with `Retry-After` (seconds)
 *   and the account's policy in the RateLimit headers — or over 100 reports filed from one address (refused bodies and
 *   replays do not count).
 * - `GET /api/v1/reports/mine?status=&table=&page=&per_page=` → `{items, total, page, per_page}`: the caller's
 *   reports, newest first, each with status, answer and `reporters` (the people who reported its ticket's record, each
 *   once); `status` is the status the reporter sees (`triage`, `rejected`, `open`, `acknowledged`, `fixed`,
 *   `resolved`, `closed`, or `active` for those not finished: `triage` and the first three of the ticket's), anything
 *   else 422; `per_page` at most 200 (default 50).
 * - `GET /api/v1/reports/:id` → one of the caller's reports; 404 for anyone else's.
 * - `POST /api/v1/reports/:id/withdraw` `{"reason"?}` → 200 the report, `status: "withdrawn"`: its reporter takes it
 *   back (waiting for triage, or its ticket open or acknowledged with no answer and no "not ours"); 404 for another's
 *   report (403 for the IT office, which may read it); 409 once answered, and 409 `conflict` saying nothing was changed
 *   for one already withdrawn; 422 `fields.reason` over 500 characters.
 */
export function reportsApi(ctx: AppContext): Router {
  const router = apiRouter();
  const notifier = notifierFromConfig(ctx.db, ctx.config, ctx.logger);
  // Reports filed count, nothing else: a refused body (422) or a retry answered from its Idempotency-Key made no
  // report, and counting them let one faulty client behind a campus NAT lock everyone there out for an hour.
  const filed = (_req: Request, res: Response) => res.statusCode === 201 && res.getHeader('Idempotent-Replayed') === undefined;
  const perIp = rateLimit({
    windowMs: PER_IP_WINDOW_MS,
    limit: API_REPORTS_PER_IP_HOUR,
    // Written by perIpHeaders once the answer is known: the limiter's own said a refused request counted (r=76 with
    // 77 left) before it gave the hit back.
    standardHeaders: false,
    legacyHeaders: false,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
    skipFailedRequests: true,
    requestWasSuccessful: filed,
    handler: (req, res, next) => {
      // As the limiter's own headers said it: when the address's hour ends.
      res.setHeader(
        'Retry-After',
        String(secondsToReset((req as Request & { rateLimit?: RateLimitInfo }).rateLimit, PER_IP_WINDOW_MS)),
      );
      next(new TooManyRequestsError());
    },
    store: new DatabaseRateLimitStore(ctx.db, 'api-reports'),
  });
  const perIpHeaders = rateLimitHeadersOnAnswer({ name: PER_IP_POLICY, windowMs: PER_IP_WINDOW_MS, counts: filed });

  router.post('/reports', authorize('reports.file'), REPORT_KEYS, perIpHeaders, perIp, async (req, res) => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as RawReport;
    await respondOnce(ctx.db, req, res, ctx.now(), async () => {
      const result = await submitReport(
        { db: ctx.db, hub: ctx.hub, timezone: ctx.config.timezone, notifier },
        { raw: body, reporter: req.user!, now: ctx.now(), origin: auditOrigin(req) },
      ).catch((err: unknown) => {
        // The account's limit, not the address's: when to retry, and the account's policy after the address's in the
        // RateLimit headers (the address's says what it has left: this refusal does not count).
        if (err instanceof ReportLimitError) {
          res.setHeader('Retry-After', String(err.retryAfterSeconds));
          res.append('RateLimit', `"${ACCOUNT_POLICY}"; r=0; t=${err.retryAfterSeconds}`);
          res.append('RateLimit-Policy', `"${ACCOUNT_POLICY}"; q=${REPORTS_PER_HOUR}; w=3600`);
        }
        throw err;
      });
      // A report that reopened a fixed ticket: the earlier reporters hear of it now, not at the next job run.
      if (result.reopened && result.ticket) {
        const ticketId = Number(result.ticket.id);
        await notifyReporters(ctx.db, [ticketId]).catch((err) => ctx.logger.error({ err, ticketId }, 'report notices failed'));
      }
      return {
        status: 201,
        body: { id: Number(result.report.id), ticket_id: result.ticket ? Number(result.ticket.id) : null },
      };
    });
  });

  router.get('/reports/mine', authorize('reports.mine'), async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim() : '');
    const filters: ReportFilters = {};
    const repeated = listQueryProblems(q, { accepted: ['status', 'table', 'page', 'per_page'], oneValue: ['status', 'table'] });
    if (repeated.length) throw new ValidationError(repeated);
    if (s('status')) {
      if (!isReportStatusFilter(s('status')))
        throw new ValidationError([
          {
            field: 'status',
            key: 'reports.errors.status',
            params: { value: echoedQueryText(s('status')), allowed: REPORT_STATUS_FILTERS.join(', ') },
          },
        ]);
      filters.status = s('status') as ReportFilters['status'];
    }
    const catalog = (await loadCurrentCatalog(ctx.db))?.catalog;
    if (s('table')) filters.table = tableFilter(catalog, s('table'));
    const { page, perPage } = pageParams(req.query, 50);
    const { items, total } = await listMyReports(ctx.db, req.user!.id, filters, { limit: perPage, offset: (page - 1) * perPage });
    res.json({
      items: items.map((r) => toPublicReport(r, { hubValue: hubValueVisible(catalog, req.user!, r) })),
      total,
      page,
      per_page: perPage,
    });
  });

  router.post('/reports/:id/withdraw', authorize('reports.mine'), WITHDRAW_KEYS, async (req, res) => {
    const found = await findReport(ctx.db, pathId(req.params.id));
    if (!found || !can(req.user!, 'reports.view', { ownerId: Number(found.reporter_id) }))
      throw new NotFoundError('reports.errors.notFound', { id: pathSegmentShown(String(req.params.id)) });
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as { reason?: unknown };
    if (body.reason !== undefined && body.reason !== null && typeof body.reason !== 'string')
      throw new ValidationError([{ field: 'reason', key: 'reports.errors.valueType', params: { field: 'reason' } }]);
    const done = await withdrawReport(ctx.db, {
      reportId: Number(found.id),
      actor: req.user!,
      reason: body.reason ?? '',
      now: ctx.now(),
      origin: auditOrigin(req),
    });
    if (done.closed && done.ticket)
      await notifyWithdrawnClosed(notifier, done.ticket, done.report.withdraw_reason).catch((err) =>
        ctx.logger.error({ err, ticketId: done.ticket?.id }, 'withdrawal notice failed'),
      );
    const catalog = (await loadCurrentCatalog(ctx.db))?.catalog;
    const report = (await findReport(ctx.db, Number(found.id)))!;
    res.json(toPublicReport(report, { hubValue: hubValueVisible(catalog, req.user!, report) }));
  });

  router.get('/reports/:id', authorize('reports.mine'), async (req, res) => {
    const report = await findReport(ctx.db, pathId(req.params.id));
    if (!report || !can(req.user!, 'reports.view', { ownerId: Number(report.reporter_id) }))
      throw new NotFoundError('reports.errors.notFound', { id: pathSegmentShown(String(req.params.id)) });
    // Someone else's report (the IT office may read any): its personal data masked.
    const own = Number(report.reporter_id) === req.user!.id;
    const catalog = (await loadCurrentCatalog(ctx.db))?.catalog;
    res.json(
      toPublicReport(own ? report : maskReportFor(catalog, report), { hubValue: hubValueVisible(catalog, req.user!, report) }),
    );
  });

  return router;
}
