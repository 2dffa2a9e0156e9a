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

/**
 * Everything `serve` runs besides HTTP: the scheduled jobs (see `jobs/`). Each returns a stop()
 * that waits for its running work.
 */
export async function startBackground(ctx: AppContext, _runtime: Runtime, _announce: (line: string) => void): Promise<BackgroundService[]> {
  const services: BackgroundService[] = [];
  const timezone = ctx.config.timezone;

  const store = new KnexSessionStore(ctx.db);
  services.push(
    scheduleJob(ctx.db, ctx.logger, { name: 'housekeeping', expression: '17 * * * *', timezone }, async () => {
      await store.purgeExpired();
      // Slot rows only need to outlive any instance's memory of the slot.
      await ctx.db('job_slots').where('claimed_at', '<', new Date(Date.now() - 30 * 86_400_000)).delete();
    }),
  );

  services.push({ name: 'check-hub', ...startCheckJobs(ctx, checkRunnerDeps(ctx)) });
  registerRecheck(ctx);
  services.push(remindAndEscalate.start(ctx), dailyDigest.start(ctx));
  services.push(sharingReminders.start(ctx));
  services.push(snapshotScorecards.start(ctx));
  services.push(reportConfirmations.start(ctx));
  return services;
}
