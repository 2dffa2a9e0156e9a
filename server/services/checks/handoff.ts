import type { Knex } from 'knex';
import type { CheckResult } from '../../../rules/types';
import { isConnectionLost } from '../../db/connect';
import { createCalendar } from '../calendar';
import { loadCurrentCatalog } from '../catalog/repository';
import type { Catalog } from '../catalog/types';
import type { CheckRunnerDeps, TableResultsHandoff } from './runs';

/**
 * The hand-off of a table's stored results to the ticket service, made reliable.
 *
 * A run stores a table's outcome in one transaction (`saveTableOutcome`), then hands the results to
 * the ticket service, which applies them in one transaction per ticket and then notifies. One
 * transaction cannot cover both, so an instance can die, or lose this database, in between — and the
 * re-run of an interrupted run checks only the tables without a stored outcome. Hence:
 *
 * - `check_run_tables.tickets_applied_at` is null from the outcome's save until its hand-off is done
 *   (set by a conditional update after the last ticket change, before the notices): the outcome is
 *   *pending*. (An outcome with status `error` has nothing for the tickets.)
 * - While its run is `running`, a pending outcome is that run's to hand off. Once the run is
 *   `interrupted` — its instance stopped heart-beating, or the run lost the database — it is handed
 *   off from the stored rows (results, the run's catalog version, its check time) by
 *   1. recovery (`handOffInterruptedOutcomes`, on the recovery tick before the re-runs), and
 *   2. the table's next run, which hands off the table's pending outcomes before its own, in the
 *      order they were stored (`finished_at`, then run id; one run checks a table at a time), so the
 *      tickets see a table's results in the order they were checked, as without the crash.
 *   Outcomes of runs that `failed` (the hand-off threw an error of its own) are not replayed, nor
 *   outcomes of runs older than a day (their tables have been checked and handed off since).
 * - Applying is idempotent, so either may happen several times and at once: on several instances
 *   recovering together, recovery racing the table's next run, or after an application that died
 *   half-way. Every ticket change takes the fingerprint's advisory lock and is skipped when the ticket
 *   was last changed by this run, or by an outcome of the table stored later (apply.ts), so each
 *   change is made once and older results never overwrite newer ones. The notices (new high-severity
 *   tickets) are read from the tickets' history and sent only by the application whose update set
 *   `tickets_applied_at`: a crash between that update and the sending loses the notice, nothing
 *   sends it twice.
 * - A pending outcome that a later outcome of its table was applied after (possible only when
 *   applying it failed on an error of its own, or a stalled instance stored it late) is left out and
 *   recorded as handed off: applying older results after newer ones would undo the newer ones.
 *
 * No lock is held across the ticket transactions: the many short ones stay short, and PGlite (one
 * connection) could not run them while another transaction held a lock.
 */

interface PendingOutcome {
  run_id: number;
  table_name: string;
  catalog_version_id: number | null;
}

/** How far back recovery looks for pending outcomes (as far as it looks for runs to re-run). */
export const HANDOFF_WINDOW_MS = 86_400_000;

/** Records the outcome as handed off; true when this call did (the first one). */
export async function markTicketsApplied(db: Knex, runId: number, table: string): Promise<boolean> {
  const rows = await db('check_run_tables')
    .where({ run_id: runId, table_name: table })
    .whereNull('tickets_applied_at')
    .update({ tickets_applied_at: db.fn.now() })
    .returning('run_id');
  return rows.length === 1;
}

async function deliver(deps: CheckRunnerDeps, handoff: Omit<TableResultsHandoff, 'stored'>): Promise<void> {
  const stored = { markApplied: () => markTicketsApplied(deps.db, handoff.runId, handoff.table) };
  await deps.onTableResults!({ ...handoff, stored });
  // A hand-off that does not record it itself (the ticket service does, before its notices).
  await stored.markApplied();
}

/** The results of a stored outcome, as the run handed (or would have handed) them over. */
async function storedResults(
  db: Knex,
  runId: number,
  table: string,
): Promise<{ results: CheckResult[]; checkedAt: Date | null }> {
  const rows = await db('check_results').where({ run_id: runId, table_name: table }).orderBy('id');
  const results = rows.map((r): CheckResult => ({
    check: r.check_kind,
    department: r.department_code,
    table: r.table_name,
    field: r.field_name,
    passed: r.passed,
    violations: Number(r.violations),
    checkedRows: Number(r.checked_rows),
    sampleKeys: r.sample_keys ?? [],
    severity: r.severity,
    ...(r.message != null ? { message: r.message } : {}),
    ...(r.details != null ? { details: r.details } : {}),
  }));
  return { results, checkedAt: rows.length ? (rows[0].checked_at as Date) : null };
}

/** The catalog a run checked with (messages and masking as the run would have made them). */
async function catalogOf(db: Knex, versionId: number | null): Promise<Catalog | null> {
  if (versionId !== null) {
    const row = await db('catalog_versions').where({ id: versionId }).first('catalog');
    if (row) return (typeof row.catalog === 'string' ? JSON.parse(row.catalog) : row.catalog) as Catalog;
  }
  return (await loadCurrentCatalog(db))?.catalog ?? null;
}

