import { Router } from 'express';
import { apiRouter } from './router';
import type { AppContext } from '../../context';
import { ValidationError } from '../../errors';
import { repeatedQueryValues } from '../../http/query-values';
import { authorize } from '../../middleware/authorize';
import { can } from '../../policies';
import { cachedPeriodResults, parseRange } from '../../services/scorecards';

/**
 * `GET /api/v1/scorecards?from=YYYY-MM-DD&to=YYYY-MM-DD` → `{from, to, closed, items}`; each item
 * `{department, name, score, rank, freshness, deadline, validity, completeness, tickets, reports,
 * sharing, days, tickets_active, tickets_overdue, tickets_escalated, median_resolve_hours,
 * reports_received}` (components are ratios 0–1, null when unmeasured; see
 * server/services/scorecards/README.md). 422 naming `from`/`to`. Stewards and department leaders
 * get their own department only, ranked among all.
 */
export function scorecardsApi(ctx: AppContext): Router {
  const router = apiRouter();
  router.get('/scorecards', authorize('scorecards.list'), async (req, res) => {
    const q = req.query as Record<string, unknown>;
    // A repeated or list-shaped date (`from=a&from=b`, `from[]=a`) is said as such, as the other lists say it: read
    // as one date it was "no real date" (the values joined), or "not given" for `from[]`.
    const repeated = repeatedQueryValues(q, ['from', 'to']);
    if (repeated.length) throw new ValidationError(repeated);
    const { from, to } = parseRange({ from: q.from, to: q.to });
    const { results, closed } = await cachedPeriodResults(ctx.db, from, to);
    const user = req.user!;
    const items = can(user, 'scorecards.dashboard') ? results : results.filter((r) => r.department === user.department);
    res.json({ from, to, closed: closed ? { id: closed.id, label: closed.label, closed_at: closed.closed_at } : null, items });
  });
  return router;
}
