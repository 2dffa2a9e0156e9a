import { Router } from 'express';
import type { AppContext } from '../../context';
import { ForbiddenError, NotFoundError } from '../../errors';
import { authorize } from '../../middleware/authorize';
import { inputFromBody } from '../../services/sharing/input';
import { apiView, mayView, presentRequest } from '../../services/sharing/presenter';
import { loadRequest } from '../../services/sharing/repository';
import {
  arbitrate,
  clock,
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
 * GET /sharing-requests/:id; POST /sharing-requests/:id/decisions → 200 / 403 / 409;
 * POST …/withdraw, …/arbitration (applicant asks), …/arbitration/decision (IT office).
 */
export function sharingApiRoutes(ctx: AppContext): Router {
  const router = Router();

  router.post('/sharing-requests', authorize('sharing.apply'), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const input = inputFromBody(body);
    if (body.draft === true) {
      const id = await saveDraft(ctx, actorOf(req), input, { t: req.t });
      res.status(201).json({ id, status: 'draft', pending_stages: [] });
      return;
    }
    const result = await submitRequest(ctx, actorOf(req), input, { mode: 'api', t: req.t });
    res.status(201).json({ id: result.id, status: result.status, pending_stages: result.pendingStages });
  });

  router.get('/sharing-requests', authorize('sharing.apply'), async (req, res) => {
    const rows = await ctx
      .db('sharing_requests')
      .where({ applicant_id: req.user!.id })
      .orderBy('id', 'desc')
      .limit(200)
      .select('id', 'status', 'purpose', 'submitted_at', 'created_at');
    res.json({ items: rows.map((r: Record<string, unknown>) => ({ ...r, id: Number(r.id) })) });
  });

  router.get('/sharing-requests/:id', authorize('sharing.apply'), async (req, res) => {
    const loaded = await loadRequest(ctx.db, idParam(req));
    if (!loaded) throw new NotFoundError('sharing.errors.notFound');
    const { today } = await clock(ctx);
    if (!mayView(req.user!, loaded, today)) throw new ForbiddenError();
    res.json(apiView(await presentRequest(ctx, req.user!, loaded)));
  });

  router.post('/sharing-requests/:id/decisions', authorize('sharing.review'), async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const loaded = await decide(ctx, actorOf(req), idParam(req), {
      decision: str(b.decision) ?? '',
      reason: str(b.reason),
      comment: str(b.comment) ?? str(b.opinion),
      stageId: b.stage_id === undefined || b.stage_id === null || b.stage_id === '' ? undefined : Number(b.stage_id),
      expiresOn: str(b.expires_on),
    });
    res.json(apiView(await presentRequest(ctx, req.user!, loaded)));
  });

  router.post('/sharing-requests/:id/withdraw', authorize('sharing.apply'), async (req, res) => {
    await withdraw(ctx, actorOf(req), idParam(req));
    res.json({ id: idParam(req), status: 'withdrawn' });
  });

  router.post('/sharing-requests/:id/arbitration', authorize('sharing.apply'), async (req, res) => {
    await requestArbitration(ctx, actorOf(req), idParam(req), String(req.body?.note ?? ''));
    res.json({ id: idParam(req), arbitration: 'requested' });
  });

  router.post('/sharing-requests/:id/arbitration/decision', authorize('sharing.decide_office'), async (req, res) => {
    await arbitrate(ctx, actorOf(req), idParam(req), {
      decision: String(req.body?.decision ?? ''),
      note: String(req.body?.note ?? ''),
    });
    const loaded = (await loadRequest(ctx.db, idParam(req)))!;
    res.json(apiView(await presentRequest(ctx, req.user!, loaded)));
  });

  return router;
}
