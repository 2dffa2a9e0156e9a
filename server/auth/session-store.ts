import session from 'express-session';
import type { Knex } from 'knex';

/**
 * express-session store on the service database (table `sessions`), so sessions survive restarts
 * and are shared by every instance. Expired rows are ignored on read and purged by `purgeExpired`.
 */
export class KnexSessionStore extends session.Store {
  constructor(private readonly db: Knex) {
    super();
  }

  private expiry(sess: session.SessionData): Date {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires) : new Date(Date.now() + 24 * 3600 * 1000);
  }

  override get(sid: string, cb: (err: unknown, session?: session.SessionData | null) => void): void {
    this.db('sessions')
      .where({ sid })
      .where('expires_at', '>', new Date())
      .first('data')
      .then((row) => cb(null, row ? (row.data as session.SessionData) : null), cb);
  }

  override set(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    this.db('sessions')
      .insert({ sid, data: JSON.stringify(sess), expires_at: this.expiry(sess) })
      .onConflict('sid')
      .merge()
      .then(() => cb?.(), (err) => cb?.(err));
  }

  override touch(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    this.db('sessions')
      .where({ sid })
      .update({ expires_at: this.expiry(sess) })
      .then(() => cb?.(), (err) => cb?.(err));
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.db('sessions')
      .where({ sid })
      .delete()
      .then(() => cb?.(), (err) => cb?.(err));
  }

  async purgeExpired(): Promise<number> {
    return this.db('sessions').where('expires_at', '<=', new Date()).delete();
  }
}
