import { Engine, RuleProperties } from 'json-rules-engine';
import type { Knex } from 'knex';
import type { Catalog, CatalogTable, CustomRule, Severity } from '../server/services/catalog/types';
import {
  BUILTIN_EVENT,
  builtinRuleName,
  compileBuiltinRule,
  compileCustomRule,
  customRuleName,
  customRuleProblems,
  FACT_NAMES,
  factsReferenced,
  nullCountColumns,
} from './compile';
import type { Sql, SqlDialect } from './facts/dialect';
import { formatDuration, Metric, PlanError, planTable, RowCondition } from './facts/plan';
import { mysqlDialect } from './facts/sql-mysql';
import { postgresDialect } from './facts/sql-postgres';
import { describeHubTable, HubTableShape } from './hub-schema';
import { fetchSampleKeys } from './samples';
import { hubTransaction } from './hub-transaction';
import { readAggregate } from './split-scan';
import { IdentifierError } from './identifiers';
import { checkErrorText } from './messages';
import { localDate, localMonth, minusDays, offsetChangesNear } from './time';
import type {
  BuiltinCheck,
  CheckContext,
  CheckResult,
  CheckRunOutcome,
  TableCheckOutcome,
  TableErrorCode,
  TableFacts,
} from './types';

export const DEFAULT_STATEMENT_TIMEOUT_MS = 60_000;
export const DEFAULT_SAMPLE_LIMIT = 20;
/** Hours before the converted newest instant in which an offset change triggers the exact re-check. */
const NEWEST_RECHECK_HOURS = 48;
/** The re-check reads rows whose wall-clock time is at most this far before the newest (> any gap). */
const NEWEST_RECHECK_WINDOW_HOURS = 72;

export function dialectFor(name: CheckContext['dialect']): SqlDialect {
  return name === 'postgres' ? postgresDialect : mysqlDialect;
}

