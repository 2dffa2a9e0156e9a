import crypto from 'node:crypto';
import type { Knex } from 'knex';
import {
  rateLimit,
  type ClientRateLimitInfo,
  type IncrementResponse,
  type Options,
  type RateLimitInfo,
  type Store,
} from 'express-rate-limit';
import type { Request, RequestHandler, Response } from 'express';
import { rateLimitHeadersOnAnswer, secondsToReset } from './rate-limit-headers';
import { TooManyRequestsError } from '../errors';

/** Expired rows are deleted at most this often per instance (on an increment). */
const SWEEP_EVERY_MS = 10 * 60_000;

/** Milliseconds until a row's window ends, by the database clock (the one that decides the window). */
const MS_LEFT = `CAST(EXTRACT(EPOCH FROM (reset_at - now())) * 1000 AS float8)`;

/**
 * The window's end on this process's clock: now plus what is left of it by the database's. The limiter and Retry-After
 * subtract Date.now() from it; the stored `reset_at` is the database's instant, so a host clock a few minutes off
 * (no NTP) said "try again in 0 s" or in an hour more than the window.
 */
function resetOnOurClock(msLeft: unknown): Date {
  return new Date(Date.now() + Math.max(0, Number(msLeft)));
}

/**
 * express-rate-limit's counters in the service database, so every instance counts the same hits
 * (the library's memory store counts per process). A fixed window per key: the first hit starts it,
 * hits after `reset_at` start a new one — in one upsert, so concurrent hits never lose a count.
 * The database clock decides, the same for every instance. Keys are stored hashed.
 */
export class DatabaseRateLimitStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;
  private lastSweep = 0;

  constructor(
    private readonly db: Knex,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private id(key: string): string {
    return crypto.createHash('sha256').update(`${this.prefix}\u0000${key}`).digest('base64url');
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const row = await this.db('rate_limit_hits')
      .where({ key: this.id(key) })
      .where('reset_at', '>', this.db.fn.now())
      .first('hits', this.db.raw(`${MS_LEFT} AS ms_left`));
    return row ? { totalHits: Number(row.hits), resetTime: resetOnOurClock(row.ms_left) } : undefined;
  }

  async increment(key: string): Promise<IncrementResponse> {
    await this.sweep();
    const window = `${Math.max(1, Math.round(this.windowMs))} milliseconds`;
    const { rows } = await this.db.raw(
      `INSERT INTO rate_limit_hits AS r (key, hits, reset_at) VALUES (?, 1, now() + CAST(? AS interval))
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.reset_at <= now() THEN 1 ELSE r.hits + 1 END,
         reset_at = CASE WHEN r.reset_at <= now() THEN EXCLUDED.reset_at ELSE r.reset_at END
       RETURNING hits, ${MS_LEFT} AS ms_left`,
      [this.id(key), window],
    );
    return { totalHits: Number(rows[0].hits), resetTime: resetOnOurClock(rows[0].ms_left) };
  }

  async decrement(key: string): Promise<void> {
    await this.db('rate_limit_hits')
      .where({ key: this.id(key) })
      .where('reset_at', '>', this.db.fn.now())
      .where('hits', '>', 0)
      .decrement('hits', 1);
  }

  async resetKey(key: string): Promise<void> {
    await this.db('rate_limit_hits')
      .where({ key: this.id(key) })
      .delete();
  }

  private async sweep(): Promise<void> {
    if (Date.now() - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = Date.now();
    await this.db('rate_limit_hits').where('reset_at', '<', this.db.raw(`now() - interval '1 minute'`)).delete();
  }
}

/**
 * A limit on guessing a password: 10 failures in 15 minutes per key (an address and a login or an account),
 * counted in the database (`store` names the counter) so every instance sees the same attempts; the 11th
 * answers 429. `failed` says which answers count (default: any answer of 400 or more).
 */
const GUESS_WINDOW_MS = 15 * 60_000;
const GUESS_LIMIT = 10;
/** The limit's name in the RateLimit headers (as express-rate-limit names it). */
const GUESS_POLICY = `${GUESS_LIMIT}-in-15min`;

export function passwordGuessLimiter(
  db: Knex,
  store: string,
  key: (req: Request) => string,
  failed: (req: Request, res: Response) => boolean = (_req, res) => res.statusCode >= 400,
): RequestHandler {
  const limiter = rateLimit({
    windowMs: GUESS_WINDOW_MS,
    limit: GUESS_LIMIT,
    // Written by `headers` once the answer is known: the limiter's own counted a successful sign-in before giving
    // its hit back, so it said one fewer attempt left than there was.
    standardHeaders: false,
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (req: Request, res: Response) => !failed(req, res),
    keyGenerator: key,
    handler: (req, res, next) => {
      res.setHeader(
        'Retry-After',
        String(secondsToReset((req as Request & { rateLimit?: RateLimitInfo }).rateLimit, GUESS_WINDOW_MS)),
      );
      next(new TooManyRequestsError());
    },
    store: new DatabaseRateLimitStore(db, store),
  });
  const headers = rateLimitHeadersOnAnswer({ name: GUESS_POLICY, windowMs: GUESS_WINDOW_MS, counts: failed });
  return (req, res, next) => headers(req, res, () => limiter(req, res, next));
}

/**
 * After passwordGuessLimiter refused a request (429): the whole minutes until its window ends, at least 1, for the
 * locked form to say how long to wait (the full window when the limiter left no reset time).
 */
export function lockMinutesLeft(req: Request): number {
  const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
  return Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + GUESS_WINDOW_MS) - Date.now()) / 60_000));
}
