import { createHash } from 'node:crypto';

/**
 * The one way a form carries what it was opened from (`edited_from`), so that a save from a page opened before someone
 * else's change saves nothing instead of silently putting back what was changed meanwhile ("last write wins"): a short
 * digest of what the form showed, worked out again from what is stored when the form comes back. An account's edit form
 * (users/manage.ts accountVersion), the ticket settings (tickets/settings.ts), each department's robot address
 * (notifications/webhook.ts webhookUrlVersion), the triage setting (reports/settings.ts), the scorecard weights
 * (scorecards/weights.ts) and a sharing draft's edit form (sharing/workflow.ts draftVersion) use it. `shown` is made of
 * JSON values, in a fixed order.
 */
export function formVersion(shown: unknown): string {
  return createHash('sha256').update(JSON.stringify(shown)).digest('hex').slice(0, 32);
}

/**
 * The version a form sent (its `edited_from`): a text, or undefined when it sent none — the command line, a page from
 * before the forms carried one — and then nothing is compared.
 */
export function sentFormVersion(body: unknown): string | undefined {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>).edited_from : undefined;
  return typeof value === 'string' ? value : undefined;
}
