/**
 * What tickets tell people, in Chinese (stewards and the IT office read these in mail clients and
 * group chats), with the same in English for the inbox of English readers (`Notice.en`). Delivery is
 * the notifications area's job.
 */
import type { Notifier } from '../notifications';
import { maskIdNumbersIn } from '../privacy';
import { shownFreeText } from './privacy';
import { disputeSubject, extensionSubject, type TicketRow } from './types';

const SEVERITY_WORDS = { high: '高', medium: '中', low: '低' } as const;
/** As the pages say them (tickets.severity in English). */
const SEVERITY_WORDS_EN = { high: 'High', medium: 'Medium', low: 'Low' } as const;

type Line = Pick<TicketRow, 'id' | 'message' | 'due_at' | 'severity'> & { message_en?: string | null };

export function ticketLine(t: Line): string {
  return `#${t.id} [${SEVERITY_WORDS[t.severity]}] ${maskIdNumbersIn(t.message)}（整改期限 ${t.due_at}）`;
}

/** `ticketLine` in English, with the ticket's English sentence where it has one. */
export function ticketLineEn(t: Line): string {
  return `#${t.id} [${SEVERITY_WORDS_EN[t.severity]}] ${maskIdNumbersIn(t.message_en ?? t.message)} (due ${t.due_at})`;
}

/** A ticket with its department's name, where the IT office reads about several departments. */
export interface Named {
  department_name?: string | null;
}

/** "人事处（HR）", or the code alone when the name is not known. */
export function departmentWords(t: { department_code: string } & Named): string {
  return t.department_name ? `${t.department_name}（${t.department_code}）` : t.department_code;
}

/** "人事处 (HR)": the department's name as the catalog has it, English punctuation. */
function departmentWordsEn(t: { department_code: string } & Named): string {
  return t.department_name ? `${t.department_name} (${t.department_code})` : t.department_code;
}

/** "1 ticket", "3 tickets": English notices count with the noun's number. */
export const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function byDepartment<T extends { department_code: string }>(tickets: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of tickets) out.set(t.department_code, [...(out.get(t.department_code) ?? []), t]);
  return out;
}

/** New high-severity tickets go out at once: inbox, e-mail and robot, one message per department. */
export async function notifyNewHighSeverity(notifier: Notifier, tickets: TicketRow[]): Promise<void> {
  for (const [department, list] of byDepartment(tickets)) {
    await notifier.department(
      department,
      {
        kind: 'ticket.new_high',
        title: `【数据质量】${list.length} 个高严重度问题待整改`,
        body: list.map(ticketLine).join('\n'),
        link: list.length === 1 ? `/tickets/${list[0].id}` : '/tickets?severity=high',
        en: {
          title: `[Data quality] ${plural(list.length, 'high-severity problem', 'high-severity problems')} to fix`,
          body: list.map(ticketLineEn).join('\n'),
        },
      },
      { email: true, webhook: true },
    );
  }
}

/**
 * A re-check the department asked for ("fixed") still found the problem: the ticket is open again, with its due date
 * unchanged. Inbox only, one message per department: the steward who said "fixed" may have left the page before the
 * re-check ended, and the daily digest lists the ticket as open again.
 */
export async function notifyRecheckFailed(notifier: Notifier, tickets: TicketRow[]): Promise<void> {
  for (const [department, list] of byDepartment(tickets)) {
    await notifier.department(department, {
      kind: 'ticket.recheck_failed',
      title: `【复查未通过】${list.length} 个标记为已整改的质量工单仍有问题`,
      // Each line's sentence says what is still wrong (its count where it counts records).
      body: list.map(ticketLine).join('\n'),
      link: list.length === 1 ? `/tickets/${list[0].id}` : '/tickets?status=active',
      en: {
        title: `[Re-check failed] ${plural(list.length, 'ticket marked fixed still has', 'tickets marked fixed still have')} problems`,
        body: list.map(ticketLineEn).join('\n'),
      },
    });
  }
}

/**
 * A report ticket the department had answered was reopened — by a reporter who disagrees with the answer, or by the
 * IT office — and is back with the department, open, with a fresh due date: its stewards hear at once (inbox and
 * e-mail), with the reason (masked by the caller as the report's pages mask it) and a link to the report's answer
 * page. Without it the department, which thought the report done, learned of it only from the reminder before the
 * new due date.
 */
