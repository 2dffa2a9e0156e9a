import type { AppError, MessageParams } from '../errors';
import type { Translator } from '../i18n';
import { REPORT_CHECK } from '../services/tickets/report-state';
import { TICKET_STATUSES } from '../services/tickets/types';

/**
 * A ticket's status in words, as the ticket-status partial (views/partials/ticket-status.hbs) shows it: 已关闭, not
 * `closed`. A report ticket marked fixed waits for its reporter's confirmation (已整改待确认), not for a re-check.
 */
export function ticketStatusWords(t: Translator, status: string, check?: unknown): string {
  return check === REPORT_CHECK && status === 'fixed' ? t('reports.status.fixed') : t(`tickets.status.${status}`);
}

/**
 * A ticket conflict's message (409) in the reader's words, on the ticket page and in the API alike: the statuses it
 * names (`from`, `to`, `status`) as the pages name them (“已整改待复查”, not `fixed`), a report ticket's as its own
 * (the services pass the ticket's `check` with them). The services' messages carry the stored codes.
 */
export function conflictMessage(t: Translator, err: AppError): string {
  const params: MessageParams = { ...err.params };
  for (const name of ['from', 'to', 'status']) {
    const value = params[name];
    if (typeof value === 'string' && (TICKET_STATUSES as readonly string[]).includes(value))
      params[name] = ticketStatusWords(t, value, params.check);
  }
  return t(err.messageKey, params);
}
