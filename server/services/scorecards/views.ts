import type { Knex } from 'knex';
import { isTableVerdict } from '../../../rules/types';
import { addDays } from '../calendar/dates';
import { COMPONENTS, compliance, percentOf, round, roundWithinBounds } from './components';
import { periodResults, type ClosedPeriod, type PeriodResult } from './periods';

/**
 * What the dashboard and the scorecard pages show, read from the precomputed snapshot rows only.
 * A model is kept in memory under the "data version" (the newest snapshot and period ids and the
 * latest run's status): one tiny query per request decides whether it is still current.
 */
const HEAT_DAYS = 14;
const TREND_DAYS = 90;
const HEAT_TABLES = 30;
const CACHE_LIMIT = 64;

/**
 * A trend's rows on every day from its first to `last`, a day without a snapshot as a row of nulls: the chart's axis
 * is time, so a fortnight without snapshots (the service stopped, a new department) takes a fortnight's width and
 * is a gap, not a step from one day to the next.
 */
export function everyDay<T extends { day: string }>(rows: T[], last: string, empty: (day: string) => T): T[] {
  if (!rows.length) return rows;
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const days: T[] = [];
  for (let day = rows[0].day; day <= last; day = addDays(day, 1)) days.push(byDay.get(day) ?? empty(day));
  return days;
}

const caches = new WeakMap<object, Map<string, Promise<unknown>>>();

export interface DataVersion {
  /** Changes whenever a snapshot, a closed period, an appeal or the latest run changes. */
  key: string;
  /** The current catalog version id (the calendar's source), or null before the first import. */
  catalog: number | null;
}

/** One small query per request: everything a cached model depends on. */
export async function dataVersion(db: Knex): Promise<DataVersion> {
  const { rows } = await db.raw(
    `select (select max(id) from scorecard_snapshots) as s, (select max(id) from assessment_periods) as p, (select max(id) from scorecard_appeals) as a,
            (select max(id) from scorecard_weights) as w, (select id || ':' || status from check_runs order by id desc limit 1) as r,
            (select max(id) from catalog_versions) as c`,
  );
  const r = rows[0];
  return { key: `${r.s}|${r.p}|${r.a}|${r.w}|${r.r}|${r.c}`, catalog: r.c === null ? null : Number(r.c) };
}

/**
 * The model under `key` for the current data version. Concurrent requests for a model being built
 * share one build (no stampede of identical aggregate queries when the version changes).
 */
async function cached<T>(db: Knex, key: string, build: () => Promise<T>, version?: DataVersion): Promise<T> {
  const owner = (db as { client?: object }).client ?? db;
  let cache = caches.get(owner);
  if (!cache) caches.set(owner, (cache = new Map()));
  const fullKey = `${(version ?? (await dataVersion(db))).key}#${key}`;
  const hit = cache.get(fullKey) as Promise<T> | undefined;
  if (hit) return hit;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  const building = build();
  cache.set(fullKey, building);
  // A failed build is not kept, nor a missing department (it may be created before the next snapshot).
  building.then(
    (value) => value === null && cache.get(fullKey) === building && cache.delete(fullKey),
    () => cache.get(fullKey) === building && cache.delete(fullKey),
  );
  return building;
}

/** Period results, cached under the data version. */
export function cachedPeriodResults(
  db: Knex,
  from: string,
  to: string,
): Promise<{ results: PeriodResult[]; closed: ClosedPeriod | null }> {
  return cached(db, `period:${from}:${to}`, () => periodResults(db, from, to));
}

/**
 * The day whose snapshot the page's "latest" parts show (stat cards, trend, heat map, worst tables): the newest
 * snapshot on or before the period's end, or today for a period still running. A past period shows the hub as it
 * stood when the period ended, not today's state beside that period's ranking.
 */
export function snapshotCutoff(today: string, periodTo: string): string {
  return periodTo < today ? periodTo : today;
}

/**
 * The newest snapshot day inside the period (from its first day up to the cutoff): a period without one has no
 * "latest" figures — showing the last snapshot before it beside a ranking of nothing mixed two periods.
 */
