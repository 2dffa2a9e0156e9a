import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { runTableChecks } from '../../../rules/engine';
import type { CheckResult, TableCheckOutcome, TableErrorCode } from '../../../rules/types';
import { isConnectionLost } from '../../db/connect';
import type { Hub } from '../../hub';
import { createCalendar, WorkingDayCalendar } from '../calendar';
import { loadCurrentCatalog } from '../catalog/repository';
import type { Catalog } from '../catalog/types';
import { scrubForLog } from '../privacy';
import { handOffTable } from './handoff';
import { INSTANCE_ID } from './instance';
import { saveTableOutcome } from './persist';
import { answerWithin } from '../answer-within';
import { checkErrorText } from '../../../rules/messages';

/**
 * Check runs: claim (once per slot), execute table by table, persist each table's results as they
 * come, hand them to the ticket service (reliably: handoff.ts), and recover runs whose instance died.
 */
export type RunTrigger = 'schedule' | 'manual' | 'recheck' | 'cli' | 'rerun' | 'bootstrap';

export interface TableResultsHandoff {
  runId: number;
  table: string;
  results: CheckResult[];
  catalog: Catalog;
  calendar: WorkingDayCalendar;
  now: Date;
  /**
   * The results are stored (check_run_tables/check_results) and may be handed over again after a
   * crash: `markApplied()` records the hand-off as done (true for the first caller). The ticket
   * service calls it after its last ticket change, before notifying; the runner calls it after.
   */
  stored: { markApplied(): Promise<boolean> };
}

export interface CheckRunnerDeps {
  db: Knex;
  hub: Hub;
  logger: Logger;
  now(): Date;
  /**
   * After a table's results are stored: the ticket service files, updates and resolves tickets. Must be
   * idempotent per stored outcome: recovery hands an outcome over again when a crash may have cut it short.
   */
  onTableResults?: (handoff: TableResultsHandoff) => Promise<void>;
  /** A table could not be checked (hub down, table missing, timeout): an operational problem. For an unreachable hub, the run's first table only. */
  onTableError?: (problem: { runId: number; table: string; code: TableErrorCode; message: string }) => Promise<void>;
  statementTimeoutMs?: number;
  /** CheckContext.scanParts: connections one big table's aggregate may be read on at once. */
  scanParts?: number;
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

/** The newest run's id (0 before the first): a "run now" form carries it as `seen` (claimManualRun). */
export async function latestRunId(db: Knex): Promise<number> {
  const row = await db('check_runs').max({ id: 'id' }).first();
  return Number(row?.id ?? 0);
}

/**
 * "Run now" (the IT office's button), one at a time for the same tables: a second press (another tab, a colleague)
 * gets the live run that is checking them (`going`) instead of checking every table twice — it would also leave each
 * busy table to the first run. A table press starts a run when the live one has already checked that table. Under a
 * lock, so two presses at the same moment cannot both find none going.
 *
 * `seen`: the newest run when the form was shown. A manual run of these tables started since, finished or not, is
 * the answer to this press too (`going`): on the embedded hub a run holds the service's only thread, so a second
 * click is read only once the first click's run has ended, and found none going — every impatient click queued one
 * more full run. A press from a page shown after that run started carries its id, and starts a new run.
 * `live` says whether the run it found is still going (the press's message differs).
 */
export async function claimManualRun(
  db: Knex,
  opts: { table: string | null; requestedBy: number; seen?: number | null },
): Promise<{ going: number; live: boolean; runId?: undefined } | { runId: number | null; going?: undefined }> {
  const { table } = opts;
  return db.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', ['hubwatch check run now']);
    // Only a manual run: a scheduled one since the page was shown may have read the tables before a fix the
    // press is meant to confirm.
    if (opts.seen != null) {
      const since = await trx('check_runs')
        .where('id', '>', opts.seen)
        .where({ trigger: 'manual' })
        .whereIn('status', ['running', 'completed'])
        .where((q) => {
          q.whereNull('scope');
          if (table) q.orWhereRaw('? = ANY (scope)', [table]);
        })
        .orderBy('id')
        .first('id', 'status');
      if (since) return { going: Number(since.id), live: since.status === 'running' };
    }
    const going = await trx('check_runs')
      .where({ status: 'running' })
      .where('heartbeat_at', '>', trx.raw(`now() - (? * interval '1 millisecond')`, [DEFAULT_STALE_AFTER_MS]))
      .where((q) => {
        q.whereNull('scope');
        if (table) q.orWhereRaw('? = ANY (scope)', [table]);
      })
      .modify((q) => {
        if (table)
          q.whereNotExists((x) =>
            x
              .select(trx.raw('1'))
              .from('check_run_tables as d')
              .whereRaw('d.run_id = check_runs.id')
              .where('d.table_name', table),
          );
      })
      .orderBy('id')
      .first('id');
    if (going) return { going: Number(going.id), live: true };
    return { runId: await claimRun(trx, { trigger: 'manual', scope: table ? [table] : null, requestedBy: opts.requestedBy }) };
  });
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

