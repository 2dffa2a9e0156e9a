import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { runTableChecks } from '../../../rules/engine';
import type { CheckResult, TableCheckOutcome, TableErrorCode } from '../../../rules/types';
import type { Hub } from '../../hub';
import { createCalendar, WorkingDayCalendar } from '../calendar';
import { loadCurrentCatalog } from '../catalog/repository';
import type { Catalog } from '../catalog/types';
import { INSTANCE_ID } from './instance';
import { saveTableOutcome } from './persist';

/**
 * Check runs: claim (once per slot), execute table by table, persist each table's results as they
 * come, hand them to the ticket service, and recover runs whose instance died.
 */
export type RunTrigger = 'schedule' | 'manual' | 'recheck' | 'cli' | 'rerun' | 'bootstrap';

export interface TableResultsHandoff {
  runId: number;
  table: string;
  results: CheckResult[];
  catalog: Catalog;
  calendar: WorkingDayCalendar;
  now: Date;
}

export interface CheckRunnerDeps {
  db: Knex;
  hub: Hub;
  logger: Logger;
  now(): Date;
  /** After a table's results are stored: the ticket service files, updates and resolves tickets. */
  onTableResults?: (handoff: TableResultsHandoff) => Promise<void>;
  /** A table could not be checked (hub down, table missing, timeout): an operational problem. */
  onTableError?: (problem: { runId: number; table: string; code: TableErrorCode; message: string }) => Promise<void>;
  statementTimeoutMs?: number;
  /** Heartbeat period; a run whose heartbeat is older than `staleAfterMs` is taken as interrupted. */
  heartbeatMs?: number;
}

export const DEFAULT_STALE_AFTER_MS = 120_000;

export interface ClaimOptions {
  slotKey?: string | null;
  trigger: RunTrigger;
  scope?: string[] | null;
  requestedBy?: number | null;
  rerunOf?: number | null;
}

/** Creates a run row; with a slot key, only the first caller gets one (null for the others). */
export async function claimRun(db: Knex, opts: ClaimOptions): Promise<number | null> {
  const rows = await db('check_runs')
    .insert({
      slot_key: opts.slotKey ?? null,
      trigger: opts.trigger,
      scope: opts.scope ?? null,
      requested_by: opts.requestedBy ?? null,
      rerun_of: opts.rerunOf ?? null,
      instance_id: INSTANCE_ID,
    })
    .onConflict('slot_key')
    .ignore()
    .returning('id');
  return rows.length ? Number(rows[0].id) : null;
}

/** Row counts of each table's latest successful check: the base of `row_count_change`. */
async function previousRowCounts(db: Knex, runId: number): Promise<Record<string, number>> {
  const rows = await db('check_run_tables as t')
    .distinctOn('t.table_name')
    .where('t.status', 'ok')
    .whereNot('t.run_id', runId)
    .whereNotNull('t.row_count')
    .orderBy([{ column: 't.table_name' }, { column: 't.finished_at', order: 'desc' }])
    .select('t.table_name', 't.row_count');
  return Object.fromEntries(rows.map((r) => [r.table_name, Number(r.row_count)]));
}

async function acquireLease(db: Knex, table: string, runId: number, ttlMs: number): Promise<boolean> {
  const rows = await db.raw(
    `INSERT INTO check_table_leases (table_name, run_id, instance_id, expires_at)
     VALUES (?, ?, ?, now() + (? * interval '1 millisecond'))
     ON CONFLICT (table_name) DO UPDATE
       SET run_id = EXCLUDED.run_id, instance_id = EXCLUDED.instance_id, expires_at = EXCLUDED.expires_at
       WHERE check_table_leases.expires_at < now() OR check_table_leases.run_id = EXCLUDED.run_id
     RETURNING table_name`,
    [table, runId, INSTANCE_ID, ttlMs],
  );
  return rows.rows.length === 1;
}

async function releaseLease(db: Knex, table: string, runId: number): Promise<void> {
  await db('check_table_leases').where({ table_name: table, run_id: runId }).delete();
}

export interface RunSummary {
  runId: number;
  status: 'completed' | 'failed';
  durationMs: number;
  tables: TableCheckOutcome[];
  error?: string;
}

