import type { AppContext } from '../server/context';
import type { BackgroundService } from '../server/index';
import { scheduleJob } from '../server/services/jobs/coordinator';
import { notifyReporters } from '../server/services/reports';
import { loadTicketCalendar, resolveUnconfirmedFixes } from '../server/services/tickets';

/**
 * Every 15 minutes: report tickets fixed 5 working days ago without the reporter's answer are
 * resolved (silence counts as yes), and reporters are told of every change to their tickets made
 * anywhere (the ticket page, reassignment, this job). Both steps are idempotent.
 */
export async function run(ctx: AppContext, opts: { now?: Date } = {}): Promise<{ resolved: number[]; notices: number }> {
  const now = opts.now ?? ctx.now();
  const { calendar } = await loadTicketCalendar(ctx.db, ctx.config.timezone);
  const resolved = await resolveUnconfirmedFixes(ctx.db, { calendar, now });
  const notices = await notifyReporters(ctx.db);
  if (resolved.length || notices) ctx.logger.info({ resolved: resolved.length, notices }, 'report confirmations');
  return { resolved: resolved.map((t) => Number(t.id)), notices };
}

export function start(ctx: AppContext, timezone = ctx.config.timezone): BackgroundService {
  return scheduleJob(
    ctx.db,
    ctx.logger,
    { name: 'report-confirmations', expression: '*/15 * * * *', timezone },
    async () => void (await run(ctx)),
  );
}