/**
 * A lease is taken over when it expired, or when its run is no longer running (interrupted, failed):
 * a crashed instance's leases must not keep the table from being checked until they expire. A run
 * that recovery has already marked interrupted (it looked dead) gets no lease: its re-run has the
 * remaining tables now.
 */
async function acquireLease(db: Knex, table: string, runId: number, ttlMs: number): Promise<boolean> {
  const rows = await db.raw(
    `INSERT INTO check_table_leases (table_name, run_id, instance_id, expires_at)
     SELECT ?, ?, ?, now() + (? * interval '1 millisecond')
      WHERE EXISTS (SELECT 1 FROM check_runs WHERE id = ? AND status = 'running')
     ON CONFLICT (table_name) DO UPDATE
       SET run_id = EXCLUDED.run_id, instance_id = EXCLUDED.instance_id, expires_at = EXCLUDED.expires_at
       WHERE check_table_leases.expires_at < now() OR check_table_leases.run_id = EXCLUDED.run_id
          OR EXISTS (SELECT 1 FROM check_runs r WHERE r.id = check_table_leases.run_id AND r.status <> 'running')
     RETURNING table_name`,
    [table, runId, INSTANCE_ID, ttlMs, runId],
  );
  return rows.rows.length === 1;
}

async function releaseLease(db: Knex, table: string, runId: number): Promise<void> {
  await db('check_table_leases').where({ table_name: table, run_id: runId }).delete();
}

export interface RunSummary {
  runId: number;
  status: 'completed' | 'failed' | 'interrupted';
  durationMs: number;
  tables: TableCheckOutcome[];
  /** Tables another run was checking at that moment (its id, null if it finished meanwhile): not checked again. */
  skipped: { table: string; run_id: number | null }[];
  error?: string;
}

