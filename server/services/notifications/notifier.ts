import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import { addToInbox } from './inbox';
import { createMailer, senderFor } from './mailer';
import { departmentRecipients, officeRecipients, Recipients } from './recipients';
import type { FetchLike, Mailer, Notice } from './types';
import { guardedFetch, postWebhook, robotText } from './webhook';

export interface Channels {
  email?: boolean;
  webhook?: boolean;
  /** To a department: its leaders too (`departmentRecipients`), by inbox and, with `email`, by e-mail. */
  leaders?: boolean;
}

/**
 * Whom a notice to a department reached: its inbox (accounts), e-mail (addresses; `emailFailed` when the server
 * refused it) and its webhook (null: none set, or not asked for). A job that must not tell "sent" of a notice nobody got
 * (the daily digest) reads it; the others need not.
 */
export interface Delivery {
  inbox: number;
  emails: number;
  emailFailed: boolean;
  webhook: 'sent' | 'failed' | null;
}

/** Whether a delivery reached anyone at all. */
export const reachedAnyone = (d: Delivery): boolean => d.inbox > 0 || (d.emails > 0 && !d.emailFailed) || d.webhook === 'sent';

/**
 * Delivers a notice to a department's stewards (and leaders, when asked) or to the IT office: always the inbox, plus e-mail
 * and the department's webhook when asked. Delivery problems (SMTP down, robot URL wrong) are logged
 * and never undo or stop the work that caused the notice.
 */
export interface Notifier {
  department(code: string, notice: Notice, channels?: Channels): Promise<Delivery>;
  office(notice: Notice, channels?: Channels): Promise<void>;
  users(userIds: number[], notice: Notice): Promise<void>;
}

export interface NotifierOptions {
  db: Knex;
  mailer: Mailer;
  logger: Logger;
  baseUrl: string;
  fetch?: FetchLike;
}

export function createNotifier(opts: NotifierOptions): Notifier {
  const fetchImpl: FetchLike = opts.fetch ?? guardedFetch();
  const absolute = (link?: string | null) => (link ? `${opts.baseUrl}${link}` : null);
  const text = (n: Notice) => [n.body, absolute(n.link)].filter(Boolean).join('\n\n');

  async function deliver(to: Recipients, notice: Notice, channels: Channels): Promise<Delivery> {
    await addToInbox(opts.db, to.userIds, notice);
    const delivery: Delivery = { inbox: to.userIds.length, emails: 0, emailFailed: false, webhook: null };
    if (channels.email && to.emails.length) {
      delivery.emails = to.emails.length;
      try {
        await opts.mailer.send({ to: to.emails, subject: notice.title, text: text(notice) });
      } catch (err) {
        delivery.emailFailed = true;
        opts.logger.error({ err, kind: notice.kind }, 'e-mail delivery failed');
      }
    }
    if (channels.webhook && to.webhookUrl) {
      try {
        await postWebhook(fetchImpl, to.webhookUrl, robotText(notice.title, notice.body, absolute(notice.link)));
        delivery.webhook = 'sent';
      } catch (err) {
        delivery.webhook = 'failed';
        opts.logger.error({ err, kind: notice.kind }, 'webhook delivery failed');
      }
    }
    return delivery;
  }

  return {
    async department(code, notice, channels = {}) {
      return deliver(await departmentRecipients(opts.db, code, { leaders: channels.leaders }), notice, channels);
    },
    async office(notice, channels = {}) {
      await deliver(await officeRecipients(opts.db), notice, channels);
    },
    async users(userIds, notice) {
      await addToInbox(opts.db, userIds, notice);
    },
  };
}

/** The notifier of a running service: SMTP or the outbox folder, from the configuration. */
export function notifierFromConfig(db: Knex, config: Config, logger: Logger): Notifier {
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    dataDir: config.dataDir,
    from: senderFor(config.baseUrl, config.mailFrom),
  });
  return createNotifier({ db, mailer, logger, baseUrl: config.baseUrl });
}
