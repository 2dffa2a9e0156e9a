import type { AppContext } from '../server/context';
import type { BackgroundService } from '../server/index';
import { translator } from '../server/i18n';
import { scheduleJob } from '../server/services/jobs/coordinator';
import { addToInbox, officeRecipients } from '../server/services/notifications';
import { remindExpiringGrants } from '../server/services/sharing/grants';
import { stageSubject } from '../server/services/sharing/notices';
import { flagOverdueReviews } from '../server/services/sharing/workflow';

/**
 * Daily, for data-sharing requests: remind a data-source department the working day before its
 * 5-working-day answer is due; flag overdue answers to the IT office (which may then decide in the
 * department's place); remind applicant and IT office 30 days before a grant expires. Notices go to
 * the in-app inbox; each stage and grant is reminded once (the service marks it).
 */
export async function run(ctx: AppContext): Promise<{ reminded: number; flagged: number; expiring: number }> {
  const t = translator('zh-CN');
  const en = translator('en');
  const { reminded, flagged } = await flagOverdueReviews(ctx);
  const expiring = await remindExpiringGrants(ctx);
  for (const r of reminded) {
    // Who may decide the review, as told when it reached them (not every steward of the department: the applicant
    // may be one, and a department may review through its leader).
    await addToInbox(ctx.db, r.reviewers ?? [], {
      kind: 'sharing.reminder',
      subject: stageSubject(r.stageId),
      title: t('sharing.notices.reminder', { id: r.requestId, date: r.dueOn ?? '' }),
      en: { title: en('sharing.notices.reminder', { id: r.requestId, date: r.dueOn ?? '' }) },
      body: '',
      link: `/sharing/${r.requestId}`,
    });
  }
  if (flagged.length) {
    const office = await officeRecipients(ctx.db);
    for (const f of flagged) {
      await addToInbox(ctx.db, office.userIds, {
        kind: 'sharing.overdue',
        subject: stageSubject(f.stageId),
        // The department by its name (人事处), as every other notice names it: it read 来源部门 HR 逾期未答复.
        title: t('sharing.notices.overdue', { id: f.requestId, department: f.departmentName ?? '' }),
        en: { title: en('sharing.notices.overdue', { id: f.requestId, department: f.departmentName ?? '' }) },
        body: '',
        link: `/sharing/${f.requestId}`,
      });
    }
  }
  if (expiring.length) {
    const office = await officeRecipients(ctx.db);
    for (const g of expiring) {
      await addToInbox(ctx.db, [g.applicantId, ...office.userIds], {
        kind: 'sharing.expiry',
        title: t('sharing.notices.expiry', { id: g.requestId, date: g.expiresOn }),
        en: { title: en('sharing.notices.expiry', { id: g.requestId, date: g.expiresOn }) },
        body: '',
        link: `/sharing/${g.requestId}`,
      });
    }
  }
  if (reminded.length || flagged.length || expiring.length) {
    ctx.logger.info({ reminded: reminded.length, flagged: flagged.length, expiring: expiring.length }, 'sharing reminders');
  }
  return { reminded: reminded.length, flagged: flagged.length, expiring: expiring.length };
}

/** 08:40 in the configured time zone (after the ticket reminders). */
export function start(ctx: AppContext, timezone = ctx.config.timezone): BackgroundService {
  return scheduleJob(
    ctx.db,
    ctx.logger,
    { name: 'sharing-reminders', expression: '40 8 * * *', timezone },
    async () => void (await run(ctx)),
  );
}
