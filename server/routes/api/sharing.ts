import { Router } from 'express';
import { apiRouter } from './router';
import type { AppContext } from '../../context';
import { FieldError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import { acceptBodyKeys } from '../../http/body-keys';
import { respondOnce } from '../../http/idempotency';
import { echoedQueryText, listQueryProblems } from '../../http/query-values';
import { authorize } from '../../middleware/authorize';
import { can } from '../../policies';
import { pageParams } from '../../presenters/paging';
import { departmentFilter } from '../../services/department-code';
import { API_REQUEST_KEYS, inputFromBody } from '../../services/sharing/input';
import { listRequests, queueIds, type ListFilters, type ListRow } from '../../services/sharing/lists';
import { apiView, mayView, presentRequest } from '../../services/sharing/presenter';
import { loadRequest } from '../../services/sharing/repository';
import { REQUEST_STATUSES } from '../../services/sharing/types';
import {
  arbitrate,
  clock,
  copyAsDraft,
  decide,
  requestArbitration,
  saveDraft,
  submitRequest,
  withdraw,
} from '../../services/sharing/workflow';
import { actorOf, idParam } from '../sharing/actor';

/**
 * Data-sharing requests over the API (a public contract):
 * POST /sharing-requests → 201 {id, status, pending_stages} (submits; `"draft": true` only saves);
 * GET /sharing-requests (paged, filtered, with stages); GET /sharing-requests/:id; POST /sharing-requests/:id/decisions → 200 / 403 / 409 (404 to one who may not see the request, as a missing one);
 * POST …/withdraw, …/copy (a new draft from an ended or granted request, 201 {id, status, copied_from}), …/arbitration (applicant asks),
 * …/arbitration/decision (IT office).
 */
const LIST_VIEWS = ['mine', 'queue', 'decided', 'all'];

/** One request in a list: as the request itself shows it, without the form's details. */
function listItem(r: ListRow) {
  return {
    id: r.id,
    status: r.status,
    purpose: r.purpose,
    department: r.department_code,
    applicant: { id: r.applicant_id, name: r.applicant_name },
    tables: r.tables,
    submitted_at: r.submitted_at,
    created_at: r.created_at,
    stages: r.stages,
    pending_stages: r.stages
      .filter((st) => st.status === 'pending')
      .map((st) => ({ stage: st.stage, kind: st.kind, department: st.department })),
    // As a request's own `arbitration.status`: `requested` puts a refusal in the IT office's queue.
    arbitration: r.arbitration,
  };
}

/** What each write route reads from its body (README, API): any other key is a 422 naming it, before anything is judged. */
const BODY_KEYS = {
  request: acceptBodyKeys(API_REQUEST_KEYS),
  decision: acceptBodyKeys({ decision: true, reason: true, comment: true, expires_on: true, stage_id: true }),
  objection: acceptBodyKeys({ note: true }),
  arbitration: acceptBodyKeys({ decision: true, note: true }),
  none: acceptBodyKeys({}),
};

export function sharingApiRoutes(ctx: AppContext): Router {
  const router = apiRouter();

  router.post('/sharing-requests', authorize('sharing.apply'), BODY_KEYS.request, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const input = inputFromBody(body, 'api');
    await respondOnce(ctx.db, req, res, ctx.now(), async () => {
      if (body.draft === true) {
        const id = await saveDraft(ctx, actorOf(req), input, { t: req.t, mode: 'api' });
        return { status: 201, body: { id, status: 'draft', pending_stages: [] } };
      }
      const result = await submitRequest(ctx, actorOf(req), input, { mode: 'api', t: req.t });
      return { status: 201, body: { id: result.id, status: result.status, pending_stages: result.pendingStages } };
    });
  });

  /**
   * `GET /sharing-requests?view=mine|queue|decided|all&status=&department=&page=&per_page=` → `{items, total, page,
   * per_page}`, newest first, each with its stages. `mine` (default) the caller's requests, `queue` those
   * waiting for the caller's decision and `decided` those with a stage the caller decided (reviewers), `all` every
   * request (the IT office), as the pages list them.
   */
  router.get('/sharing-requests', authorize('sharing.apply'), async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim() : '');
    const view = s('view') || 'mine';
    const problems: FieldError[] = listQueryProblems(q, {
      accepted: ['view', 'status', 'department', 'page', 'per_page'],
      oneValue: ['view', 'status', 'department'],
    });
    if (!LIST_VIEWS.includes(view))
      problems.push({ field: 'view', key: 'sharing.errors.listView', params: { value: echoedQueryText(view) } });
    if (s('status') && !(REQUEST_STATUSES as readonly string[]).includes(s('status')))
      problems.push({
        field: 'status',
        key: 'sharing.errors.listStatus',
        params: { value: echoedQueryText(s('status')), allowed: REQUEST_STATUSES.join(req.t('common.enumSeparator')) },
      });
    // A department code in any case (`stu` is STU), an unknown one a 422: as the tickets list takes it.
    const department = await departmentFilter(ctx.db, s('department'), problems);
    if (problems.length) throw new ValidationError(problems);
    const user = req.user!;
    const filters: ListFilters = {
      viewerId: user.id,
      status: s('status') || undefined,
      department: department ?? undefined,
    };
    if (view === 'mine') filters.applicantId = user.id;
    else if (view === 'queue') {
      if (!can(user, 'sharing.review')) throw new ForbiddenError();
      filters.ids = await queueIds(ctx.db, user, (await clock(ctx)).today);
    } else if (view === 'decided') {
      if (!can(user, 'sharing.review')) throw new ForbiddenError();
      filters.decidedBy = user.id;
    } else if (!can(user, 'sharing.manage')) throw new ForbiddenError();
    const { page, perPage } = pageParams(req.query, 50);
    const { rows, total } = await listRequests(ctx.db, filters, perPage, (page - 1) * perPage);
    res.json({ items: rows.map(listItem), total, page, per_page: perPage });
  });

  router.get('/sharing-requests/:id', authorize('sharing.apply'), async (req, res) => {
    const loaded = await loadRequest(ctx.db, idParam(req));
    const { today } = await clock(ctx);
    // One who may not see it gets the 404 of a missing request, so request ids cannot be probed.
    if (!loaded || !mayView(req.user!, loaded, today)) throw new NotFoundError('sharing.errors.notFound');
    res.json(apiView(await presentRequest(ctx, req.user!, loaded)));
  });

  router.post('/sharing-requests/:id/decisions', authorize('sharing.review'), BODY_KEYS.decision, async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    // stage_id says which of the caller's stages (it decides who decides): a wrong one is named at once.
    const stageId = b.stage_id === undefined || b.stage_id === null || b.stage_id === '' ? undefined : b.stage_id;
    if (stageId !== undefined && !(Number.isSafeInteger(stageId) || (typeof stageId === 'string' && /^\d{1,15}$/.test(stageId))))
      throw new ValidationError([{ field: 'stage_id', key: 'sharing.errors.stageId' }]);
    // The rest as sent: the service judges it once the caller may decide (404, 403, 409 first), types included.
    const loaded = await decide(ctx, actorOf(req), idParam(req), {
      decision: b.decision,
      reason: b.reason,
      comment: b.comment,
      stageId: stageId === undefined ? undefined : Number(stageId),
      expiresOn: b.expires_on,
    });
    res.json(apiView(await presentRequest(ctx, req.user!, loaded)));
  });

  router.post('/sharing-requests/:id/copy', authorize('sharing.apply'), BODY_KEYS.none, async (req, res) => {
    await respondOnce(ctx.db, req, res, ctx.now(), async () => ({
      status: 201,
      body: { id: await copyAsDraft(ctx, actorOf(req), idParam(req)), status: 'draft', copied_from: idParam(req) },
    }));
  });

  router.post('/sharing-requests/:id/withdraw', authorize('sharing.apply'), BODY_KEYS.none, async (req, res) => {
    await withdraw(ctx, actorOf(req), idParam(req));
    res.json({ id: idParam(req), status: 'withdrawn' });
  });

  router.post('/sharing-requests/:id/arbitration', authorize('sharing.apply'), BODY_KEYS.objection, async (req, res) => {
    await requestArbitration(ctx, actorOf(req), idParam(req), req.body?.note);
    res.json({ id: idParam(req), arbitration: 'requested' });
  });

  router.post(
    '/sharing-requests/:id/arbitration/decision',
    authorize('sharing.decide_office'),
    BODY_KEYS.arbitration,
    async (req, res) => {
      await arbitrate(ctx, actorOf(req), idParam(req), { decision: req.body?.decision, note: req.body?.note });
      const loaded = (await loadRequest(ctx.db, idParam(req)))!;
      res.json(apiView(await presentRequest(ctx, req.user!, loaded)));
    },
  );

  return router;
}
