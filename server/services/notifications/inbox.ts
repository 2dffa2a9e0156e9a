import type { Knex } from 'knex';
import { maskIdNumbersIn } from '../privacy';
import type { Notice } from './types';

/** Inbox rows for several users at once (one insert). */
export async function addToInbox(db: Knex | Knex.Transaction, userIds: number[], notice: Notice): Promise<void> {
  const ids = [...new Set(userIds)];
  if (!ids.length) return;
  await db('notifications').insert(
    ids.map((user_id) => ({
      user_id,
      kind: notice.kind,
      title: notice.title.slice(0, 300),
      body: notice.body,
      title_en: notice.en ? notice.en.title.slice(0, 300) : null,
      body_en: notice.en?.body ?? null,
      link: notice.link ?? null,
      subject: notice.subject ?? null,
    })),
  );
}

/**
 * The thing some notices asked their readers to act on was acted on (a sharing stage decided, a request for more time
 * answered, a dispute settled, a report triaged): every unread notice about it, whoever received it, is marked read,
 * in the caller's transaction — the inbox's unread count then says what still waits for its reader.
 */
export async function settleNotices(db: Knex | Knex.Transaction, subjects: string[], now: Date): Promise<void> {
  if (!subjects.length) return;
  await db('notifications').whereIn('subject', subjects).whereNull('read_at').update({ read_at: now });
}

export interface InboxItem {
  id: number;
  kind: string;
  title: string;
  body: string;
  title_en: string | null;
  body_en: string | null;
  link: string | null;
  created_at: Date;
  read_at: Date | null;
}

export async function listInbox(
  db: Knex,
  userId: number,
  opts: { limit: number; offset: number; unreadOnly?: boolean },
): Promise<{ items: InboxItem[]; total: number; unread: number; newest: number | null }> {
  const base = db('notifications').where({ user_id: userId });
  const filtered = opts.unreadOnly ? base.clone().whereNull('read_at') : base.clone();
  const [items, total, unread, newest] = await Promise.all([
    filtered
      .clone()
      .orderBy('id', 'desc')
      .limit(opts.limit)
      .offset(opts.offset)
      .select('id', 'kind', 'title', 'body', 'title_en', 'body_en', 'link', 'created_at', 'read_at'),
    filtered.clone().count({ n: '*' }).first(),
    base.clone().whereNull('read_at').count({ n: '*' }).first(),
    base.clone().max({ id: 'id' }).first(),
  ]);
  return {
    // Notices carry no personal data: what people typed is masked as written (maskFreeText). A ticket's sentence
    // stored before its table's ID-number key was masked names it whole: its ID numbers are masked as read — only
    // those, as the ticket's pages do (a student number in a sentence is the record's identity, not a phone).
    items: (items as InboxItem[]).map((item) => ({
      ...item,
      title: maskIdNumbersIn(item.title),
      body: maskIdNumbersIn(item.body),
      title_en: item.title_en === null ? null : maskIdNumbersIn(item.title_en),
      body_en: item.body_en === null ? null : maskIdNumbersIn(item.body_en),
    })),
    total: Number(total?.n ?? 0),
    unread: Number(unread?.n ?? 0),
    newest: newest?.id == null ? null : Number(newest.id),
  };
}

/**
 * Marks one notice (or, with id null, all) as read; only the owner's rows are touched. `upTo` (with all):
 * only notices up to that id — those there were when the page was shown, not one that arrived since unseen.
 */
export async function markRead(db: Knex, userId: number, id: number | null, now: Date, upTo?: number): Promise<number> {
  const q = db('notifications').where({ user_id: userId }).whereNull('read_at');
  if (id !== null) q.andWhere({ id });
  else if (upTo !== undefined) q.andWhere('id', '<=', upTo);
  return q.update({ read_at: now });
}

/** A notice as its reader reads it: English title and body where the notice has them and the reader reads English. */
export function inReadersLanguage(item: InboxItem, locale: string): InboxItem {
  if (locale !== 'en') return item;
  return { ...item, title: item.title_en ?? item.title, body: item.body_en ?? item.body };
}