/** Executes a claimed run to the end. Never throws for hub problems: they are recorded per table. */
export async function executeRun(deps: CheckRunnerDeps, runId: number): Promise<RunSummary> {
  const { db, logger } = deps;
  const started = Date.now();
  const run = await db('check_runs').where({ id: runId }).first();
  const heartbeat = setInterval(() => {
    db('check_runs')
      .where({ id: runId })
      .update({ heartbeat_at: db.fn.now() })
      .catch((err) => logger.warn({ err, runId }, 'heartbeat failed'));
  }, deps.heartbeatMs ?? 15_000);
  heartbeat.unref();
  const outcomes: TableCheckOutcome[] = [];
  const skippedTables: RunSummary['skipped'] = [];
  const summary = (status: RunSummary['status'], error?: string): RunSummary => ({
    runId,
    status,
    durationMs: Date.now() - started,
    tables: outcomes,
    skipped: skippedTables,
    ...(error === undefined ? {} : { error }),
  });
  try {
    const current = await loadCurrentCatalog(db);
    if (!current) throw new Error(checkErrorText('noCatalog'));
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
      scanParts: deps.scanParts,
    };
    const leaseMs = (deps.statementTimeoutMs ?? 60_000) * 4 + 60_000;
    let unreachable: TableCheckOutcome['error'] | undefined;
    for (const table of tables) {
      let outcome: TableCheckOutcome;
      if (!(await acquireLease(db, table.name, runId, leaseMs))) {
        const own = await db('check_runs').where({ id: runId }).first('status');
        if (own?.status !== 'running') {
          logger.warn({ runId, status: own?.status }, 'run taken for dead by recovery; its re-run goes on');
          return summary('interrupted');
        }
        // Another run is checking this table right now: its results will be as fresh as ours. The run's page says
        // which table it left to which run (the lease's holder; gone if that run finished meanwhile).
        const holder = await db('check_table_leases').where({ table_name: table.name }).first('run_id');
        const skipped = { table: table.name, run_id: holder ? Number(holder.run_id) : null };
        skippedTables.push(skipped);
        logger.info({ runId, ...skipped }, 'table busy in another run; skipped');
        await db('check_runs')
          .where({ id: runId })
          .update({
            tables_total: db.raw('tables_total - 1'),
            skipped_tables: db.raw('skipped_tables || ?::jsonb', [JSON.stringify([skipped])]),
          });
        continue;
      }
      try {
        // Once the hub could not be reached, the run's other tables are not tried: they fail for the same reason, which
        // the first one's error (and its notice, onTableError) already says — one notice for the run, not one per table.
        const sameOutage = unreachable !== undefined;
        outcome = unreachable
          ? { table: table.name, status: 'error', error: unreachable, durationMs: 0, facts: null, results: [] }
          : await runTableChecks(deps.hub.knex, table, ctx, catalog.rules);
        if (outcome.error?.code === 'hub_unreachable') {
          // One connection lost (a DBA ended a slow query's session, a proxy dropped it) is not an outage: asked on a
          // fresh connection, a hub that answers has the table's failure as its own, and the run goes on.
          if (!sameOutage && (await hubAnswers(deps.hub.knex)))
            outcome = { ...outcome, error: { code: 'query_failed', message: outcome.error.message } };
          else unreachable = outcome.error;
        }
        const results = await db.transaction((trx) => saveTableOutcome(trx, runId, outcome, catalog, ctx.now));
        outcomes.push(outcome);
        if (outcome.status === 'ok') {
          await handOffTable(deps, { runId, table: table.name, results, catalog, calendar, now: ctx.now });
        } else if (outcome.error && !sameOutage) {
          await deps.onTableError?.({ runId, table: table.name, code: outcome.error.code, message: outcome.error.message });
        }
      } finally {
        await releaseLease(db, table.name, runId);
      }
    }
    // Only a run still 'running' ends here: one that recovery took for dead meanwhile has a re-run.
    if (unreachable) {
      // The hub went away: the tables from the first unreachable one on were not checked (those before it keep
      // their results and hand-offs). The run failed, as `check run` exits 1; "completed" with 0 of 68 tables
      // checked read as a run that had found nothing. Not re-run: the next slot tries the hub again.
      const error = checkErrorText('hubUnreachable', {}, unreachable.message);
      await db('check_runs')
        .where({ id: runId, status: 'running' })
        .update({ status: 'failed', error: scrubForLog(error), finished_at: db.fn.now(), heartbeat_at: db.fn.now() });
      return summary('failed', error);
    }
    await db('check_runs')
      .where({ id: runId, status: 'running' })
      .update({ status: 'completed', finished_at: db.fn.now(), heartbeat_at: db.fn.now() });
    return summary('completed');
  } catch (err) {
    const message = (err as Error).message;
    if (isConnectionLost(err)) {
      // The service database went away (restart, network): not the run's fault. Marked interrupted,
      // the recovery tick re-runs its unfinished tables once the database is back.
      // runOutcome: `check run` says the outcome itself and leaves these lines out (its summary and exit code).
      logger.warn({ err, runId, runOutcome: 'interrupted' }, 'check run interrupted: service database connection lost');
      clearInterval(heartbeat);
      await markInterrupted(db, runId, checkErrorText('serviceDatabaseLost', {}, message));
      return summary('interrupted', message);
    }
    logger.error({ err, runId, runOutcome: 'failed' }, 'check run failed');
    // Stored as the logs keep it: a database's message can quote a value it refused (an ID number, a mobile).
    await db('check_runs')
      .where({ id: runId, status: 'running' })
      .update({ status: 'failed', error: scrubForLog(message), finished_at: db.fn.now() });
    return summary('failed', message);
  } finally {
    clearInterval(heartbeat);
  }
}