export async function latestDay(db: Knex, from: string, upTo: string, department?: string): Promise<string | null> {
  const row = await db('scorecard_snapshots')
    .where('day', '>=', from)
    .where('day', '<=', upTo)
    .modify((q) => (department ? q.where({ department_code: department }) : q))
    .orderBy('day', 'desc')
    .first('day');
  return row?.day ?? null;
}

export interface HeatRow {
  table: string;
  /** The catalog's title of the table (people know tables by it), null when it has none. */
  title: string | null;
  department: string;
  cells: { day: string; state: 'fresh' | 'stale' | 'none'; hours: number | null }[];
}

async function heatMap(
  db: Knex,
  last: string,
  opts: { department?: string; limit?: number },
): Promise<{ days: { day: string; label: string }[]; rows: HeatRow[]; total: number }> {
  const first = addDays(last, -(HEAT_DAYS - 1));
  const days = Array.from({ length: HEAT_DAYS }, (_, i) => addDays(first, i));
  const base = db('scorecard_table_days')
    .where('day', '>=', first)
    .andWhere('day', '<=', last)
    .modify((q) => (opts.department ? q.where({ department_code: opts.department }) : q));
  // The tables stale on the most days first: those are the ones to look at.
  const ranked = await base
    .clone()
    .groupBy('table_name', 'department_code')
    .select('table_name', 'department_code')
    .select(db.raw(`count(*) filter (where fresh = false) as stale`))
    .orderBy([{ column: 'stale', order: 'desc' }, { column: 'table_name' }]);
  const chosen = opts.limit ? ranked.slice(0, opts.limit) : ranked;
  const names = chosen.map((r: { table_name: string }) => r.table_name);
  const [cells, titled] = names.length
    ? await Promise.all([
        base.clone().whereIn('table_name', names).select('table_name', 'day', 'fresh', 'hours_since_update'),
        db('catalog_tables').whereIn('name', names).select('name', 'title') as Promise<{ name: string; title: string | null }[]>,
      ])
    : [[], []];
  const titleOf = new Map(titled.map((t) => [t.name, t.title]));
  const byTable = new Map<string, Map<string, { fresh: boolean | null; hours: number | null }>>();
  for (const c of cells) {
    if (!byTable.has(c.table_name)) byTable.set(c.table_name, new Map());
    byTable
      .get(c.table_name)!
      .set(c.day, { fresh: c.fresh, hours: c.hours_since_update === null ? null : Math.round(Number(c.hours_since_update)) });
  }
  return {
    days: days.map((day) => ({ day, label: day.slice(5) })),
    total: ranked.length,
    rows: chosen.map((r: { table_name: string; department_code: string }) => ({
      table: r.table_name,
      title: titleOf.get(r.table_name) ?? null,
      department: r.department_code,
      cells: days.map((day) => {
        const c = byTable.get(r.table_name)?.get(day);
        return { day, state: c?.fresh === true ? 'fresh' : c?.fresh === false ? 'stale' : 'none', hours: c?.hours ?? null };
      }),
    })),
  };
}

