import type { AppContext } from '../server/context';
import type { BackgroundService } from '../server/index';
import { addDays, todayIn } from '../server/services/calendar';
import { scheduleJob } from '../server/services/jobs/coordinator';
import { snapshotDay, type SnapshotOutcome } from '../server/services/scorecards';

/**
 * Scorecard snapshots: `run(ctx, {day})` snapshots one day (default: today in the configured time
 * zone). Idempotent: a day is replaced, except in a closed assessment period.
 */
export async function run(ctx: AppContext, opts: { day?: string } = {}): Promise<SnapshotOutcome> {
  const day = opts.day ?? todayIn(ctx.config.timezone, ctx.now());
  const outcome = await snapshotDay(ctx.db, { day, timezone: ctx.config.timezone });
  ctx.logger.info({ day, skipped: outcome.skipped, departments: outcome.departments }, 'scorecard snapshot');
  return outcome;
}

/**
 * Minute 15 of every hour: today's snapshot, so the dashboard is at most an hour behind; the 00:15
 * slot first finishes yesterday with the runs of its last hour.
 */
export function start(ctx: AppContext): BackgroundService {
  return scheduleJob(
    ctx.db,
    ctx.logger,
    { name: 'snapshot-scorecards', expression: '15 * * * *', timezone: ctx.config.timezone },
    async ({ date }) => {
      const today = todayIn(ctx.config.timezone, date);
      if (
        new Intl.DateTimeFormat('en-GB', { timeZone: ctx.config.timezone, hour: '2-digit', hourCycle: 'h23' }).format(date) ===
        '00'
      )
        await run(ctx, { day: addDays(today, -1) });
      await run(ctx, { day: today });
    },
  );
}