/** Executes a claimed run to the end. Never throws for hub problems: they are recorded per table. */
export async function executeRun(deps: CheckRunnerDeps, runId: number): Promise<RunSummary> {
  const { db, logger } = deps;
  const started = Date.now();
  const run = await db('check_runs').where({ id: runId }).first();
  const heartbeat = setInterval(() => {
    db('check_runs').where({ id: runId }).update({ heartbeat_at: db.fn.now() }).catch((err) => logger.warn({ err, runId }, 'heartbeat failed'));
  }, deps.heartbeatMs ?? 15_000);
  heartbeat.unref();
  const outcomes: TableCheckOutcome[] = [];
  try {
    const current = await loadCurrentCatalog(db);
    if (!current) throw new Error('no catalog imported yet / 尚未导入数据目录');
    const { catalog, versionId } = current;
    const scope: string[] | null = run.scope;
    const tables = catalog.tables.filter((t) => !scope || scope.includes(t.name));
    await db('check_runs').where({ id: runId }).update({ tables_total: tables.length, catalog_version_id: versionId });
    const calendar = createCalendar(catalog.calendar);
    const ctx = {
      now: deps.now(),
      timezone: catalog.calendar.timezone,
      calendar,
      dialect: deps.hub.dialect,
      previousRowCounts: await previousRowCounts(db, runId),
      statementTimeoutMs: deps.statementTimeoutMs,
    };
    const leaseMs = (deps.statementTimeoutMs ?? 60_000) * 4 + 60_000;
    let unreachable: TableCheckOutcome['error'] | undefined;
    for (const table of tables) {
      let outcome: TableCheckOutcome;
      if (!(await acquireLease(db, table.name, runId, leaseMs))) {
        // Another run is checking this table right now: its results will be as fresh as ours.
        logger.info({ runId, table: table.name }, 'table busy in another run; skipped');
        await db('check_runs').where({ id: runId }).update({ tables_total: db.raw('tables_total - 1') });
        continue;
      }
      try {
        outcome = unreachable
          ? { table: table.name, status: 'error', error: unreachable, durationMs: 0, facts: null, results: [] }
          : await runTableChecks(deps.hub.knex, table, ctx, catalog.rules);
        if (outcome.error?.code === 'hub_unreachable') unreachable = outcome.error;
        const results = await db.transaction((trx) => saveTableOutcome(trx, runId, outcome, catalog, ctx.now));
        outcomes.push(outcome);
        if (outcome.status === 'ok') {
          await deps.onTableResults?.({ runId, table: table.name, results, catalog, calendar, now: ctx.now });
        } else if (outcome.error) {
          await deps.onTableError?.({ runId, table: table.name, code: outcome.error.code, message: outcome.error.message });
        }
      } finally {
        await releaseLease(db, table.name, runId);
      }
    }
    await db('check_runs').where({ id: runId }).update({ status: 'completed', finished_at: db.fn.now(), heartbeat_at: db.fn.now() });
    return { runId, status: 'completed', durationMs: Date.now() - started, tables: outcomes };
  } catch (err) {
    const message = (err as Error).message;
    logger.error({ err, runId }, 'check run failed');
    await db('check_runs').where({ id: runId }).update({ status: 'failed', error: message, finished_at: db.fn.now() });
    return { runId, status: 'failed', durationMs: Date.now() - started, tables: outcomes, error: message };
  } finally {
    clearInterval(heartbeat);
  }
}

/** Claims and executes in one call (CLI, "run now", re-checks). */
export async function runNow(deps: CheckRunnerDeps, opts: ClaimOptions): Promise<RunSummary> {
  const runId = await claimRun(deps.db, opts);
  if (runId === null) throw new Error(`slot ${opts.slotKey} already claimed`);
  return executeRun(deps, runId);
}

/**
 * Runs whose instance stopped heart-beating are marked interrupted and re-run for the tables they had
 * not finished. The UPDATE … RETURNING hands each stale run to exactly one instance, and the re-run's
 * slot key ("<slot>:rerun") makes its creation happen once.
 */
export async function recoverInterruptedRuns(deps: CheckRunnerDeps, staleAfterMs = DEFAULT_STALE_AFTER_MS): Promise<number[]> {
  const { db } = deps;
  const stale = await db.raw(
    `UPDATE check_runs SET status = 'interrupted', finished_at = now(),
            error = 'instance stopped before finishing / 执行实例中断'
      WHERE status = 'running' AND heartbeat_at < now() - (? * interval '1 millisecond')
      RETURNING id, slot_key, scope`,
    [staleAfterMs],
  );
  const reruns: number[] = [];
  for (const run of stale.rows as { id: number; slot_key: string | null; scope: string[] | null }[]) {
    const done = await db('check_run_tables').where({ run_id: run.id }).pluck('table_name');
    const current = await loadCurrentCatalog(db);
    const all = run.scope ?? current?.catalog.tables.map((t) => t.name) ?? [];
    const remaining = all.filter((t) => !done.includes(t));
    if (remaining.length === 0) continue;
    const runId = await claimRun(db, { slotKey: `${run.slot_key ?? `run-${run.id}`}:rerun`, trigger: 'rerun', scope: remaining, rerunOf: Number(run.id) });
    if (runId !== null) reruns.push(runId);
  }
  return reruns;
}
