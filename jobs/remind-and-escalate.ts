import type { AppContext } from '../server/context';
import type { BackgroundService } from '../server/index';
import { scheduleJob } from '../server/services/jobs/coordinator';
import { notifierFromConfig, type Notifier } from '../server/services/notifications';
import {
  escalateOverdueTickets,
  loadTicketCalendar,
  notifyEscalations,
  notifyReminders,
  remindDueTickets,
} from '../server/services/tickets';

/** Daily: remind stewards one working day before due, escalate overdue tickets to the IT office at once. */
export async function run(
  ctx: AppContext,
  opts: { now?: Date; notifier?: Notifier } = {},
): Promise<{ reminded: number[]; escalated: number[] }> {
  const now = opts.now ?? ctx.now();
  const { calendar } = await loadTicketCalendar(ctx.db, ctx.config.timezone);
  const notifier = opts.notifier ?? notifierFromConfig(ctx.db, ctx.config, ctx.logger);
  const reminded = await remindDueTickets(ctx.db, { calendar, now });
  const escalated = await escalateOverdueTickets(ctx.db, { calendar, now });
  await notifyReminders(notifier, reminded);
  await notifyEscalations(notifier, escalated);
  return { reminded: reminded.map((t) => t.id), escalated: escalated.map((t) => t.id) };
}

/** 08:30 in the configured time zone. */
export function start(ctx: AppContext, timezone = ctx.config.timezone): BackgroundService {
  // Each slot runs on one instance only (job_slots); the work itself is idempotent besides.
  return scheduleJob(
    ctx.db,
    ctx.logger,
    { name: 'remind-and-escalate', expression: '30 8 * * *', timezone },
    async () => void (await run(ctx)),
  );
}
