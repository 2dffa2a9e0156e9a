import type { AppContext } from '../server/context';
import { CheckRunnerDeps, claimRun, executeRun, recoverInterruptedRuns } from '../server/services/checks/runs';
import { loadCurrentCatalog } from '../server/services/catalog/repository';
import { scheduleJob, ScheduledJob } from '../server/services/jobs/coordinator';

/**
 * The hub check: the global schedule (CHECK_SCHEDULE, default hourly) runs every table without a
 * `schedule` of its own; each distinct per-table schedule gets its own job. Each slot runs once
 * across instances (job_slots + the run's slot key); a minutely tick re-runs interrupted runs and
 * follows catalog changes to the per-table schedules.
 */
export async function runSlot(deps: CheckRunnerDeps, slotKey: string, scope: string[] | null): Promise<void> {
  const runId = await claimRun(deps.db, { slotKey, trigger: 'schedule', scope });
  if (runId !== null) await executeRun(deps, runId);
}

export async function recover(deps: CheckRunnerDeps): Promise<void> {
  for (const runId of await recoverInterruptedRuns(deps)) await executeRun(deps, runId);
}

export function startCheckJobs(ctx: AppContext, deps: CheckRunnerDeps): { stop(): Promise<void> } {
  const timezone = ctx.config.timezone;
  const jobs = new Map<string, ScheduledJob>();
  let ownSchedules = new Map<string, string[]>(); // expression → tables
  let allTables: string[] = [];

  const schedule = (name: string, expression: string, scope: () => string[] | null) =>
    scheduleJob(ctx.db, ctx.logger, { name, expression, timezone }, ({ key }) => runSlot(deps, key, scope()));

  jobs.set('check-hub', schedule('check-hub', ctx.config.checkSchedule, () => {
    const own = [...ownSchedules.values()].flat();
    return own.length ? allTables.filter((t) => !own.includes(t)) : null;
  }));

  const reconcile = async () => {
    const current = await loadCurrentCatalog(ctx.db);
    allTables = current?.catalog.tables.map((t) => t.name) ?? [];
    const next = new Map<string, string[]>();
    for (const t of current?.catalog.tables ?? []) if (t.schedule) next.set(t.schedule, [...(next.get(t.schedule) ?? []), t.name]);
    for (const [expression] of ownSchedules) {
      if (!next.has(expression)) {
        await jobs.get(`check-hub[${expression}]`)?.stop();
        jobs.delete(`check-hub[${expression}]`);
      }
    }
    for (const [expression, tables] of next) {
      const name = `check-hub[${expression}]`;
      if (!jobs.has(name)) jobs.set(name, schedule(name, expression, () => ownSchedules.get(expression) ?? tables));
    }
    ownSchedules = next;
  };

  const minutely = scheduleJob(ctx.db, ctx.logger, { name: 'check-recover', expression: '* * * * *', timezone }, async () => {
    await reconcile();
    await recover(deps);
  });
  reconcile().catch((err) => ctx.logger.error({ err }, 'check schedule reconcile failed'));

  return {
    async stop() {
      await minutely.stop();
      await Promise.all([...jobs.values()].map((j) => j.stop()));
    },
  };
}
