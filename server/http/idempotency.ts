import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { ConflictError, ValidationError } from '../errors';
import { canonicalJson } from '../services/audit';

/**
 * `Idempotency-Key` on the API's creating POSTs (a report, a sharing request, a copy of one): a client that
 * timed out does not know whether its request made the record; sent again with the same key, it gets what
 * the first answered (same status and body, header `Idempotent-Replayed: true`) and nothing is made twice.
 * The pages have the same guarantee from their forms' ids (form-once.ts); this is the API's, kept in the
 * database so it holds across restarts and instances.
 *
 * - The key is the client's (a UUID, say): 1–255 visible ASCII characters, else 422 naming the header.
 * - One key names one request: the same key with another method, path or body is a 422, never a replay of
 *   something else.
 * - While the first request is still being handled a second with the key is a 409 (retry shortly); a first
 *   request that failed (any error answer) leaves nothing, so the retry runs afresh.
 * - Keys are kept 24 hours per account, then forgotten.
 */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
const KEY = /^[\x21-\x7e]{1,255}$/;
const KEPT_MS = 24 * 3600_000;

export interface Answer {
  status: number;
  body: unknown;
}

function requestHash(req: Request): string {
  return (
    createHash('sha256')
      // Keys sorted (the audit log's canonical JSON): `{"draft":true,"purpose":"x"}` and `{"purpose":"x","draft":true}`
      // are one body, as JSON objects are unordered, so a client that rebuilds its body for a retry gets the replay.
      .update(`${req.method} ${req.baseUrl}${req.path}\n${canonicalJson(req.body ?? null)}`)
      .digest('hex')
  );
}

/** The key a request carries, or null; a malformed one is a 422 naming the header. */
function keyOf(req: Request): string | null {
  const key = req.get(IDEMPOTENCY_HEADER);
  if (key === undefined) return null;
  if (!KEY.test(key))
    throw new ValidationError([{ field: IDEMPOTENCY_HEADER, key: 'errors.idempotencyKey', params: { length: key.length } }]);
  return key;
}

/**
 * Answers `req` with what `make` answers, once per `Idempotency-Key`: a request without the header just runs
 * `make`. `make` must not send the response itself.
 */
export async function respondOnce(db: Knex, req: Request, res: Response, now: Date, make: () => Promise<Answer>): Promise<void> {
  const key = keyOf(req);
  if (key === null) {
    const answer = await make();
    res.status(answer.status).json(answer.body);
    return;
  }
  const userId = req.user!.id;
  const hash = requestHash(req);
  await db('api_idempotency_keys')
    .where('created_at', '<', new Date(now.getTime() - KEPT_MS))
    .delete();
  const claimed = await db('api_idempotency_keys')
    .insert({ user_id: userId, key, request_hash: hash, created_at: now })
    .onConflict(['user_id', 'key'])
    .ignore()
    .returning('id');
  if (!claimed.length) {
    const earlier = await db('api_idempotency_keys').where({ user_id: userId, key }).first('request_hash', 'status', 'response');
    // Gone between the insert and this read: the first request failed and let go of the key. Its retry may claim it.
    if (!earlier) throw new ConflictError('errors.idempotencyInProgress');
    if (earlier.request_hash !== hash)
      throw new ValidationError([{ field: IDEMPOTENCY_HEADER, key: 'errors.idempotencyReused' }]);
    if (earlier.status === null) throw new ConflictError('errors.idempotencyInProgress');
    res.setHeader('Idempotent-Replayed', 'true');
    res.status(earlier.status).json(earlier.response);
    return;
  }
  let answer: Answer;
  try {
    answer = await make();
  } catch (err) {
    // Nothing was made (an error answer changes nothing): the key is free for the corrected or retried request.
    await db('api_idempotency_keys')
      .where({ id: claimed[0].id ?? claimed[0] })
      .delete();
    throw err;
  }
  await db('api_idempotency_keys')
    .where({ id: claimed[0].id ?? claimed[0] })
    .update({ status: answer.status, response: JSON.stringify(answer.body) });
  res.status(answer.status).json(answer.body);
}
