import type { NextFunction, Request, Response } from 'express';
import { ValidationError, type FieldError } from '../errors';
import { SHADOWING_KEYS_DROPPED } from '../middleware/body-safety';

/**
 * The keys a JSON API route reads from its body: `true` for a value read whole (a text, a number, a list of texts, an
 * object whose keys are data, such as a report's `record_key`), an object of keys for an object read by its keys
 * (`applicant`), `[{…}]` for a list of such objects (`items`).
 */
export interface BodyKeys {
  readonly [key: string]: true | BodyKeys | readonly [BodyKeys];
}

/** A body full of unknown keys is answered with the first ones: enough to see the mistake. */
const MAX_NAMED = 20;

/**
 * A key the route does not read was dropped without a word: `"commnet"` lost the comment of a 200, `"itmes"` made a
 * request without its items, `"staffNo"` was read as an undocumented alias. Each is a problem naming the key where it
 * was (`items.0.itmes`) with the keys accepted there. A value of another type than the object or list a key takes
 * is not looked into: the route names its type.
 */
export function unknownBodyKeys(body: unknown, keys: BodyKeys): FieldError[] {
  const problems: FieldError[] = [];
  look(body, keys, '', problems);
  return problems;
}

function look(value: unknown, keys: BodyKeys, at: string, problems: FieldError[]): void {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;
  const accepted = Object.keys(keys);
  // Keys the JSON parser dropped (`__proto__`, `constructor`, `toString`…: dropShadowingKeys) are keys no route reads.
  const dropped = (value as { [SHADOWING_KEYS_DROPPED]?: string[] })[SHADOWING_KEYS_DROPPED] ?? [];
  for (const [key, inner] of [...dropped.map((k) => [k, undefined] as const), ...Object.entries(value)]) {
    if (problems.length >= MAX_NAMED) return;
    const field = `${at}${key}`;
    if (!Object.hasOwn(keys, key)) {
      problems.push(
        accepted.length
          ? { field, key: 'errors.unknownBodyKey', params: { key: field, accepted: accepted.join(', ') } }
          : { field, key: 'errors.noBodyKeys', params: { key: field } },
      );
      continue;
    }
    const shape = keys[key];
    if (shape === true) {
      droppedInside(inner, field, problems);
      continue;
    }
    if (isRowShape(shape)) {
      if (Array.isArray(inner)) inner.forEach((row, i) => look(row, shape[0], `${field}.${i}.`, problems));
    } else look(inner, shape, `${field}.`, problems);
  }
}

/**
 * Inside a value read whole (a report's `record_key`, whose keys are the table's key columns): a key the JSON parser
 * dropped names no column or anything else the route could read, and is refused by name as well.
 */
function droppedInside(value: unknown, at: string, problems: FieldError[]): void {
  if (!value || typeof value !== 'object') return;
  const dropped = (value as { [SHADOWING_KEYS_DROPPED]?: string[] })[SHADOWING_KEYS_DROPPED] ?? [];
  for (const key of dropped) {
    if (problems.length >= MAX_NAMED) return;
    problems.push({ field: `${at}.${key}`, key: 'errors.reservedBodyKey', params: { key: `${at}.${key}` } });
  }
  for (const [key, inner] of Object.entries(value)) droppedInside(inner, `${at}.${key}`, problems);
}

const isRowShape = (shape: BodyKeys | readonly [BodyKeys]): shape is readonly [BodyKeys] => Array.isArray(shape);

/**
 * Refuses (422, before the route reads anything, nothing changed) a JSON body holding a key the route does not read.
 * A page's script signed in with its session may send the CSRF token as the body's `_csrf` (csrf.ts reads it there).
 */
export function acceptBodyKeys(keys: BodyKeys) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    let body: unknown = req.body;
    if (!req.viaApiToken && body && typeof body === 'object' && '_csrf' in body) {
      const { _csrf, ...rest } = body as Record<string, unknown>;
      body = rest;
    }
    const problems = unknownBodyKeys(body, keys);
    next(problems.length ? new ValidationError(problems) : undefined);
  };
}