export async function notifyReportReopened(
  notifier: Notifier,
  ticket: Pick<TicketRow, 'id' | 'message' | 'due_at' | 'severity' | 'department_code'> & { message_en?: string | null },
  by: 'reporter' | 'it_office',
  shownReason: string,
  link: string,
): Promise<void> {
  const who = by === 'reporter' ? '报告人不同意答复' : '信息化办公室';
  const whoEn = by === 'reporter' ? 'the reporter disagrees with the answer and' : 'the IT office';
  await notifier.department(
    ticket.department_code,
    {
      kind: 'ticket.report_reopened',
      title: `【纠错重新打开】质量工单 #${ticket.id}：${who}重新打开，请于 ${ticket.due_at} 前再次处理`,
      body: `${ticketLine(ticket)}\n理由：${shownReason}`,
      link,
      en: {
        title: `[Report reopened] Quality ticket #${ticket.id}: ${whoEn} reopened it; answer again by ${ticket.due_at}`,
        body: `${ticketLineEn(ticket)}\nReason: ${shownReason}`,
      },
    },
    { email: true },
  );
}

/** Reminders go to the inbox only: the department's e-mail is its one daily digest, which lists them as due soon. */
export async function notifyReminders(notifier: Notifier, tickets: TicketRow[]): Promise<void> {
  for (const [department, list] of byDepartment(tickets)) {
    await notifier.department(department, {
      kind: 'ticket.reminder',
      title: `【提醒】${list.length} 个质量工单将于下一个工作日到期`,
      body: list.map(ticketLine).join('\n'),
      link: '/tickets?status=active',
      en: {
        title: `[Reminder] ${plural(list.length, 'quality ticket is', 'quality tickets are')} due on the next working day`,
        body: list.map(ticketLineEn).join('\n'),
      },
    });
  }
}

/**
 * "Not our data": the IT office decides who owns the record and reassigns, so it hears at once (inbox
 * and e-mail), with the department's reason. The office's queue lists these under view=disputed.
 */
export async function notifyDispute(
  notifier: Notifier,
  ticket: Pick<TicketRow, 'id' | 'message' | 'due_at' | 'severity' | 'department_code'> & Named,
  reason: string,
): Promise<void> {
  await notifier.office(
    {
      kind: 'ticket.disputed',
      subject: disputeSubject(ticket.id),
      title: `【改派】质量工单 #${ticket.id}：${departmentWords(ticket)}认为不属于本单位数据`,
      // The reason as the ticket page shows it: ID numbers and phones masked (mailboxes are shared).
      body: `${ticketLine(ticket)}\n理由：${shownFreeText(reason)}`,
      link: `/tickets/${ticket.id}`,
      en: {
        title: `[Reassign] Quality ticket #${ticket.id}: ${departmentWordsEn(ticket)} says the data is not theirs`,
        body: `${ticketLineEn(ticket)}\nReason: ${shownFreeText(reason)}`,
      },
    },
    { email: true },
  );
}

/**
 * The IT office kept a disputed ticket with its department: the department (stewards and leaders) hears it at once
 * (inbox and e-mail), with the office's reason and the due date, moved on by the days the dispute took. `shownReason`
 * is masked by the caller as the ticket's pages mask it (a report ticket's by the reports' rule); `link` is where the
 * department acts on it.
 */
export async function notifyDisputeDismissed(
  notifier: Notifier,
  ticket: Pick<TicketRow, 'id' | 'message' | 'due_at' | 'severity' | 'department_code'> & { message_en?: string | null },
  shownReason: string,
  link: string,
): Promise<void> {
  await notifier.department(
    ticket.department_code,
    {
      kind: 'ticket.dispute_refused',
      title: `【异议未采纳】质量工单 #${ticket.id} 仍由本单位整改`,
      body: `${ticketLine(ticket)}\n理由：${shownReason}`,
      link,
      en: {
        title: `[Dispute not accepted] Quality ticket #${ticket.id} stays with your department`,
        body: `${ticketLineEn(ticket)}\nReason: ${shownReason}`,
      },
    },
    // Leaders too: they may have filed the dispute, and its answer is theirs to hear (as an extension's answer is).
    { email: true, leaders: true },
  );
}

