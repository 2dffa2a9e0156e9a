import { startCheckJobs } from '../jobs/check-hub';
import * as dailyDigest from '../jobs/daily-digest';
import * as remindAndEscalate from '../jobs/remind-and-escalate';
import * as reportConfirmations from '../jobs/report-confirmations';
import * as sharingReminders from '../jobs/sharing-reminders';
import * as snapshotScorecards from '../jobs/snapshot-scorecards';
import { KnexSessionStore } from './auth/session-store';
import type { AppContext } from './context';
import type { BackgroundService } from './index';
import type { Runtime } from './runtime';
import { checkRunnerDeps, registerRecheck } from './services/checks/deps';
import { scheduleJob } from './services/jobs/coordinator';
import { startInUniversityTime } from './services/jobs/university-time';

/**
 * Everything `serve` runs besides HTTP: the scheduled jobs (see `jobs/`). Each returns a stop()
 * that waits for its running work.
 */
export async function startBackground(
  ctx: AppContext,
  _runtime: Runtime,
  _announce: (line: string) => void,
): Promise<BackgroundService[]> {
  const store = new KnexSessionStore(ctx.db);
  const housekeeping = scheduleJob(
    ctx.db,
    ctx.logger,
    { name: 'housekeeping', expression: '17 * * * *', timezone: ctx.config.timezone },
    async () => {
      await store.purgeExpired();
      // Slot rows only need to outlive any instance's memory of the slot.
      await ctx
        .db('job_slots')
        .where('claimed_at', '<', new Date(Date.now() - 30 * 86_400_000))
        .delete();
    },
  );
  registerRecheck(ctx);
  // Check slots, the 8:30 reminders and the snapshots' midnight are the university's local time:
  // the catalog calendar's time zone, which due dates and "today" are read in too.
  const zoned = await startInUniversityTime(
    { db: ctx.db, logger: ctx.logger, fallbackTimezone: ctx.config.timezone },
    (timezone) => [
      { name: 'check-hub', ...startCheckJobs(ctx, checkRunnerDeps(ctx), timezone) },
      remindAndEscalate.start(ctx, timezone),
      dailyDigest.start(ctx, timezone),
      sharingReminders.start(ctx, timezone),
      snapshotScorecards.start(ctx, timezone),
      reportConfirmations.start(ctx, timezone),
    ],
  );
  return [housekeeping, zoned];
}