export async function dashboardModel(db: Knex, opts: { today: string; from: string; to: string; version?: DataVersion }) {
  return cached(
    db,
    `dashboard:${opts.today}:${opts.from}:${opts.to}`,
    async () => {
      const cutoff = snapshotCutoff(opts.today, opts.to);
      const last = await latestDay(db, opts.from, cutoff);
      const { results, closed } = await periodResults(db, opts.from, opts.to);
      const pastPeriod = cutoff < opts.today;
      if (!last)
        return {
          last: null,
          pastPeriod,
          // A period that starts after today has no snapshot yet because it has not begun (not "none taken yet").
          futurePeriod: opts.from > opts.today,
          results,
          closed,
          totals: null,
          trend: null,
          heat: null,
          worstTables: [],
          latestRun: await latestRun(db),
        };
      const weekBefore = addDays(last, -7);
      const [todayRows, weekRows, staleRows, meanRows, heat, worstTables, run] = await Promise.all([
        db('scorecard_snapshots')
          .where({ day: last })
          .select('department_code', 'score', 'tickets_overdue', 'reports_open', 'tickets_escalated'),
        db('scorecard_snapshots').where({ day: weekBefore }).select('department_code', 'score'),
        db('scorecard_table_days')
          .where({ day: last, fresh: false })
          .groupBy('department_code')
          .select('department_code')
          .count({ n: '*' }),
        db('scorecard_snapshots')
          .where('day', '>', addDays(last, -TREND_DAYS))
          .andWhere('day', '<=', last)
          .groupBy('day')
          .orderBy('day')
          .select('day')
          .avg({ score: 'score' }),
        heatMap(db, last, { limit: HEAT_TABLES }),
        // Each department's part of a table, as its scorecard counts it: HR's staff_basic and 党委组织部's 政治面貌 in
        // it are two rows, each linking the scorecard that counts it.
        departmentTableRows(db, last)
          .leftJoin('departments as d', 'd.code', 'k.department_code')
          .groupBy('d.name')
          .select('d.name as department_name')
          .havingRaw('count(*) filter (where not k.passed) > 0')
          .orderBy([
            { column: 'checks_failed', order: 'desc' },
            { column: 'violations', order: 'desc' },
            { column: 'k.table_name' },
            { column: 'k.department_code' },
          ])
          .limit(10),
        latestRun(db),
      ]);
      const meanTrend = everyDay(meanRows as unknown as { day: string; score: unknown }[], last, (day) => ({ day, score: null }));
      const now = new Map(todayRows.map((r: Record<string, unknown>) => [r.department_code as string, r]));
      const before = new Map(
        weekRows.map((r: Record<string, unknown>) => [r.department_code as string, r.score as number | null]),
      );
      const stale = new Map(staleRows.map((r: Record<string, unknown>) => [r.department_code as string, Number(r.n)]));
      const ranked = results.map((r) => {
        const latest = now.get(r.department) as Record<string, number | null> | undefined;
        const prev = before.get(r.department);
        // The change with the scores' own two decimals (rounded to one, 0.13 read 0.10 and 0.04 read unchanged).
        const delta = latest?.score != null && prev != null ? round(latest.score - prev, 2) : null;
        return {
          ...r,
          latestScore: latest?.score ?? null,
          delta,
          /** The size of the change; its direction is the arrow beside it. */
          deltaSize: delta === null ? null : Math.abs(delta),
          overdue: latest?.tickets_overdue ?? 0,
          openReports: latest?.reports_open ?? 0,
          escalated: latest?.tickets_escalated ?? 0,
          staleTables: stale.get(r.department) ?? 0,
        };
      });
      // The trend chart: the mean of all departments and the five lowest-ranked departments.
      const lowest = ranked
        .filter((r) => r.rank !== null)
        .slice(-5)
        .map((r) => r.department);
      const lowRows = lowest.length
        ? await db('scorecard_snapshots')
            .whereIn('department_code', lowest)
            .andWhere('day', '>', addDays(last, -TREND_DAYS))
            .andWhere('day', '<=', last)
            .orderBy('day')
            .select('department_code', 'day', 'score')
        : [];
      const labels = meanTrend.map((r: { day: string }) => r.day);
      const series = lowest.map((code) => {
        const byDay = new Map(
          lowRows
            .filter((r: { department_code: string }) => r.department_code === code)
            .map((r: { day: string; score: number | null }) => [r.day, r.score]),
        );
        return {
          department: code,
          name: results.find((x) => x.department === code)?.name ?? code,
          scores: labels.map((d: string) => byDay.get(d) ?? null),
        };
      });
      return {
        last,
        pastPeriod,
        results: ranked,
        closed,
        totals: {
          staleTables: [...stale.values()].reduce((a, b) => a + b, 0),
          overdue: todayRows.reduce((a: number, r: Record<string, unknown>) => a + Number(r.tickets_overdue ?? 0), 0),
          openReports: todayRows.reduce((a: number, r: Record<string, unknown>) => a + Number(r.reports_open ?? 0), 0),
          // 参评部门: departments with a score that day (one with nothing measured is listed, not assessed).
          departments: todayRows.filter((r: Record<string, unknown>) => r.score !== null && r.score !== undefined).length,
        },
        trend: {
          labels,
          // Two decimals, as the departments' scores beside it (the mean of 88.57 and 77 is 82.79, not 82.8).
          mean: meanTrend.map((r: { score: unknown }) => (r.score === null ? null : roundWithinBounds(Number(r.score), 2, 100))),
          series,
        },
        heat,
        worstTables,
        latestRun: run,
      };
    },
    opts.version,
  );
}

