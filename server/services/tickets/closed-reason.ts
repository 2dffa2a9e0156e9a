/**
 * The reasons the system closes a ticket with are stored in both languages, `中文 / English` (reports/withdraw.ts,
 * catalog-change.ts): the API and `tickets list` give them so, for any reader. A page shows the reader's half, as the
 * ticket's history says it — a Chinese page read 报告人已撤回报告 / the reporter withdrew the report. What a person
 * typed (the IT office's reason, a department's "not an error") is shown as typed: only these exact forms are split.
 */
const SYSTEM_REASONS: RegExp[] = [
  /^(报告人已撤回报告) \/ (the reporter withdrew the report)$/,
  /^(数据目录已不再检查此项) \/ (the catalog no longer checks this)$/,
  /^(目录变更后与工单 #\d+ 重复) \/ (duplicate of ticket #\d+ after a catalog change)$/,
];

export function closedReasonIn(reason: string | null, locale: string): string | null {
  if (reason == null) return null;
  for (const pattern of SYSTEM_REASONS) {
    const match = pattern.exec(reason);
    if (match) return locale === 'en' ? match[2] : match[1];
  }
  return reason;
}
