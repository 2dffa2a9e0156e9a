import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { ConflictError, FieldError, ValidationError } from '../errors';
import { canonicalJson } from '../services/audit';

/**
 * `Idempotency-Key` on the API's creating POSTs (a report, a sharing request, a copy of one): a client that
 * timed out does not know whether its request made the record; sent again with the same key, it gets what
 * the first answered (same status and body, header `Idempotent-Replayed: true`) and nothing is made twice.
 * The pages have the same guarantee from their forms' ids (form-once.ts); this is the API's, kept in the
 * database so it holds across restarts and instances.
 *
 * - The key is the client's (a UUID, say): 1–255 visible ASCII characters, sent once, else 422 naming the header
 *   and what is wrong (the length, the first invisible or non-ASCII character, the header sent twice).
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

/** The key a request carries, or null; a malformed one is a 422 naming the header and what is wrong with it. */
function keyOf(req: Request): string | null {
  const key = req.get(IDEMPOTENCY_HEADER);
  if (key === undefined) return null;
  if (!KEY.test(key)) throw new ValidationError([{ field: IDEMPOTENCY_HEADER, ...keyProblem(req, key) }]);
  return key;
}

/**
 * What is wrong with a key that is not 1–255 visible ASCII characters. Its length only when the length is
 * the problem: `a b`, `中文` or the header sent twice were told "received 3 / 6 / 8 characters", lengths in range.
 */
function keyProblem(req: Request, key: string): Pick<FieldError, 'key' | 'params'> {
  // Node joins a header sent twice into one value (`k1, k2`): the client sent two keys, not one with a space.
  const sent = req.headersDistinct[IDEMPOTENCY_HEADER.toLowerCase()]?.length ?? 1;
  if (sent > 1) return { key: 'errors.idempotencyKeyRepeated', params: { count: sent } };
  // Node reads a header's bytes as Latin-1: `中文` sent in UTF-8 arrives as six characters. Count and name the
  // characters as the client typed them (UTF-8, as curl and the HTTP libraries send it), else the bytes as read.
  const chars = [...typedKey(key)];
  if (chars.length < 1 || chars.length > 255) return { key: 'errors.idempotencyKey', params: { length: chars.length } };
  const at = chars.findIndex((c) => !/^[\x21-\x7e]$/.test(c));
  const char = chars[at];
  if (char === undefined) return { key: 'errors.idempotencyKey', params: { length: chars.length } };
  const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  const position = at + 1;
  if (char === ' ') return { key: 'errors.idempotencyKeySpace', params: { position } };
  if (char < ' ' || char === '\x7f') return { key: 'errors.idempotencyKeyControl', params: { position, code } };
  return { key: 'errors.idempotencyKeyNonAscii', params: { position, character: char, code } };
}

function typedKey(key: string): string {
  if (!/[\x80-\xff]/.test(key)) return key;
  const bytes = Buffer.from(key, 'latin1');
  const text = bytes.toString('utf8');
  // Bytes that are no UTF-8 decode to U+FFFD, which does not encode back to them.
  return Buffer.from(text, 'utf8').equals(bytes) ? text : key;
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
