/** One thing to tell someone: it lands in the inbox, and by e-mail/webhook when the caller asks. */
export interface Notice {
  /** e.g. ticket.new_high, ticket.escalated, ticket.reminder, tickets.digest */
  kind: string;
  title: string;
  body: string;
  /** Path inside Hubwatch, e.g. /tickets/12 (made absolute with BASE_URL in e-mails). */
  link?: string | null;
  /**
   * The same in English, for the inbox of readers of the English pages (e-mails and robots stay Chinese).
   * `body` left out: the body is language-neutral (words someone typed) and shown as it is.
   */
  en?: { title: string; body?: string };
  /**
   * What the notice asks its readers to act on (`sharing_stage:12`), for a notice that stops being news once someone
   * acted: `settleNotices` marks every unread notice of that subject read. Left out for notices that are only news.
   */
  subject?: string;
}

export interface Mail {
  to: string[];
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/**
 * How a robot is posted to: node's https client in the service (`guardedFetch`), a stand-in in tests. `body`: the start
 * of the robot's answer, which says whether it took the message (WeCom and DingTalk answer HTTP 200 either way).
 */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ ok: boolean; status: number; body?: string }>;
