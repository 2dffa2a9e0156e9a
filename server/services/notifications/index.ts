/**
 * Notifications: the in-app inbox (every user), e-mail (SMTP or .eml files in DATA_DIR/outbox) and
 * per-department robot webhooks (WeCom/DingTalk). Callers decide what to say; this area delivers.
 */
export { addToInbox, listInbox, markRead, type InboxItem } from './inbox';
export { createMailer, senderFor } from './mailer';
export { createNotifier, notifierFromConfig, type Channels, type Notifier } from './notifier';
export { departmentRecipients, officeRecipients, type Recipients } from './recipients';
export { isWebhookUrl, postWebhook, robotPayload } from './webhook';
export type { FetchLike, Mail, Mailer, Notice } from './types';
