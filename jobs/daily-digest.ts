import type { AppContext } from '../server/context';
import type { BackgroundService } from '../server/index';
import { scheduleJob } from '../server/services/jobs/coordinator';
import { notifierFromConfig, reachedAnyone, type Notifier } from '../server/services/notifications';
import { buildDigest, claimDigest, departmentsWithActiveTickets, loadTicketCalendar } from '../server/services/tickets';
import { auditHead } from '../server/services/audit';
import { todayIn } from '../server/services/calendar';

/** A department's digest that did not reach everyone it was for. */
export interface DigestProblem {
  department: string;
  /** nobody: no account, address or robot to send it to; email or webhook: that channel failed. */
  problem: 'nobody' | 'email' | 'webhook';
  /** Nothing reached anyone: the day was given back, so the digest may go out again today (by hand or the schedule).
   * Otherwise the rest went out and the day stays used (the inbox would get it twice). */
  again: boolean;
}

/**
 * One digest per department with active tickets (inbox, e-mail, robot), at most once a day per department. `sent`: the
 * departments it reached someone in; `problems`: those it did not reach in full (it said "sent" of digests nobody got,
 * and a digest whose e-mail failed looked the same as one delivered); `alreadySent`: those whose digest went out earlier
 * today (the schedule's, a run by hand), not sent again.
 */
export async function run(
  ctx: AppContext,
  opts: { now?: Date; notifier?: Notifier } = {},
): Promise<{ sent: string[]; problems: DigestProblem[]; alreadySent: string[]; auditHead: string | null }> {
  const now = opts.now ?? ctx.now();
  const { calendar } = await loadTicketCalendar(ctx.db, ctx.config.timezone);
  const notifier = opts.notifier ?? notifierFromConfig(ctx.db, ctx.config, ctx.logger);
  const today = todayIn(calendar.timezone, now);
  const sent: string[] = [];
  const problems: DigestProblem[] = [];
  const alreadySent: string[] = [];
  for (const department of await departmentsWithActiveTickets(ctx.db)) {
    const { claimed, previous, release } = await claimDigest(ctx.db, department, today, now);
    if (!claimed) {
      alreadySent.push(department);
      continue;
    }
    const digest = await buildDigest(ctx.db, department, { calendar, now, since: previous });
    if (!digest) continue;
    const delivery = await notifier.department(
      department,
      { kind: 'tickets.digest', title: digest.title, body: digest.body, link: '/tickets?status=active', en: digest.en },
      { email: true, webhook: true },
    );
    const reached = reachedAnyone(delivery);
    if (!reached) await release();
    else sent.push(department);
    if (delivery.emailFailed) problems.push({ department, problem: 'email', again: !reached });
    if (delivery.webhook === 'failed') problems.push({ department, problem: 'webhook', again: !reached });
    if (!reached && !delivery.emailFailed && delivery.webhook !== 'failed')
      problems.push({ department, problem: 'nobody', again: true });
  }
  // Once a day, the audit log's head goes to the service log, which is kept elsewhere: an anchor for
  // `hubwatch audit verify --anchor`, the one way to tell rows deleted from the end of the chain.
  const head = await auditHead(ctx.db);
  const auditHeadText = head ? `${head.seq}:${head.rowHash}` : null;
  if (auditHeadText) ctx.logger.info({ audit_head: auditHeadText }, 'audit log head (hubwatch audit verify --anchor)');
  return { sent, problems, alreadySent, auditHead: auditHeadText };
}

/** 08:45, after reminders and escalations, so the digest shows today's state. */
export function start(ctx: AppContext, timezone = ctx.config.timezone): BackgroundService {
  // Each slot runs on one instance only (job_slots); the work itself is idempotent besides.
  return scheduleJob(
    ctx.db,
    ctx.logger,
    { name: 'daily-digest', expression: '45 8 * * *', timezone },
    async () => void (await run(ctx)),
  );
}