/**
 * The IT office closed a ticket (transitionTicket to `closed`, with its reason): the department — stewards and leaders,
 * who may have disputed it or asked for more time — hears at once (inbox and e-mail) that it has nothing more to fix,
 * and why, as it hears the office's other decisions. `shownReason` is masked by the caller as the ticket's pages mask
 * it; `link` is where the department reads the ticket.
 */
export async function notifyClosed(
  notifier: Notifier,
  ticket: Pick<TicketRow, 'id' | 'message' | 'due_at' | 'severity' | 'department_code'> & { message_en?: string | null },
  shownReason: string,
  link: string,
): Promise<void> {
  await notifier.department(
    ticket.department_code,
    {
      kind: 'ticket.closed',
      title: `【已关闭】质量工单 #${ticket.id} 已由信息化办公室关闭，无需再整改`,
      body: `#${ticket.id} ${maskIdNumbersIn(ticket.message)}\n关闭原因：${shownReason}`,
      link,
      en: {
        title: `[Closed] Quality ticket #${ticket.id} was closed by the IT office; nothing more to fix`,
        body: `#${ticket.id} ${maskIdNumbersIn(ticket.message_en ?? ticket.message)}\nReason: ${shownReason}`,
      },
    },
    { email: true, leaders: true },
  );
}

/**
 * The IT office handed a ticket to another department (reassignTicket): the new department's stewards hear at once
 * (inbox and e-mail) that it is theirs now, with its fresh due date and the office's reason, and the previous
 * department — stewards and leaders, who may have disputed it — that it is no longer theirs. `ticket` is the ticket as
 * reassigned (its department the new one); `shownReason` is masked by the caller as the ticket's pages mask it; `link`
 * is where the new department acts on it (the previous one may no longer open the ticket: its notice links nowhere).
 */
export async function notifyReassigned(
  notifier: Notifier,
  ticket: Pick<TicketRow, 'id' | 'message' | 'due_at' | 'severity' | 'department_code'> & { message_en?: string | null } & Named,
  from: { department_code: string } & Named,
  /** The reason as typed (the office's words, one language), or the system's in each language (a catalog import). */
  shownReason: string | { zh: string; en: string },
  link: string,
): Promise<void> {
  const reason = typeof shownReason === 'string' ? { zh: shownReason, en: shownReason } : shownReason;
  await notifier.department(
    ticket.department_code,
    {
      kind: 'ticket.reassigned_in',
      title: `【转来工单】质量工单 #${ticket.id} 由${departmentWords(from)}改派给本单位，整改期限 ${ticket.due_at}`,
      body: `${ticketLine(ticket)}\n改派理由：${reason.zh}`,
      link,
      en: {
        title: `[Reassigned to you] Quality ticket #${ticket.id} moved from ${departmentWordsEn(from)} to your department, due ${ticket.due_at}`,
        body: `${ticketLineEn(ticket)}\nReason: ${reason.en}`,
      },
    },
    { email: true },
  );
  await notifier.department(
    from.department_code,
    {
      kind: 'ticket.reassigned_out',
      title: `【已改派】质量工单 #${ticket.id} 已改派给${departmentWords(ticket)}，不再由本单位整改`,
      body: `#${ticket.id} ${maskIdNumbersIn(ticket.message)}\n改派理由：${reason.zh}`,
      link: null,
      en: {
        title: `[Reassigned] Quality ticket #${ticket.id} moved to ${departmentWordsEn(ticket)}; your department no longer fixes it`,
        body: `#${ticket.id} ${maskIdNumbersIn(ticket.message_en ?? ticket.message)}\nReason: ${reason.en}`,
      },
    },
    { email: true, leaders: true },
  );
}

/**
 * A department asks for more time (extensions.ts): the IT office decides, so it hears at once (inbox and e-mail), with
 * the days asked for, the due date and the department's reason, masked as the ticket page shows it. The office's queue
 * lists these under view=extension.
 */
