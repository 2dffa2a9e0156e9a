import type { AppContext } from '../server/context';
import { handOffInterruptedOutcomes } from '../server/services/checks/handoff';
import {
  CheckRunnerDeps,
  claimRun,
  DEFAULT_STALE_AFTER_MS,
  executeRun,
  recoverInterruptedRuns,
} from '../server/services/checks/runs';
import { loadCurrentCatalog } from '../server/services/catalog/repository';
import { scheduleJob, ScheduledJob } from '../server/services/jobs/coordinator';

/**
 * The hub check: the global schedule (CHECK_SCHEDULE, default hourly) runs every table without a
 * `schedule` of its own; each distinct per-table schedule gets its own job. Each slot runs once
 * across instances (job_slots + the run's slot key); a minutely tick re-runs interrupted runs and
 * follows catalog changes to the per-table schedules.
 *
 * Fault tolerance: a run whose instance died (no heartbeat) or whose database connection dropped is
 * marked interrupted and re-run for its unfinished tables; the results it stored but had not finished
 * handing to the ticket service are handed over from the stored rows first (server/services/checks/
 * handoff.ts); a slot claimed by an instance that died before creating the slot's run gets its run from
 * the recovery tick (same slot key, so still once).
 */

/**
 * Heartbeat, staleness and recovery follow the schedule's pace: hourly by default (heartbeat 15 s,
 * dead after 2 min, recovery every minute); a schedule with a seconds field (compressed, as the soak
 * and fault tests use) recovers within seconds, or its runs would wait minutes behind dead leases.
 */
export function recoveryPace(checkSchedule: string): { recoverExpression: string; heartbeatMs: number; staleAfterMs: number } {
  const withSeconds = checkSchedule.trim().split(/\s+/).length === 6;
  return withSeconds
    ? { recoverExpression: '*/5 * * * * *', heartbeatMs: 2_000, staleAfterMs: 15_000 }
    : { recoverExpression: '* * * * *', heartbeatMs: 15_000, staleAfterMs: DEFAULT_STALE_AFTER_MS };
}
export async function runSlot(deps: CheckRunnerDeps, slotKey: string, scope: string[] | null): Promise<void> {
  const runId = await claimRun(deps.db, { slotKey, trigger: 'schedule', scope });
  if (runId !== null) await executeRun(deps, runId);
}

/** Slots older than this are not recovered: their tables have been checked by later slots since. */
const ORPHAN_WINDOW_MS = 3_600_000;

/**
 * Slots of the check jobs that an instance claimed (job_slots) but never created the run for — it
 * died, or lost the database, between the two inserts. Their run is created now under the slot's own
 * key, so the slot still runs exactly once. `scopeOf` gives the tables of a job by its name.
 */
export async function recoverOrphanedSlots(
  deps: CheckRunnerDeps,
  scopeOf: (job: string) => string[] | null,
  staleAfterMs: number,
): Promise<number[]> {
  const { db } = deps;
  const orphans: { slot_key: string; job: string }[] = await db('job_slots as s')
    .where((q) => q.where('s.job', 'check-hub').orWhere('s.job', 'like', 'check-hub[%'))
    .whereNull('s.completed_at')
    .where('s.claimed_at', '<', db.raw(`now() - (? * interval '1 millisecond')`, [staleAfterMs]))
    .where('s.claimed_at', '>', db.raw(`now() - (? * interval '1 millisecond')`, [ORPHAN_WINDOW_MS]))
    .whereNotExists((q) => q.select(db.raw('1')).from('check_runs as r').whereRaw('r.slot_key = s.slot_key'))
    .orderBy('s.slot_key')
    .select('s.slot_key', 's.job');
  const runs: number[] = [];
  for (const slot of orphans) {
    const runId = await claimRun(db, { slotKey: slot.slot_key, trigger: 'schedule', scope: scopeOf(slot.job) });
    if (runId !== null) runs.push(runId);
  }
  return runs;
}

export async function recover(
  deps: CheckRunnerDeps,
  opts: { staleAfterMs?: number; scopeOf?: (job: string) => string[] | null } = {},
): Promise<void> {
  const staleAfterMs = opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const runs = await recoverInterruptedRuns(deps, staleAfterMs);
  // The tables the interrupted runs did check reach the tickets before their re-runs check the rest.
  await handOffInterruptedOutcomes(deps);
  if (opts.scopeOf) runs.push(...(await recoverOrphanedSlots(deps, opts.scopeOf, staleAfterMs)));
  for (const runId of runs) await executeRun(deps, runId);
}

/** The check schedules (CHECK_SCHEDULE and each table's own) read in `timezone`: the university's (server/background.ts). */
export function startCheckJobs(
  ctx: AppContext,
  baseDeps: CheckRunnerDeps,
  timezone = ctx.config.timezone,
): { stop(): Promise<void> } {
  const pace = recoveryPace(ctx.config.checkSchedule);
  const deps: CheckRunnerDeps = { ...baseDeps, heartbeatMs: baseDeps.heartbeatMs ?? pace.heartbeatMs };
  const jobs = new Map<string, ScheduledJob>();
  let ownSchedules = new Map<string, string[]>(); // expression → tables
  let allTables: string[] = [];

  const schedule = (name: string, expression: string, scope: () => string[] | null) =>
    scheduleJob(ctx.db, ctx.logger, { name, expression, timezone }, ({ key }) => runSlot(deps, key, scope()));

  const globalScope = () => {
    const own = [...ownSchedules.values()].flat();
    return own.length ? allTables.filter((t) => !own.includes(t)) : null;
  };
  jobs.set('check-hub', schedule('check-hub', ctx.config.checkSchedule, globalScope));
  const scopeOf = (job: string): string[] | null => {
    const own = /^check-hub\[(.*)\]$/.exec(job);
    return own ? (ownSchedules.get(own[1]) ?? []) : globalScope();
  };

  const reconcile = async () => {
    const current = await loadCurrentCatalog(ctx.db);
    allTables = current?.catalog.tables.map((t) => t.name) ?? [];
    const next = new Map<string, string[]>();
    for (const t of current?.catalog.tables ?? [])
      if (t.schedule) next.set(t.schedule, [...(next.get(t.schedule) ?? []), t.name]);
    for (const [expression] of ownSchedules) {
      if (!next.has(expression)) {
        await jobs.get(`check-hub[${expression}]`)?.stop();
        jobs.delete(`check-hub[${expression}]`);
      }
    }
    for (const [expression, tables] of next) {
      const name = `check-hub[${expression}]`;
      if (!jobs.has(name))
        jobs.set(
          name,
          schedule(name, expression, () => ownSchedules.get(expression) ?? tables),
        );
    }
    ownSchedules = next;
  };

  const minutely = scheduleJob(
    ctx.db,
    ctx.logger,
    { name: 'check-recover', expression: pace.recoverExpression, timezone },
    async () => {
      await reconcile();
      await recover(deps, { staleAfterMs: pace.staleAfterMs, scopeOf });
    },
  );
  reconcile().catch((err) => ctx.logger.error({ err }, 'check schedule reconcile failed'));

  return {
    async stop() {
      await minutely.stop();
      await Promise.all([...jobs.values()].map((j) => j.stop()));
    },
  };
}
