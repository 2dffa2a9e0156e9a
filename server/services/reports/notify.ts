import type { Knex } from 'knex';
import { addToInbox } from '../notifications';
import { confirmSubject, shownFreeText } from '../tickets';
import { settleNotices } from '../notifications/inbox';
import { isReportersObjection } from './privacy';

/**
 * Reporters hear of every change to their report's ticket, whichever page made it (the report
 * answer page, the ticket page, the IT office's reassignment, the confirmation job): the ticket's
 * history is read past `report_tickets.notified_event_id`, and that cursor moves in the same
 * transaction as the inbox rows, so each change is told once even with several instances.
 */
const TOLD: Record<string, (e: EventRow) => string> = {
  transition: (e) => `状态变更为“${STATUS_WORDS[e.to_status ?? ''] ?? e.to_status}”`,
  answered: (e) =>
    // A sentence, not a second label after 您的报告 #N： (责任单位答复：经核实数据无误 read as two); the reason is the body.
    (e.details as { answer?: string }).answer === 'fixed' ? '责任单位已整改，请确认是否已更正' : '责任单位经核实，数据无误',
  confirmed: (e) =>
    (e.details as { reason?: string }).reason === 'no_reply' ? '整改后 5 个工作日内未收到异议，已自动确认解决' : '已确认解决',
  reopened: () => '已重新打开，退回责任单位处理',
  reassigned: (e) =>
    (e.details as { cleared_fix?: string }).cleared_fix
      ? '已由信息化办公室改派给其他责任单位，原整改作废，由新责任单位重新处理'
      : '已由信息化办公室改派给其他责任单位',
  disputed: () => '责任单位认为不属于本单位数据，已提交信息化办公室改派',
};

/** `TOLD` in English, for the inbox of English readers. */
const TOLD_EN: Record<string, (e: EventRow) => string> = {
  transition: (e) => `status changed to "${STATUS_WORDS_EN[e.to_status ?? ''] ?? e.to_status}"`,
  answered: (e) =>
    (e.details as { answer?: string }).answer === 'fixed'
      ? 'the responsible department has fixed it; please confirm the correction'
      : 'the responsible department checked the data and found it correct',
  confirmed: (e) =>
    (e.details as { reason?: string }).reason === 'no_reply'
      ? 'no objection within 5 working days of the fix: confirmed as resolved'
      : 'confirmed as resolved',
  reopened: () => 'reopened and sent back to the responsible department',
  reassigned: (e) =>
    (e.details as { cleared_fix?: string }).cleared_fix
      ? 'reassigned by the IT office to another department; the earlier fix no longer counts'
      : 'reassigned by the IT office to another department',
  disputed: () => 'the responsible department says the data is not theirs; sent to the IT office to reassign',
};

const STATUS_WORDS_EN: Record<string, string> = {
  open: 'To do',
  acknowledged: 'In progress',
  fixed: 'Fixed, awaiting confirmation',
  resolved: 'Resolved',
  closed: 'Closed',
};

export const STATUS_WORDS: Record<string, string> = {
  open: '待处理',
  acknowledged: '处理中',
  fixed: '已整改待确认',
  resolved: '已解决',
  closed: '已关闭',
};

interface EventRow {
  id: number;
  kind: string;
  to_status: string | null;
  comment: string | null;
  actor_user_id: number | null;
  details: Record<string, unknown>;
}

/** Tells reporters of new changes; `ticketIds` limits the work to those tickets (after a page action). */
export async function notifyReporters(db: Knex, ticketIds?: number[]): Promise<number> {
  const q = db('report_tickets as rt')
    .whereExists(
      db('ticket_events as e').whereRaw('e.ticket_id = rt.ticket_id and e.id > rt.notified_event_id').select(db.raw('1')),
    )
    .select('rt.ticket_id');
  if (ticketIds) q.whereIn('rt.ticket_id', ticketIds);
  let sent = 0;
  for (const { ticket_id } of await q) {
    sent += await db.transaction(async (trx) => {
      const state = await trx('report_tickets').where({ ticket_id }).forUpdate().first('notified_event_id');
      const events = (await trx('ticket_events')
        .where({ ticket_id })
        .where('id', '>', state.notified_event_id)
        .orderBy('id')
        .select('id', 'kind', 'to_status', 'comment', 'actor_user_id', 'details')) as EventRow[];
      if (!events.length) return 0;
      // A withdrawn report left the ticket: its reporter is told no more of it.
      const reports = (await trx('reports')
        .where({ ticket_id })
        .whereNot({ status: 'withdrawn' })
        .select('id', 'reporter_id')) as {
        id: number;
        reporter_id: number;
      }[];
      let count = 0;
      let askedToConfirm = false;
      for (const e of events.filter((x) => TOLD[x.kind])) {
        const line = TOLD[e.kind](e);
        const lineEn = TOLD_EN[e.kind](e);
        for (const r of reports) {
          // Nobody is told of their own action.
          if (e.actor_user_id !== null && Number(e.actor_user_id) === Number(r.reporter_id)) continue;
          // Another reporter's objection is told without their words, as the reporter's page shows it.
          const othersObjection = isReportersObjection(e);
          const asksToConfirm = e.kind === 'answered' && (e.details as { answer?: string }).answer === 'fixed';
          askedToConfirm ||= asksToConfirm;
          await addToInbox(trx, [Number(r.reporter_id)], {
            kind: `report.${e.kind}`,
            ...(asksToConfirm ? { subject: confirmSubject(Number(ticket_id)) } : {}),
            title: `【数据纠错】您的报告 #${r.id}：${othersObjection ? '另一位报告人不同意答复，' : ''}${line}`,
            // As the reporter's page shows the history: personal data in the text masked (tickets' shownFreeText).
            body: othersObjection ? '' : (shownFreeText(e.comment) ?? ''),
            link: `/reports/${r.id}`,
            en: {
              title: `[Error report] Your report #${r.id}: ${othersObjection ? 'another reporter disagrees with the answer; ' : ''}${lineEn}`,
            },
          });
          count++;
        }
      }
      // A "please confirm" told after the fix was already confirmed, resolved or set aside (the job catches up later
      // than the page's action) asks nothing any more. (One told before it was settled when the ticket left `fixed`.)
      if (askedToConfirm && (await trx('tickets').where({ id: ticket_id }).first('status'))?.status !== 'fixed')
        await settleNotices(trx, [confirmSubject(Number(ticket_id))], new Date());
      await trx('report_tickets')
        .where({ ticket_id })
        .update({ notified_event_id: events[events.length - 1].id });
      return count;
    });
  }
  return sent;
}
