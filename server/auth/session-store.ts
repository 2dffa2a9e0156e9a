import session from 'express-session';
import type { Knex } from 'knex';
import type { UserRow } from '../services/users';

/** How many sessions' stored expiry this instance remembers (to skip needless touches). */
const REMEMBERED = 10_000;
/**
 * How long an ended session's row stays as a marker (`{"ended": true}`) before `purgeExpired` removes it: a
 * request of that session still in flight when it ended (signing out while another tab loads) saves its
 * session at the end, and without the marker that save wrote the row back — signed in again after signing out.
 */
const ENDED_KEPT_MS = 15 * 60_000;
const NOT_ENDED = `data->>'ended' is null`;

/** The signed-in user's row, read with the session; `password_hash` is left out (null). */
export type PrefetchedUser = UserRow & { password_hash: null };

/**
 * express-session store on the service database (table `sessions`), so sessions survive restarts
 * and are shared by every instance. Expired rows are ignored on read and purged by `purgeExpired`; an ended
 * session (signed out, or replaced at sign-in) is kept a while as a marker no save can undo (ENDED_KEPT_MS).
 *
 * Rolling sessions call `touch` at the end of every request, and express-session holds the response
 * until it is done: an UPDATE and a commit per page view. The store remembers the expiry it last read
 * or wrote per session and skips the write while the stored expiry is less than a minute (a tenth of
 * the idle lifetime for short ones) behind the new one. The cookie still rolls on every response; the
 * row may end the session at most that much before the full idle time.
 *
 * Every signed-in request also needs its user (middleware/current-user.ts): `get` reads the user row
 * in the same query as the session, and `takeUser` hands it over once, so a page view costs one
 * round trip less.
 */
export class KnexSessionStore extends session.Store {
  private readonly storedExpiry = new Map<string, number>();
  private readonly users = new Map<string, { userId: number; user: PrefetchedUser | null; at: number }>();

  constructor(private readonly db: Knex) {
    super();
  }

  private expiry(sess: session.SessionData): Date {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires) : new Date(Date.now() + 24 * 3600 * 1000);
  }

  private remember(sid: string, expiresAt: Date): void {
    this.storedExpiry.delete(sid);
    this.storedExpiry.set(sid, expiresAt.getTime());
    // Oldest first: a Map keeps insertion order, and `delete` above moves a session to the end.
    if (this.storedExpiry.size > REMEMBERED) this.storedExpiry.delete(this.storedExpiry.keys().next().value!);
  }

  /** Longest lag of the stored expiry behind the cookie's: 60 s, or a tenth of the idle lifetime. */
  private static allowedLag(sess: session.SessionData): number {
    const idle = sess.cookie?.originalMaxAge ?? 0;
    return Math.min(60_000, Math.max(0, idle / 10));
  }

  override get(sid: string, cb: (err: unknown, session?: session.SessionData | null) => void): void {
    this.db('sessions as s')
      .leftJoin(
        'users as u',
        'u.id',
        this.db.raw(`case when jsonb_typeof(s.data->'userId') = 'number' then (s.data->>'userId')::bigint end`),
      )
      .where('s.sid', sid)
      .where('s.expires_at', '>', new Date())
      .whereRaw(`s.${NOT_ENDED}`)
      .first('s.data', 's.expires_at', this.db.raw(`to_jsonb(u) - 'password_hash' as "user"`))
      .then((row) => {
        this.users.delete(sid);
        if (!row) {
          this.storedExpiry.delete(sid);
          return cb(null, null);
        }
        this.remember(sid, new Date(row.expires_at));
        const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as session.SessionData;
        if (typeof data.userId === 'number') {
          this.users.set(sid, {
            userId: data.userId,
            user: row.user ? { ...(row.user as UserRow), password_hash: null } : null,
            at: Date.now(),
          });
          if (this.users.size > REMEMBERED) this.users.delete(this.users.keys().next().value!);
        }
        cb(null, data);
      }, cb);
  }

  /**
   * The user row read with this session moments ago (null: no such user any more), once; undefined
   * when there is none to hand over (then the caller reads the user itself). A row older than a
   * second is not handed over: it belongs to a request that never asked for it.
   */
  takeUser(sid: string, userId: number): PrefetchedUser | null | undefined {
    const entry = this.users.get(sid);
    if (!entry) return undefined;
    this.users.delete(sid);
    if (entry.userId !== userId || Date.now() - entry.at > 1000) return undefined;
    return entry.user;
  }

  override set(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    const expiresAt = this.expiry(sess);
    this.db('sessions')
      .insert({ sid, data: JSON.stringify(sess), expires_at: expiresAt })
      .onConflict('sid')
      .merge()
      // An ended session stays ended (ENDED_KEPT_MS): the save of a request that was in flight changes nothing.
      .whereRaw(`sessions.${NOT_ENDED}`)
      .then(
        () => {
          this.remember(sid, expiresAt);
          cb?.();
        },
        (err) => cb?.(err),
      );
  }

  override touch(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    const expiresAt = this.expiry(sess);
    const stored = this.storedExpiry.get(sid);
    if (stored !== undefined && expiresAt.getTime() - stored < KnexSessionStore.allowedLag(sess)) {
      cb?.();
      return;
    }
    this.db('sessions')
      .where({ sid })
      .whereRaw(NOT_ENDED)
      .update({ expires_at: expiresAt })
      .then(
        () => {
          this.remember(sid, expiresAt);
          cb?.();
        },
        (err) => cb?.(err),
      );
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.storedExpiry.delete(sid);
    this.users.delete(sid);
    // Marked ended rather than deleted (see ENDED_KEPT_MS); the user's data goes at once.
    this.db('sessions')
      .where({ sid })
      .update({ data: JSON.stringify({ ended: true }), expires_at: new Date(Date.now() + ENDED_KEPT_MS) })
      .then(
        () => cb?.(),
        (err) => cb?.(err),
      );
  }

  async purgeExpired(): Promise<number> {
    return this.db('sessions').where('expires_at', '<=', new Date()).delete();
  }
}
