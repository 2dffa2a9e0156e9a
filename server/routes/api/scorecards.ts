import { Router } from 'express';
import { apiRouter } from './router';
import type { AppContext } from '../../context';
import { ForbiddenError, ValidationError } from '../../errors';
import { listQueryProblems } from '../../http/query-values';
import { authorize } from '../../middleware/authorize';
import { can } from '../../policies';
import { departmentFilter } from '../../services/department-code';
import { cachedPeriodResults, parseRange } from '../../services/scorecards';

/**
 * `GET /api/v1/scorecards?from=YYYY-MM-DD&to=YYYY-MM-DD&department=CODE?` → `{from, to, closed, items}`; each item
 * `{department, name, score, rank, freshness, deadline, validity, completeness, tickets, reports,
 * sharing, days, tickets_active, tickets_overdue, tickets_escalated, median_resolve_hours,
 * reports_received}` (components are ratios 0–1, null when unmeasured; see
 * server/services/scorecards/README.md). 422 naming `from`/`to`/`department` (an unknown code). Stewards and
 * department leaders get their own department only, ranked among all (403 for `department=<another>`); `department`
 * narrows anyone's items to that one, its rank still among all.
 */
export function scorecardsApi(ctx: AppContext): Router {
  const router = apiRouter();
  router.get('/scorecards', authorize('scorecards.list'), async (req, res) => {
    const q = req.query as Record<string, unknown>;
    // A repeated or list-shaped date (`from=a&from=b`, `from[]=a`) is said as such, as the other lists say it: read
    // as one date it was "no real date" (the values joined), or "not given" for `from[]`.
    const problems = listQueryProblems(q, {
      accepted: ['from', 'to', 'department'],
      oneValue: ['from', 'to', 'department'],
      saidApart: ['period'],
    });
    // The pages take a period (`?period=`); this endpoint takes from and to: a period sent here was read as dates
    // missing ("请填写开始日期"), not named.
    if (q.period !== undefined) problems.push({ field: 'period', key: 'scorecards.errors.apiPeriod' });
    // A department code in any case (`hr` is HR); one that does not exist is a typo, said as the tickets API says it
    // (it was ignored: every department's scorecard came back).
    const department = await departmentFilter(ctx.db, typeof q.department === 'string' ? q.department.trim() : '', problems);
    if (problems.length) throw new ValidationError(problems);
    const { from, to } = parseRange({ from: q.from, to: q.to });
    const user = req.user!;
    const seesAll = can(user, 'scorecards.dashboard');
    if (department && !seesAll && department !== user.department) throw new ForbiddenError();
    const { results, closed } = await cachedPeriodResults(ctx.db, from, to);
    const only = department ?? (seesAll ? null : user.department);
    const items = only ? results.filter((r) => r.department === only) : results;
    res.json({ from, to, closed: closed ? { id: closed.id, label: closed.label, closed_at: closed.closed_at } : null, items });
  });
  return router;
}