async function latestRun(db: Knex) {
  return (
    (await db('check_runs')
      .orderBy('id', 'desc')
      .first('id', 'status', 'started_at', 'finished_at', 'tables_total', 'tables_done', 'tables_failed', 'checks_failed')) ??
    null
  );
}

/** A department's scorecard, or null when the department does not exist. */
export async function scorecardModel(
  db: Knex,
  opts: { department: string; today: string; from: string; to: string; version?: DataVersion },
) {
  const { department, today } = opts;
  const model = await cached(
    db,
    `scorecard:${department}:${today}:${opts.from}:${opts.to}`,
    async () => {
      const row = await db('departments').where({ code: department }).first('code', 'name');
      return row
        ? {
            department: row as { code: string; name: string },
            ...(await scorecardBody(db, department, today, opts.from, opts.to)),
          }
        : null;
    },
    opts.version,
  );
  if (!model) return null;
  // Overdue tickets are read live (a small partial index): a steward works from this list.
  const overdue = await db('tickets')
    .where({ department_code: department })
    .whereIn('status', ['open', 'acknowledged', 'fixed'])
    .andWhere('due_at', '<', today)
    // Not a disputed one: it waits for the IT office, the department's clock stopped (tickets/deadlines.ts).
    .whereNull('disputed_at')
    .orderBy([{ column: 'due_at' }, { column: 'id' }])
    .limit(20)
    .select(
      'id',
      'table_name',
      'field_name',
      'check_kind',
      'severity',
      'status',
      'message',
      'message_en',
      'due_at',
      'escalated_at',
    );
  return { ...model, overdue };
}

/**
 * `isTableVerdict` over a `scorecard_check_days` row aliased `k`: freshness and custom rules judge the whole table and
 * are stored as 1 violation of 1 "row", which is no record.
 */
const TABLE_VERDICT = `(k.field_name is null and (k.check_kind = 'freshness' or k.check_kind like 'rule:%'))`;

/**
 * A day's check results by table and by the department each check counts for: a department's part of a table is the
 * checks of the fields it owns and, when the table is its own, the table's (freshness, keys) — not another
 * department's fields in it (政治面貌 is 党委组织部's in HR's staff_basic), whose failures it neither fixes nor is
 * scored on. Freshness and hours since the update are the table owner's, shown on the owner's row only.
 * Failed checks count every check, and say how many of them were whole-table verdicts; problem records and rows
 * checked count the record-level checks only (a stale table whose records are all valid has 0 problem records).
 */
function departmentTableRows(db: Knex, day: string) {
  return db('scorecard_check_days as k')
    .leftJoin('scorecard_table_days as t', (on) => on.on('t.table_name', 'k.table_name').andOn('t.day', 'k.day'))
    .leftJoin('catalog_tables as c', 'c.name', 'k.table_name')
    .where('k.day', day)
    .groupBy('k.table_name', 'k.department_code', 't.department_code', 't.fresh', 't.hours_since_update', 'c.title')
    .select(
      'k.table_name',
      'k.department_code',
      'c.title',
      db.raw('case when t.department_code = k.department_code then t.fresh end as fresh'),
      db.raw('case when t.department_code = k.department_code then t.hours_since_update end as hours_since_update'),
      db.raw('count(*)::int as checks'),
      db.raw('(count(*) filter (where not k.passed))::int as checks_failed'),
      db.raw(`(count(*) filter (where not k.passed and ${TABLE_VERDICT}))::int as verdicts_failed`),
      db.raw(`coalesce(sum(k.violations) filter (where not ${TABLE_VERDICT}), 0)::bigint as violations`),
      db.raw(`coalesce(sum(k.checked_rows) filter (where not ${TABLE_VERDICT}), 0)::bigint as checked`),
    );
}

