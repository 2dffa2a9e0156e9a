import type { Request } from 'express';
import type { AppError, MessageParams } from '../../errors';

const STATUS_WORDS = new Set(['triage', 'rejected', 'open', 'acknowledged', 'fixed', 'resolved', 'closed']);
const ANSWER_WORDS = new Set(['fixed', 'not_error', 'not_ours']);

/**
 * A refusal's message (409) with the statuses and answers it names in the user's words: the ticket
 * service's messages carry the stored values (`status: 'open'`, `to: 'not_error'`).
 */
export function conflictText(req: Request, err: AppError): string {
  const params: MessageParams = { ...err.params };
  for (const [k, v] of Object.entries(params)) {
    if (typeof v !== 'string') continue;
    if (k === 'answer' && ANSWER_WORDS.has(v)) params[k] = req.t(`reports.answerWords.${v}`);
    else if ((k === 'status' || k === 'from' || k === 'to') && STATUS_WORDS.has(v)) params[k] = req.t(`reports.status.${v}`);
    else if (k === 'to' && ANSWER_WORDS.has(v)) params[k] = req.t(`reports.answerWords.${v}`);
  }
  return req.t(err.messageKey, params);
}
