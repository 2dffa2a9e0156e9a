import type { AppContext } from '../server/context';
import type { BackgroundService } from '../server/index';
import { addDays, todayIn } from '../server/services/calendar';
import { universityTimezone } from '../server/services/catalog/repository';
import { scheduleJob } from '../server/services/jobs/coordinator';
import { snapshotDay, type SnapshotOutcome } from '../server/services/scorecards';

/**
 * Scorecard snapshots: `run(ctx, {day})` snapshots one day (default: today), its bounds read in the
 * university's time zone (the catalog calendar's). Idempotent: a day is replaced, except in a closed
 * assessment period.
 */
export async function run(ctx: AppContext, opts: { day?: string } = {}): Promise<SnapshotOutcome> {
  const timezone = await universityTimezone(ctx.db, ctx.config.timezone);
  const day = opts.day ?? todayIn(timezone, ctx.now());
  const outcome = await snapshotDay(ctx.db, { day, timezone });
  ctx.logger.info({ day, timezone, skipped: outcome.skipped, departments: outcome.departments }, 'scorecard snapshot');
  return outcome;
}

/** The days a slot snapshots: today, and first yesterday in the day's first hour (its last runs came after 23:15). */
export function daysOfSlot(timezone: string, date: Date): string[] {
  const today = todayIn(timezone, date);
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', hourCycle: 'h23' }).format(date);
  return hour === '00' ? [addDays(today, -1), today] : [today];
}

/**
 * Minute 15 of every hour: today's snapshot, so the dashboard is at most an hour behind; the 00:15
 * slot first finishes yesterday with the runs of its last hour.
 */
export function start(ctx: AppContext, timezone = ctx.config.timezone): BackgroundService {
  return scheduleJob(
    ctx.db,
    ctx.logger,
    { name: 'snapshot-scorecards', expression: '15 * * * *', timezone },
    async ({ date }) => {
      // The zone as it is now: the catalog may have changed it since this job was scheduled.
      for (const day of daysOfSlot(await universityTimezone(ctx.db, timezone), date)) await run(ctx, { day });
    },
  );
}
