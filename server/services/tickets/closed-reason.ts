/**
 * The reasons the system closes a ticket with, stored in both languages, `中文 / English` (reports/withdraw.ts,
 * catalog-change.ts): the API and `tickets list` give them so, for any reader. A page shows the reader's half, as the
 * ticket's history says it — a Chinese page read 报告人已撤回报告 / the reporter withdrew the report. What a person
 * typed (the IT office's reason, a department's "not an error") is shown as typed: only these exact forms are split.
 * Both the stored text and its reading come from this one table, so they cannot drift apart.
 */
const SYSTEM_REASONS = {
  withdrawn: ['报告人已撤回报告', 'the reporter withdrew the report'],
  uncovered: ['数据目录已不再检查此项', 'the catalog no longer checks this'],
  duplicate: ['目录变更后与工单 #{ticket} 重复', 'duplicate of ticket #{ticket} after a catalog change'],
} as const;

export type SystemCloseReason = keyof typeof SYSTEM_REASONS;

/** The closing reason as stored: `中文 / English`, `{ticket}` given as the ticket's number. */
export function systemCloseReason(kind: SystemCloseReason, ticket?: number): string {
  return SYSTEM_REASONS[kind].map((text) => text.replace('{ticket}', String(ticket))).join(' / ');
}

/** A template as a pattern of its text: `{ticket}` any ticket number, everything else literally. */
const patternOf = (text: string) => text.replace(/[.*+?^$()[\]\\|]/g, '\\$&').replace('{ticket}', '\\d+');

const PATTERNS = Object.values(SYSTEM_REASONS).map(([zh, en]) => new RegExp(`^(${patternOf(zh)}) / (${patternOf(en)})$`));

export function closedReasonIn(reason: string | null, locale: string): string | null {
  if (reason == null) return null;
  for (const pattern of PATTERNS) {
    const match = pattern.exec(reason);
    if (match) return locale === 'en' ? match[2] : match[1];
  }
  return reason;
}