/** How long the hub has to answer `select 1` once a table found it unreachable. */
const HUB_PROBE_MS = 5_000;

/** Whether the hub answers a trivial statement (on whichever connection the pool gives, a new one if the last died). */
function hubAnswers(hub: Knex): Promise<boolean> {
  const answered = hub.raw('select 1').then(
    () => true,
    () => false,
  );
  return answerWithin(answered, HUB_PROBE_MS, false);
}

/**
 * Marks a run interrupted, retrying while the database is still coming back. If it never comes back
 * in time, the run stays 'running' without heartbeat and recovery marks it interrupted later.
 */
async function markInterrupted(db: Knex, runId: number, error: string, attempts = 15): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    try {
      await db('check_runs')
        .where({ id: runId, status: 'running' })
        .update({ status: 'interrupted', error: scrubForLog(error), finished_at: db.fn.now() });
      return;
    } catch (err) {
      if (!isConnectionLost(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** Claims and executes in one call (CLI, "run now", re-checks). */
export async function runNow(deps: CheckRunnerDeps, opts: ClaimOptions): Promise<RunSummary> {
  const runId = await claimRun(deps.db, opts);
  if (runId === null) throw new Error(`slot ${opts.slotKey} already claimed`);
  return executeRun(deps, runId);
}

/** How far back recovery looks for interrupted runs that still lack their re-run. */
const RERUN_WINDOW_MS = 86_400_000;

/**
 * Runs whose instance stopped heart-beating are marked interrupted (their table leases released), and
 * every interrupted run without a re-run yet — whether a crashed instance left it or it stopped on a
 * lost database connection — is re-run for the tables it had not finished. The re-run's slot key
 * ("<slot>:rerun") makes its creation happen once whichever instances recover at the same time.
 */
export async function recoverInterruptedRuns(deps: CheckRunnerDeps, staleAfterMs = DEFAULT_STALE_AFTER_MS): Promise<number[]> {
  const { db } = deps;
  // Its end is its last sign of life — the last heartbeat, or a table finished after it — not the moment it was
  // found dead (up to the stale limit later): the runs list and chart showed a 10-second run as 3 minutes.
  const stale = await db.raw(
    `UPDATE check_runs SET status = 'interrupted',
            finished_at = GREATEST(heartbeat_at, started_at,
              (SELECT max(t.finished_at) FROM check_run_tables t WHERE t.run_id = check_runs.id)),
            error = ?
      WHERE status = 'running' AND heartbeat_at < now() - (? * interval '1 millisecond')
      RETURNING id`,
    [checkErrorText('instanceStopped'), staleAfterMs],
  );
  const staleIds = (stale.rows as { id: number }[]).map((r) => Number(r.id));
  if (staleIds.length) await db('check_table_leases').whereIn('run_id', staleIds).delete();

  const orphans = (await db('check_runs as r')
    .where('r.status', 'interrupted')
    .where('r.started_at', '>', new Date(Date.now() - RERUN_WINDOW_MS))
    .whereNotExists((q) => q.select(db.raw('1')).from('check_runs as x').whereRaw('x.rerun_of = r.id'))
    .orderBy('r.id')
    .select('r.id', 'r.slot_key', 'r.scope')) as { id: number; slot_key: string | null; scope: string[] | null }[];
  const reruns: number[] = [];
  for (const run of orphans) {
    const done = await db('check_run_tables').where({ run_id: run.id }).pluck('table_name');
    const current = await loadCurrentCatalog(db);
    const all = run.scope ?? current?.catalog.tables.map((t) => t.name) ?? [];
    const remaining = all.filter((t) => !done.includes(t));
    // Every table finished; only the 'completed' mark was lost (and perhaps hand-offs: handoff.ts).
    if (remaining.length === 0) continue;
    const runId = await claimRun(db, {
      slotKey: `${run.slot_key ?? `run-${run.id}`}:rerun`,
      trigger: 'rerun',
      scope: remaining,
      rerunOf: Number(run.id),
    });
    if (runId !== null) reruns.push(runId);
  }
  return reruns;
}