async function scorecardBody(db: Knex, department: string, today: string, from: string, to: string) {
  const opts = { from, to };
  const cutoff = snapshotCutoff(today, to);
  const last = await latestDay(db, from, cutoff, department);
  const { results, closed } = await periodResults(db, opts.from, opts.to);
  const result = results.find((r) => r.department === department) ?? null;
  const pastPeriod = cutoff < today;
  if (!last)
    return {
      last: null,
      pastPeriod,
      futurePeriod: from > today,
      result,
      closed,
      ranked: results.filter((r) => r.rank !== null).length,
      snapshot: null,
      weights: null,
      trend: null,
      tables: [],
      heat: null,
      worstChecks: [],
      checked: false,
    };
  const [snapshot, trendRows, tables, heat, worstChecks, anyCheck] = await Promise.all([
    db('scorecard_snapshots').where({ department_code: department, day: last }).first(),
    db('scorecard_snapshots')
      .where({ department_code: department })
      .andWhere('day', '>', addDays(last, -TREND_DAYS))
      .andWhere('day', '<=', last)
      .orderBy('day')
      .select('day', 'score', ...COMPONENTS),
    departmentTableRows(db, last)
      .where('k.department_code', department)
      .orderBy([{ column: 'checks_failed', order: 'desc' }, { column: 'k.table_name' }]),
    heatMap(db, last, { department }),
    // By the titles people know tables and fields by, as the table list above (names beside them). The most problem
    // records first; the failed whole-table verdicts (no count of records) after them.
    db('scorecard_check_days as k')
      .leftJoin('catalog_tables as c', 'c.name', 'k.table_name')
      .leftJoin('catalog_fields as f', (on) => on.on('f.table_name', 'k.table_name').andOn('f.name', 'k.field_name'))
      .where({ 'k.department_code': department, 'k.day': last, 'k.passed': false })
      .orderByRaw(`${TABLE_VERDICT}, k.violations desc, k.table_name, k.check_kind`)
      .limit(15)
      .select(
        'k.table_name',
        'k.field_name',
        'k.check_kind',
        'k.violations',
        'k.checked_rows',
        'c.title as table_title',
        'f.title as field_title',
      ),
    // Whether the department had any check result that day: no failing check then means all passed.
    db('scorecard_check_days').where({ department_code: department, day: last }).first('table_name'),
  ]);
  type TrendDay = { day: string } & Record<string, unknown>;
  const trendDays = everyDay(trendRows as TrendDay[], last, (day): TrendDay => ({ day }));
  const weights = snapshot
    ? await db('scorecard_weights').where({ id: snapshot.weights_version_id }).first('id', 'weights', 'valid_from')
    : null;
  return {
    last,
    pastPeriod,
    result,
    closed,
    ranked: results.filter((r) => r.rank !== null).length,
    snapshot,
    weights: weights
      ? { ...weights, weights: typeof weights.weights === 'string' ? JSON.parse(weights.weights) : weights.weights }
      : null,
    trend: {
      labels: trendDays.map((r) => r.day),
      score: trendDays.map((r) => (r.score ?? null) as number | null),
      components: Object.fromEntries(
        COMPONENTS.map((c) => [c, trendDays.map((r) => (r[c] == null ? null : percentOf(Number(r[c]))))]),
      ),
    },
    // Of the records checked (null, shown —, when the table's only checks judge it whole).
    tables: tables.map((t: Record<string, unknown>) => ({
      ...t,
      compliance: compliance(Number(t.violations), Number(t.checked)),
    })),
    heat,
    worstChecks: worstChecks.map((c: { check_kind: string; field_name: string | null }) => ({
      ...c,
      table_verdict: isTableVerdict(c.check_kind, c.field_name),
    })),
    checked: anyCheck !== undefined,
  };
}
