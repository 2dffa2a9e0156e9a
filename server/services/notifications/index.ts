/**
 * Notifications: the in-app inbox (every user), e-mail (SMTP or .eml files in DATA_DIR/outbox) and
 * per-department robot webhooks (WeCom/DingTalk). Callers decide what to say; this area delivers.
 */
import { translator } from '../../i18n';

export { addToInbox, inReadersLanguage, listInbox, markRead, settleNotices, type InboxItem } from './inbox';
export { createMailer, senderFor } from './mailer';
export { createNotifier, notifierFromConfig, reachedAnyone, type Channels, type Delivery, type Notifier } from './notifier';
export { departmentRecipients, officeRecipients, type Recipients } from './recipients';
export { postWebhook, robotPayload, webhookUrlProblem, type WebhookUrlProblem } from './webhook';
export type { FetchLike, Mail, Mailer, Notice } from './types';

/**
 * Notices speak the university's language, Chinese, whoever caused them: they go to shared
 * department mailboxes and group-chat robots whose readers' language Hubwatch does not know, and the
 * ticket and report notices are written in Chinese too (tickets/notify.ts). Translating with the
 * sender's req.t would send an English notice whenever the sender had switched the UI to English.
 * The English text goes beside it (`Notice.en`, `noticeTextEn`) for the inbox of English readers.
 */
export const noticeText = translator('zh-CN');
export const noticeTextEn = translator('en');