/** Number of a query's aliased column (drivers return counts as number, bigint-as-string or decimal string). */
function num(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

interface Computed {
  check: BuiltinCheck;
  field: string | null;
  department: string;
  severity: Severity;
  violations: number;
  checkedRows: number;
  sample: RowCondition | null;
  sampleJoins?: RowCondition[];
  /** Row address of the last violating row (PostgreSQL plain tables), where the sample search starts. */
  lastRow?: string;
  details?: Record<string, unknown>;
}

/**
 * Freshness in Node from the newest timestamp: fails when now − newest > bound (exactly at the bound
 * passes) and on a table with no timestamped row at all. Outside `maintained_in` months there is no
 * freshness check, so no result (null).
 */
function freshness(table: CatalogTable, newest: Date | null, rowCount: number, ctx: CheckContext): Computed | null {
  if (!table.freshness || !table.updatedAt) return null;
  if (table.maintainedIn && !table.maintainedIn.includes(localMonth(ctx.now, ctx.timezone))) return null;
  const bound = formatDuration(table.freshness);
  const base = {
    check: 'freshness' as const,
    field: null,
    department: table.department,
    severity: 'medium' as Severity,
    checkedRows: 1,
    sample: null,
  };
  if (rowCount === 0 || !newest) {
    return {
      ...base,
      violations: 1,
      details: { bound, newestUpdate: null, reason: rowCount === 0 ? 'empty_table' : 'no_timestamp' },
    };
  }
  const { amount, unit } = table.freshness;
  let fresh: boolean;
  if (unit === 'h') fresh = newest.getTime() >= ctx.now.getTime() - amount * 3_600_000;
  else if (unit === 'd') fresh = newest.getTime() >= minusDays(ctx.now, amount, ctx.timezone).getTime();
  else fresh = ctx.calendar.addWorkingDays(localDate(newest, ctx.timezone), amount) >= localDate(ctx.now, ctx.timezone);
  return { ...base, violations: fresh ? 0 : 1, details: { bound, newestUpdate: newest.toISOString() } };
}

const metricKey = (check: string, field: unknown) => `${check}|${field ?? ''}`;

/**
 * Checks one hub table: one read-only transaction with a statement timeout; one aggregate query
 * (+ at most one uniqueness query, and on MySQL one references query); verdicts by json-rules-engine;
 * sample keys for failing checks only, one statement per search round (see samples.ts). Never
 * throws: problems become an `error` outcome for this table.
 * `rules` may be the whole catalog's; those for other tables are ignored.
 */
export async function runTableChecks(
  hub: Knex,
  table: CatalogTable,
  ctx: CheckContext,
  rules: CustomRule[] = [],
): Promise<TableCheckOutcome> {
  const started = Date.now();
  const dialect = dialectFor(ctx.dialect);
  watchStatementErrors(hub);
  const timeoutMs = ctx.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const scanParts = ctx.dialect === 'postgres' ? Math.max(1, Math.floor(ctx.scanParts ?? 1)) : 1;
  const custom = rules.filter((r) => r.table === table.name);
  const fail = (code: TableErrorCode, message: string): TableCheckOutcome => ({
    table: table.name,
    status: 'error',
    error: { code, message },
    durationMs: Date.now() - started,
    facts: null,
    results: [],
  });

  const problems = custom.flatMap(customRuleProblems);
  if (problems.length) return fail('query_failed', problems.join('; '));

  try {
    const { facts, results } = await hubTransaction(
      hub,
      async (trx) => {
        await dialect.prepare(trx, { timeoutMs, timezone: ctx.timezone, now: ctx.now });
        const shapes = new Map<string, HubTableShape>();
        const related = table.fields.flatMap((f) => [
          f.codes?.kind === 'hub' ? f.codes.table : null,
          f.references?.table ?? null,
        ]);
        for (const name of new Set([table.name, ...related.filter((n): n is string => n !== null)])) {
          const shape = await describeHubTable(trx, ctx.dialect, name);
          if (shape) shapes.set(name, shape);
          else if (name === table.name) throw new PlanError('table_missing', checkErrorText('tableMissing', { table: name }));
        }
        const plan = planTable({
          table,
          dialect,
          shapes,
          now: ctx.now,
          timezone: ctx.timezone,
          calendar: ctx.calendar,
          nullCountColumns: nullCountColumns(custom),
        });

        const one = async (q: Sql | null): Promise<Record<string, unknown>> =>
          q ? (dialect.rows(await trx.raw(q.sql, q.bindings as Knex.RawBinding[]))[0] ?? {}) : {};
        const read = await readAggregate({
          hub,
          trx,
          dialect,
          plan,
          tableSql: dialect.table(table.name),
          parts: scanParts,
          minPages: ctx.scanMinPages,
          prepare: (helper) => dialect.prepare(helper, { timeoutMs, timezone: ctx.timezone, now: ctx.now }),
        });
        const rows = {
          ...read,
          references: await one(plan.references),
        };
        const value = (m: Metric) => ('constant' in m ? m.constant : num(rows[m.query][m.alias]));

        const rowCount = num(rows.aggregate.row_count);
        let newest = plan.hasNewest ? dialect.readInstant(rows.aggregate.newest_update, ctx.timezone) : null;
        // The aggregate converted max(wall-clock) once. Right after an offset change a wall-clock time
        // in a spring-forward gap can map past it: then recompute from the rows near the maximum.
        if (newest && offsetChangesNear(newest, ctx.timezone, NEWEST_RECHECK_HOURS)) {
          const recheck = plan.newestRecheck(new Date(newest.getTime() - NEWEST_RECHECK_WINDOW_HOURS * 3_600_000));
          if (recheck) newest = dialect.readInstant((await one(recheck)).newest_update, ctx.timezone) ?? newest;
        }
        const previous = ctx.previousRowCounts?.[table.name];
        const nullCounts: Record<string, number> = {};
        for (const [column, alias] of Object.entries(plan.nullCountAliases)) nullCounts[column] = num(rows.aggregate[alias]);
        const facts: TableFacts = {
          row_count: rowCount,
          newest_update: newest ? newest.toISOString() : null,
          hours_since_update: newest ? (ctx.now.getTime() - newest.getTime()) / 3_600_000 : null,
          row_count_previous: previous ?? null,
          row_count_change: previous !== undefined && previous > 0 ? (rowCount - previous) / previous : null,
          null_counts: nullCounts,
        };

        const computed: Computed[] = [];
        const fresh = freshness(table, newest, rowCount, ctx);
        if (fresh) computed.push(fresh);
        for (const c of plan.checks) {
          const found = c.sampleValues ? rows[c.sampleValues.query][c.sampleValues.alias] : undefined;
          const sample = c.sampleOf && Array.isArray(found) ? c.sampleOf(found.map(String)) : c.sample;
          const last = c.lastViolation ? rows[c.lastViolation.query][c.lastViolation.alias] : undefined;
          computed.push({
            ...c,
            sample,
            ...(typeof last === 'string' ? { lastRow: last } : {}),
            violations: value(c.violations),
            checkedRows: value(c.checked),
          });
        }

        const verdicts = await decide(computed, custom, facts);
        const limit = ctx.sampleLimit ?? DEFAULT_SAMPLE_LIMIT;
        const passedOf = (c: Computed) => !verdicts.fired.has(builtinRuleName(c.check, c.field));
        const sampled = limit > 0 ? computed.filter((c) => !passedOf(c) && c.sample) : [];
        const targets = sampled.map((c) => ({
          sample: c.sample!,
          sampleJoins: c.sampleJoins,
          violations: c.violations,
          lastRow: c.lastRow,
        }));
        const keys = await fetchSampleKeys(plan, targets, limit, async (q) =>
          dialect.rows(await trx.raw(q.sql, q.bindings as Knex.RawBinding[])),
        );
        const keysOf = new Map(sampled.map((c, i) => [c, keys.get(targets[i]) ?? []]));
        const results: CheckResult[] = [];
        for (const c of computed) {
          const passed = passedOf(c);
          const sampleKeys = keysOf.get(c) ?? [];
          results.push({
            check: c.check,
            department: c.department,
            table: table.name,
            field: c.field,
            passed,
            violations: c.violations,
            checkedRows: c.checkedRows,
            sampleKeys,
            severity: c.severity,
            ...(c.details ? { details: c.details } : {}),
          });
        }
        for (const rule of custom) {
          const fired = verdicts.fired.get(customRuleName(rule.name));
          const params = (fired ?? rule.event).params ?? {};
          results.push({
            check: customRuleName(rule.name),
            department: table.department,
            table: table.name,
            field: null,
            passed: !fired,
            violations: fired ? 1 : 0,
            checkedRows: 1,
            sampleKeys: [],
            severity: (params.severity as Severity | undefined) ?? 'medium',
            ...(typeof params.message === 'string' ? { message: params.message } : {}),
            details: { facts: verdicts.factValues.get(rule.name) ?? {} },
          });
        }
        return { facts, results };
      },
      // Parts read on other connections import this transaction's snapshot: REPEATABLE READ.
      scanParts > 1 ? { readOnly: true, isolationLevel: 'repeatable read' } : { readOnly: true },
    );
    return { table: table.name, status: 'ok', durationMs: Date.now() - started, facts, results };
  } catch (err) {
    if (err instanceof PlanError) return fail(err.code, err.message);
    if (err instanceof IdentifierError) return fail('query_failed', err.message);
    const code = dialect.classifyError(err);
    const message = databaseWords(err);
    if (code === 'timeout') return fail(code, checkErrorText('timeout', { ms: timeoutMs }, message));
    return fail(code, message);
  }
}

/** Where watchStatementErrors keeps a failed statement's own words on its error. */
const DATABASE_WORDS = Symbol('databaseWords');
const watchedHubs = new WeakSet<Knex>();

/**
 * knex writes the whole statement before the database's words in a failed statement's message
 * (`select count(*) filter (where …) … - canceling statement due to statement timeout`): ~1.5 KB of generated SQL in
 * the runs page's error cell, the command line's summary and the IT office's notice, where the reader needs the last
 * line. Where the statement ends cannot be read from the message (it and the words may both hold " - ": `now() -
 * interval`, `invalid input syntax for type integer: "12 - 3"`), so the words are taken when knex reports the error
 * with its statement: on PostgreSQL the message is exactly the statement as sent, " - ", the words.
 */
function watchStatementErrors(hub: Knex): void {
  if (watchedHubs.has(hub)) return;
  watchedHubs.add(hub);
  hub.on('query-error', (err: unknown, query: { sql?: unknown }) => {
    const e = err as (Error & { [DATABASE_WORDS]?: string }) | null;
    if (!(e instanceof Error) || typeof query?.sql !== 'string') return;
    const prefix = `${query.sql} - `;
    if (e.message.startsWith(prefix)) e[DATABASE_WORDS] = e.message.slice(prefix.length);
  });
}

/**
 * A failed statement's error in the database's own words: MySQL's driver keeps them (`sqlMessage`); on PostgreSQL
 * watchStatementErrors took them; anything else (a connection refused: no statement) is its message as it is.
 */
export function databaseWords(err: unknown): string {
  const e = err as { [DATABASE_WORDS]?: unknown; sqlMessage?: unknown; message?: unknown } | null;
  if (typeof e?.sqlMessage === 'string') return e.sqlMessage;
  if (typeof e?.[DATABASE_WORDS] === 'string') return e[DATABASE_WORDS];
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs the compiled built-in rules and the table's custom rules over the facts of the SQL pass. The
 * facts are plain values the almanac serves; nothing here touches the hub.
 */
async function decide(computed: Computed[], custom: CustomRule[], facts: TableFacts) {
  const metrics = new Map<string, { violations: number; checkedRows: number }>();
  for (const c of computed) metrics.set(metricKey(c.check, c.field), c);
  const factValue = (fact: string, params: Record<string, unknown> = {}): unknown => {
    switch (fact) {
      case 'violations':
        return metrics.get(metricKey(String(params.check), params.field))?.violations ?? null;
      case 'checked_rows':
        return metrics.get(metricKey(String(params.check), params.field))?.checkedRows ?? null;
      case 'null_count':
        return facts.null_counts[String(params.field)] ?? null;
      case 'null_ratio': {
        const n = facts.null_counts[String(params.field)];
        return n === undefined || facts.row_count === 0 ? null : n / facts.row_count;
      }
      default:
        return (facts as unknown as Record<string, unknown>)[fact] ?? null;
    }
  };

  const rules: RuleProperties[] = [
    ...computed.map((c) => compileBuiltinRule(c.check, c.field)),
    ...custom.map(compileCustomRule),
  ];
  const engine = new Engine(rules);
  for (const name of FACT_NAMES) {
    engine.addFact(name, (params: Record<string, unknown>) => factValue(name, params));
  }
  const run = await engine.run();
  const fired = new Map<string, { type: string; params?: Record<string, unknown> }>();
  for (const r of run.results) fired.set(r.name, r.event ?? { type: BUILTIN_EVENT });
  const factValues = new Map<string, Record<string, unknown>>();
  for (const rule of custom) {
    const values: Record<string, unknown> = {};
    for (const ref of factsReferenced(rule.conditions)) {
      values[ref.params?.field !== undefined ? `${ref.fact}(${String(ref.params.field)})` : ref.fact] = factValue(
        ref.fact,
        ref.params,
      );
    }
    factValues.set(rule.name, values);
  }
  return { fired, factValues };
}

export interface RunChecksOptions {
  /** Only these tables (catalog names); default all. */
  tables?: string[];
  /** Called after each table, in catalog order; awaited (e.g. to persist results as they come). */
  onTable?: (outcome: TableCheckOutcome) => void | Promise<void>;
}

/**
 * Checks the catalog's tables one after another (one table at a time; a big PostgreSQL table may be read on up to
 * `scanParts` connections at once, split-scan.ts).
 * After a table finds the hub unreachable, the remaining tables are recorded with the same error
 * without trying again, so an outage costs one connection timeout, not one per table.
 */
export async function runChecks(
  hub: Knex,
  catalog: Catalog,
  ctx: CheckContext,
  opts: RunChecksOptions = {},
): Promise<CheckRunOutcome> {
  const startedAt = new Date();
  const tables = opts.tables ? catalog.tables.filter((t) => opts.tables!.includes(t.name)) : catalog.tables;
  const outcomes: TableCheckOutcome[] = [];
  let unreachable: TableCheckOutcome['error'] | undefined;
  for (const table of tables) {
    const outcome: TableCheckOutcome = unreachable
      ? { table: table.name, status: 'error', error: unreachable, durationMs: 0, facts: null, results: [] }
      : await runTableChecks(hub, table, ctx, catalog.rules);
    if (outcome.error?.code === 'hub_unreachable') unreachable = outcome.error;
    outcomes.push(outcome);
    await opts.onTable?.(outcome);
  }
  return { startedAt, durationMs: Date.now() - startedAt.getTime(), tables: outcomes };
}