export async function notifyExtensionRequested(
  notifier: Notifier,
  ticket: Pick<TicketRow, 'id' | 'message' | 'due_at' | 'severity' | 'department_code'> & { message_en?: string | null } & Named,
  days: number,
  reason: string,
): Promise<void> {
  await notifier.office(
    {
      kind: 'ticket.extension_asked',
      subject: extensionSubject(ticket.id),
      title: `【延期申请】质量工单 #${ticket.id}：${departmentWords(ticket)}申请延期 ${days} 个工作日`,
      body: `${ticketLine(ticket)}\n理由：${shownFreeText(reason)}`,
      link: `/tickets/${ticket.id}`,
      en: {
        title: `[Extension] Quality ticket #${ticket.id}: ${departmentWordsEn(ticket)} asks for ${plural(days, 'more working day', 'more working days')}`,
        body: `${ticketLineEn(ticket)}\nReason: ${shownFreeText(reason)}`,
      },
    },
    { email: true },
  );
}

/**
 * The IT office answered a request for more time: the department — stewards and leaders — hears at once (inbox and e-mail), with the due date
 * as it now stands. `shownReason` is masked by the caller as the ticket's pages mask it (a report ticket's by the
 * reports' rule); empty when the office gave none (a grant needs none).
 */
export async function notifyExtensionDecided(
  notifier: Notifier,
  ticket: Pick<TicketRow, 'id' | 'message' | 'due_at' | 'severity' | 'department_code'> & { message_en?: string | null },
  decision: { granted: boolean; days: number },
  shownReason: string,
  link: string,
): Promise<void> {
  // A grant's words are a note (说明), a refusal's its reason (理由), as the office's forms name them.
  const reasonZh = shownReason ? `\n${decision.granted ? '说明' : '理由'}：${shownReason}` : '';
  const reasonEn = shownReason ? `\n${decision.granted ? 'Note' : 'Reason'}: ${shownReason}` : '';
  await notifier.department(
    ticket.department_code,
    decision.granted
      ? {
          kind: 'ticket.extension_given',
          title: `【同意延期】质量工单 #${ticket.id} 整改期限顺延 ${decision.days} 个工作日至 ${ticket.due_at}`,
          body: `${ticketLine(ticket)}${reasonZh}`,
          link,
          en: {
            title: `[Extension granted] Quality ticket #${ticket.id} is now due ${ticket.due_at} (${plural(decision.days, 'working day', 'working days')} more)`,
            body: `${ticketLineEn(ticket)}${reasonEn}`,
          },
        }
      : {
          kind: 'ticket.extension_denied',
          title: `【不同意延期】质量工单 #${ticket.id} 整改期限仍为 ${ticket.due_at}`,
          body: `${ticketLine(ticket)}${reasonZh}`,
          link,
          en: {
            title: `[Extension refused] Quality ticket #${ticket.id} is still due ${ticket.due_at}`,
            body: `${ticketLineEn(ticket)}${reasonEn}`,
          },
        },
    // Its leaders too: a department leader may have asked (tickets.work), and hears the answer in the inbox.
    { email: true, leaders: true },
  );
}

/**
 * Escalations go to the IT office at once (inbox and e-mail), and to the inboxes of the department's stewards
 * and its leaders: an overdue ticket is the leader's business, where reminders and new tickets are the stewards'.
 */
export async function notifyEscalations(notifier: Notifier, tickets: (TicketRow & Named)[]): Promise<void> {
  if (!tickets.length) return;
  const lines = tickets.map((t) => `${departmentWords(t)} ${ticketLine(t)}`);
  await notifier.office(
    {
      kind: 'ticket.escalated',
      title: `【督办】${tickets.length} 个质量工单逾期未整改`,
      body: lines.join('\n'),
      link: '/tickets?view=escalated',
      en: {
        title: `[Escalated] ${plural(tickets.length, 'quality ticket is', 'quality tickets are')} overdue`,
        body: tickets.map((t) => `${departmentWordsEn(t)} ${ticketLineEn(t)}`).join('\n'),
      },
    },
    { email: true },
  );
  for (const [department, list] of byDepartment(tickets)) {
    await notifier.department(
      department,
      {
        kind: 'ticket.escalated',
        title: `【逾期】${list.length} 个质量工单已逾期，已上报信息化办公室`,
        body: list.map(ticketLine).join('\n'),
        link: '/tickets?view=overdue',
        en: {
          title: `[Overdue] ${plural(list.length, 'quality ticket is', 'quality tickets are')} overdue and reported to the IT office`,
          body: list.map(ticketLineEn).join('\n'),
        },
      },
      { leaders: true },
    );
  }
}