/** Whether an outcome of the same table stored after this one has been handed off already. */
async function superseded(db: Knex, outcome: PendingOutcome): Promise<boolean> {
  const rows = await db.raw(
    `SELECT 1 FROM check_run_tables o JOIN check_run_tables l ON l.table_name = o.table_name
      WHERE o.run_id = ? AND o.table_name = ? AND l.status = 'ok' AND l.tickets_applied_at IS NOT NULL
        AND (l.finished_at, l.run_id) > (o.finished_at, o.run_id)
      LIMIT 1`,
    [outcome.run_id, outcome.table_name],
  );
  return rows.rows.length > 0;
}

/** Applies one pending outcome of a stopped run from its stored results. */
async function applyPending(deps: CheckRunnerDeps, outcome: PendingOutcome): Promise<void> {
  const { db, logger } = deps;
  const runId = Number(outcome.run_id);
  if (await superseded(db, outcome)) {
    await markTicketsApplied(db, runId, outcome.table_name);
    logger.warn(
      { runId, table: outcome.table_name },
      'stored check results left out: later results of the table reached the tickets first',
    );
    return;
  }
  const { results, checkedAt } = await storedResults(db, runId, outcome.table_name);
  const catalog = await catalogOf(db, outcome.catalog_version_id === null ? null : Number(outcome.catalog_version_id));
  if (!catalog || checkedAt === null) {
    // No results (a table without checks), or no catalog to word them with: nothing to hand over.
    await markTicketsApplied(db, runId, outcome.table_name);
    return;
  }
  logger.info(
    { runId, table: outcome.table_name, results: results.length },
    'handing stored check results to tickets after an interruption',
  );
  await deliver(deps, {
    runId,
    table: outcome.table_name,
    results,
    catalog,
    calendar: createCalendar(catalog.calendar),
    now: checkedAt,
  });
}

/**
 * Applies pending outcomes one by one. A connection lost stops (the next attempt starts over); any
 * other error is logged and the next outcome is applied — one outcome that cannot be applied must not
 * hold back its table's later results (it is then superseded by them).
 */
async function applyAll(deps: CheckRunnerDeps, pending: PendingOutcome[]): Promise<number> {
  let applied = 0;
  for (const outcome of pending) {
    try {
      await applyPending(deps, outcome);
      applied++;
    } catch (err) {
      if (isConnectionLost(err)) throw err;
      deps.logger.error(
        { err, runId: outcome.run_id, table: outcome.table_name },
        'stored check results could not be handed to tickets',
      );
    }
  }
  return applied;
}

/**
 * Pending outcomes of interrupted runs of the last day, in the order they were stored. Older ones are
 * left alone: the tables have been checked and handed off since (the recovery of a day-long outage
 * would otherwise file, notify and at once resolve tickets of day-old results).
 */
function pendingOfInterruptedRuns(db: Knex) {
  return db('check_run_tables as t')
    .join('check_runs as r', 'r.id', 't.run_id')
    .where('t.status', 'ok')
    .whereNull('t.tickets_applied_at')
    .where('r.status', 'interrupted')
    .where('r.started_at', '>', new Date(Date.now() - HANDOFF_WINDOW_MS))
    .orderBy([{ column: 't.finished_at' }, { column: 't.run_id' }])
    .select('t.run_id', 't.table_name', 'r.catalog_version_id');
}

/**
 * A run's hand-off of the table it has just stored: first the table's outcomes that interrupted runs
 * stored before it and never handed off, oldest first, then its own. Called while the run holds the
 * table's lease.
 */
export async function handOffTable(deps: CheckRunnerDeps, own: Omit<TableResultsHandoff, 'stored'>): Promise<void> {
  if (!deps.onTableResults) return;
  const earlier = (await pendingOfInterruptedRuns(deps.db)
    .where('t.table_name', own.table)
    .whereRaw(
      `(t.finished_at, t.run_id) < (SELECT o.finished_at, o.run_id FROM check_run_tables o WHERE o.run_id = ? AND o.table_name = t.table_name)`,
      [own.runId],
    )) as PendingOutcome[];
  await applyAll(deps, earlier);
  await deliver(deps, own);
}

/**
 * Recovery: hands off every pending outcome of the interrupted runs of the last day, in the order they
 * were stored (a pending outcome is stored, not yet recorded as handed off). Several instances may do this at once (applying is idempotent). Returns how many were
 * handed off; never throws (the recovery tick goes on to the re-runs).
 */
export async function handOffInterruptedOutcomes(deps: CheckRunnerDeps): Promise<number> {
  if (!deps.onTableResults) return 0;
  try {
    return await applyAll(deps, (await pendingOfInterruptedRuns(deps.db)) as PendingOutcome[]);
  } catch (err) {
    deps.logger.warn({ err }, 'handing stored check results to tickets stopped; the next recovery tick goes on');
    return 0;
  }
}
